#include "transport/redactor.hpp"

#include <cstring>

namespace sim7080::transport {
namespace {

// The keyword, upper case. Its first character occurs nowhere else in it, so after a mismatch
// no suffix of the held bytes can start a new match: releasing all of them and re-examining
// the current byte from the start is exact (no KMP table needed). The static_assert keeps this
// reasoning honest if the keyword ever changes.
constexpr std::string_view keyword = "+FTPPW";
static_assert(keyword.size() == PasswordRedactor::max_hold_bytes);
static_assert(keyword.find(keyword[0], 1) == std::string_view::npos);

constexpr std::byte to_byte(char c) noexcept { return static_cast<std::byte>(c); }

constexpr char upper(std::byte b) noexcept {
  const auto c = static_cast<char>(b);
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

constexpr bool is_line_end(std::byte b) noexcept { return b == to_byte('\r') || b == to_byte('\n'); }

constexpr bool is_argument_start(std::byte b) noexcept { return b == to_byte('=') || b == to_byte(':'); }

}  // namespace

std::span<const std::byte> PasswordRedactor::feed(std::span<const std::byte> chunk) {
  // Fast path: nothing pending and no '+' anywhere: the chunk is its own output.
  if (state_ == State::scanning && matched_ == 0 &&
      (chunk.empty() || std::memchr(chunk.data(), '+', chunk.size()) == nullptr)) {
    return chunk;
  }
  out_.clear();
  std::size_t i = 0;
  while (i < chunk.size()) {
    if (state_ == State::scanning && matched_ == 0) {
      // Copy the run up to the next '+' in one go.
      const void* hit = std::memchr(chunk.data() + i, '+', chunk.size() - i);
      const std::size_t end =
          hit == nullptr ? chunk.size() : static_cast<std::size_t>(static_cast<const std::byte*>(hit) - chunk.data());
      emit(chunk.subspan(i, end - i));
      i = end;
      if (i == chunk.size()) break;
    }
    process(chunk[i]);
    ++i;
  }
  return out_;
}

std::span<const std::byte> PasswordRedactor::flush() {
  out_.clear();
  if (matched_ != 0) {
    release_held();
    state_ = State::hiding;  // the rest of the keyword and a password may still follow
  }
  return out_;
}

void PasswordRedactor::resync() noexcept {
  matched_ = 0;
  state_ = State::hiding;
}

void PasswordRedactor::process(std::byte b) {
  if (state_ == State::hiding) {
    if (is_line_end(b)) {
      out_.push_back(b);
      state_ = State::scanning;
    }
    return;  // a password byte (or an unobserved line's tail): dropped
  }
  if (matched_ == keyword.size()) {
    if (is_argument_start(b)) {
      release_held();
      out_.push_back(b);
      const auto* r = reinterpret_cast<const std::byte*>(replacement.data());
      emit({r, replacement.size()});
      state_ = State::hiding;
      return;
    }
    release_held();  // e.g. "+FTPPWX" or "+FTPPW?": not a password; look at b afresh
  } else if (upper(b) == keyword[matched_]) {
    held_[matched_++] = b;
    return;
  } else if (matched_ != 0) {
    release_held();  // see the note on `keyword`: b is re-examined from the start
  }
  if (b == to_byte(keyword[0])) {
    held_[matched_++] = b;
  } else {
    out_.push_back(b);
  }
}

void PasswordRedactor::emit(std::span<const std::byte> bytes) { out_.insert(out_.end(), bytes.begin(), bytes.end()); }

void PasswordRedactor::release_held() {
  emit(std::span<const std::byte>(held_.data(), matched_));
  matched_ = 0;
}

}  // namespace sim7080::transport

#include "support/replay_stream.hpp"

#include <algorithm>
#include <cstring>
#include <system_error>

#include "asio/error.hpp"
#include "asio/post.hpp"
#include "fmt/format.h"

namespace sim7080::test {
namespace {

using transcript::EntryKind;

constexpr std::string_view password_line = "AT+FTPPW=<redacted>";
constexpr std::string_view password_prefix = "AT+FTPPW=\"";
constexpr std::size_t context_bytes = 20;  // each side of the first difference

std::string describe(const transcript::Entry& e) {
  constexpr std::size_t max_shown = 60;
  if (e.kind == EntryKind::pause) return fmt::format("~ {}ms", e.pause.count());
  std::string text = transcript::escape_bytes(e.bytes.substr(0, max_shown));
  if (e.bytes.size() > max_shown) text += "...";
  return fmt::format("{}{}{}", transcript::marker(e.kind), text.empty() ? "" : " ", text);
}

}  // namespace

std::string Chunking::name() const {
  switch (mode) {
    case Mode::whole: return "whole";
    case Mode::bytewise: return "bytewise";
    case Mode::fixed: return max_bytes == 1 ? "bytewise" : fmt::format("fixed({})", max_bytes);
    case Mode::random: return fmt::format("random({},{})", seed, max_bytes);
  }
  return "?";
}

ReplayStream::ReplayStream(transcript::Transcript transcript, asio::any_io_executor executor, VirtualClock& clock,
                           Chunking chunking, HostOrder order)
    : entries_(std::move(transcript.entries)),
      executor_(std::move(executor)),
      clock_(clock),
      chunking_(chunking),
      order_(order),
      rng_(chunking.seed) {
  if (chunking_.mode == Chunking::Mode::bytewise) chunking_ = Chunking::fixed(1);
  wire_.reserve(entries_.size());
  for (const auto& e : entries_) wire_.push_back(transcript::wire_bytes(e));
  skip_host();
  skip_other();
  pump();  // a leading pause needs no I/O to start
}

ReplayStream::~ReplayStream() = default;

bool ReplayStream::is_password_entry(std::size_t i) const {
  return entries_[i].kind == EntryKind::host_line && entries_[i].bytes == password_line;
}

// Moves host_idx_ to the next host entry with bytes to match (or the end).
void ReplayStream::skip_host() {
  while (host_idx_ < entries_.size() && (!transcript::is_host(entries_[host_idx_].kind) || wire_[host_idx_].empty())) {
    ++host_idx_;
  }
  host_off_ = 0;
  pw_phase_ = PwPhase::prefix;
}

// Moves other_idx_ to the next pause or non-empty modem entry (or the end).
void ReplayStream::skip_other() {
  while (other_idx_ < entries_.size() &&
         (transcript::is_host(entries_[other_idx_].kind) ||
          (transcript::is_modem(entries_[other_idx_].kind) && wire_[other_idx_].empty()))) {
    ++other_idx_;
  }
  other_off_ = 0;
}

// True when every modem entry before `idx` is delivered except, at most, line-end bytes (a
// driver may act on a line at its CR, before the LF arrives), and every pause before it elapsed.
bool ReplayStream::delivered_before(std::size_t idx) const {
  for (std::size_t i = other_idx_; i < idx; ++i) {
    const auto& e = entries_[i];
    if (e.kind == EntryKind::pause) return false;
    if (!transcript::is_modem(e.kind)) continue;
    const std::string_view rest = std::string_view(wire_[i]).substr(i == other_idx_ ? other_off_ : 0);
    if (rest.find_first_not_of("\r\n") != std::string_view::npos) return false;
  }
  return true;
}

bool ReplayStream::fully_consumed() const noexcept {
  return host_idx_ >= entries_.size() && other_idx_ >= entries_.size();
}

// Matches one written byte against the transcript; false on a difference.
bool ReplayStream::match(char c) {
  if (host_idx_ >= entries_.size()) return false;
  char shown = c;
  if (is_password_entry(host_idx_)) {
    switch (pw_phase_) {
      case PwPhase::prefix:
        if (c != password_prefix[host_off_]) return false;
        if (++host_off_ == password_prefix.size()) pw_phase_ = PwPhase::secret;
        break;
      case PwPhase::secret:
        if (c == '\r' || c == '\n') return false;
        if (c == '"') pw_phase_ = PwPhase::close;
        else shown = '*';  // keep even a test password out of messages
        break;
      case PwPhase::close:
        if (c != '\r') return false;
        ++host_idx_;
        skip_host();
        break;
    }
  } else {
    const std::string& w = wire_[host_idx_];
    if (c != w[host_off_]) return false;
    if (++host_off_ == w.size()) {
      ++host_idx_;
      skip_host();
    }
  }
  ++host_pos_;
  history_.push_back(shown);
  if (history_.size() > context_bytes) history_.erase(0, history_.size() - context_bytes);
  return true;
}

// Up to `max` expected host bytes from the current position (a password shown as <password>).
std::string ReplayStream::expected_rest(std::size_t max) const {
  std::string out;
  std::size_t off = host_off_;
  for (std::size_t i = host_idx_; i < entries_.size() && out.size() < max; ++i, off = 0) {
    if (!transcript::is_host(entries_[i].kind)) continue;
    if (is_password_entry(i)) {
      const bool first = i == host_idx_;
      if (!first || pw_phase_ == PwPhase::prefix) out += std::string(password_prefix.substr(first ? off : 0)) + "<password>\"\r";
      else if (pw_phase_ == PwPhase::secret) out += "<password>\"\r";
      else out += "\r";
    } else {
      out += wire_[i].substr(off);
    }
  }
  return out.substr(0, max);
}

void ReplayStream::fail(std::string_view why, std::span<const std::byte> written, std::size_t at) {
  failed_ = true;
  const std::string where =
      host_idx_ < entries_.size()
          ? fmt::format("transcript line {}: `{}`", entries_[host_idx_].line, describe(entries_[host_idx_]))
          : std::string("after the last host line of the transcript");
  const std::size_t n = std::min(context_bytes, written.size() - at);
  const std::string got(reinterpret_cast<const char*>(written.data()) + at, n);
  const std::string prefix = transcript::escape_bytes(history_);
  std::string expected = transcript::escape_bytes(expected_rest(context_bytes));
  if (host_idx_ >= entries_.size()) expected += "<end of transcript>";
  failure_ = fmt::format(
      "{} at host byte {} ({}; byte {} of a {}-byte write)\n"
      "  expected: {}{}\n"
      "  written:  {}{}{}\n"
      "            {}^",
      why, host_pos_, where, at, written.size(), prefix, expected, prefix, transcript::escape_bytes(got),
      at + n < written.size() ? "..." : "", std::string(prefix.size(), ' '));
}

void ReplayStream::async_write(std::span<const std::byte> bytes, transport::WriteHandler handler) {
  if (!open_) return complete(std::move(handler), asio::error::bad_descriptor, 0);
  if (failed_) return complete(std::move(handler), std::make_error_code(std::errc::protocol_error), 0);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const bool starts_entry = host_off_ == 0 && pw_phase_ == PwPhase::prefix;
    if (order_ == HostOrder::strict && starts_entry && host_idx_ < entries_.size() && !delivered_before(host_idx_)) {
      const auto& waiting = entries_[other_idx_];
      fail(fmt::format("host wrote before line {} (`{}`) was {}", waiting.line, describe(waiting),
                       waiting.kind == EntryKind::pause ? "elapsed" : "delivered"),
           bytes, i);
    } else if (!match(static_cast<char>(bytes[i]))) {
      fail(host_idx_ < entries_.size() ? "host write differs from the transcript" : "host wrote more than the transcript",
           bytes, i);
    }
    if (failed_) return complete(std::move(handler), std::make_error_code(std::errc::protocol_error), i);
  }
  complete(std::move(handler), {}, bytes.size());
  pump();
}

void ReplayStream::async_read_some(std::span<std::byte> into, transport::ReadHandler handler) {
  if (!open_) return complete(std::move(handler), asio::error::bad_descriptor, 0);
  if (read_pending_) return complete(std::move(handler), asio::error::in_progress, 0);
  if (into.empty()) return complete(std::move(handler), {}, 0);
  read_pending_ = true;
  read_into_ = into;
  read_handler_ = std::move(handler);
  pump();
}

void ReplayStream::cancel() {
  if (!read_pending_) return;
  read_pending_ = false;
  complete(std::move(read_handler_), asio::error::operation_aborted, 0);
}

void ReplayStream::close() {
  cancel();
  open_ = false;
}

void ReplayStream::complete(transport::ReadHandler handler, std::error_code ec, std::size_t n) {
  ++in_flight_;
  asio::post(executor_, [this, alive = std::weak_ptr<int>(alive_), h = std::move(handler), ec, n]() mutable {
    if (alive.expired()) return;
    h(ec, n);
    if (alive.expired()) return;  // the handler destroyed the stream
    --in_flight_;
    pump();
  });
}

void ReplayStream::pump() {
  if (failed_ || !open_) return;
  deliver();
  maybe_pause();
}

// Fills the pending read with the next chunk of deliverable modem bytes.
void ReplayStream::deliver() {
  if (!read_pending_) return;
  std::size_t limit = read_into_.size();
  if (chunking_.mode == Chunking::Mode::fixed) limit = std::min(limit, chunking_.max_bytes);
  if (chunking_.mode == Chunking::Mode::random) limit = std::min<std::size_t>(limit, 1 + rng_() % chunking_.max_bytes);
  std::size_t n = 0;
  // An entry is deliverable when it is a modem entry and every host entry before it is written.
  while (n < limit && other_idx_ < entries_.size() && transcript::is_modem(entries_[other_idx_].kind) &&
         host_idx_ > other_idx_) {
    const std::string& w = wire_[other_idx_];
    const std::size_t take = std::min(limit - n, w.size() - other_off_);
    std::memcpy(read_into_.data() + n, w.data() + other_off_, take);
    n += take;
    other_off_ += take;
    if (other_off_ == w.size()) {
      ++other_idx_;
      skip_other();
      if (chunking_.mode == Chunking::Mode::fixed) break;  // fixed chunks never span entries
    }
  }
  if (n == 0) return;
  read_pending_ = false;
  complete(std::move(read_handler_), {}, n);
}

// Starts the pause at other_idx_ once all before it is consumed and no completion is pending.
void ReplayStream::maybe_pause() {
  if (pause_posted_ || in_flight_ != 0 || other_idx_ >= entries_.size() ||
      entries_[other_idx_].kind != EntryKind::pause || host_idx_ < other_idx_) {
    return;
  }
  pause_posted_ = true;
  // Posted, so that whatever the driver posted from its last completion runs first.
  asio::post(executor_, [this, alive = std::weak_ptr<int>(alive_)] {
    if (alive.expired()) return;
    pause_posted_ = false;
    if (failed_ || !open_ || in_flight_ != 0) return;  // the last completion will pump again
    clock_.advance(entries_[other_idx_].pause);
    ++other_idx_;
    skip_other();
    pump();
  });
}

std::string ReplayStream::leftover() const {
  constexpr std::size_t max_listed = 12;
  std::string out;
  std::size_t listed = 0;
  std::size_t more = 0;
  for (std::size_t i = std::min(host_idx_, other_idx_); i < entries_.size(); ++i) {
    const auto& e = entries_[i];
    std::string state;
    if (transcript::is_host(e.kind)) {
      if (i < host_idx_ || wire_[i].empty()) continue;
      state = i == host_idx_ && (host_off_ != 0 || pw_phase_ != PwPhase::prefix)
                  ? fmt::format("partly written ({} bytes)", host_off_)
                  : std::string("not written");
    } else {
      if (i < other_idx_ || (transcript::is_modem(e.kind) && wire_[i].empty())) continue;
      if (e.kind == EntryKind::pause) state = "pause not elapsed";
      else if (i == other_idx_ && other_off_ != 0) state = fmt::format("{} of {} bytes delivered", other_off_, wire_[i].size());
      else state = "not delivered";
    }
    if (listed == max_listed) {
      ++more;
      continue;
    }
    ++listed;
    out += fmt::format("line {}: {} ({})\n", e.line, describe(e), state);
  }
  if (more != 0) out += fmt::format("... and {} more\n", more);
  return out;
}

}  // namespace sim7080::test

namespace sim7080::transcript {

void PrintTo(const Entry& e, std::ostream* os) {
  Transcript t;
  t.entries.push_back(e);
  std::string line = format_transcript(t);
  if (!line.empty() && line.back() == '\n') line.pop_back();
  *os << '`' << line << '`';
  if (e.line != 0) *os << " (line " << e.line << ')';
}

void PrintTo(const Transcript& t, std::ostream* os) { *os << "\n" << format_transcript(t); }

}  // namespace sim7080::transcript

// Fault knobs of the modem core (tests/faults): a module that falls silent mid-transfer
// (--silent-after-bytes, --silent-ms) and lengths the module must never send (--bad-length).
#include <fmt/format.h>

#include <cctype>

#include "modem.hpp"

namespace sim7080emu {

// ---------------------------------------------------------------- --silent-after-bytes

void Modem::check_silent() {
  // Not inside a host data phase: the module takes the bytes it asked for, answers, then goes.
  if (!silent_pending_ || mode_ == InputMode::Counted || mode_ == InputMode::Etx) return;
  silent_pending_ = false;
  silent_armed_ = false;  // fires once
  silent_ = true;
  silent_line_.clear();
  w_.set_silent(true);
  if (opt_.silent_ms > 0) silent_until_ = Clock::now() + std::chrono::milliseconds(opt_.silent_ms);
  std::fprintf(stderr, "[emu] silent after %llu payload bytes (%s)\n",
               static_cast<unsigned long long>(xfer_bytes_),
               opt_.silent_ms > 0 ? fmt::format("{} ms", opt_.silent_ms).c_str() : "until a bare AT");
}

void Modem::end_silence() {
  silent_ = false;
  silent_line_.clear();
  w_.set_silent(false);
  std::fprintf(stderr, "[emu] silence over\n");
}

std::size_t Modem::consume_silent(const char* p, std::size_t n) {
  // Host bytes are ignored. Until-AT mode: a bare "AT" line, received while the module is back
  // in command mode (not streaming an ETGET, whose output is lost meanwhile), ends the silence.
  for (std::size_t i = 0; i < n; ++i) {
    const char c = p[i];
    if (c != '\r') {
      if (c != '\n' && silent_line_.size() < 16) silent_line_ += c;
      continue;
    }
    std::string line = std::move(silent_line_);
    silent_line_.clear();
    for (auto& ch : line) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (opt_.silent_ms == 0 && mode_ == InputMode::Line && line == "AT") {
      end_silence();
      rec_.host_line("AT");
      w_.line("OK");
      return i + 1;
    }
  }
  return n;
}

// ---------------------------------------------------------------- --bad-length

bool Modem::bad_read_fires() {
  if (!bad_length_armed_) return false;
  bad_length_armed_ = false;  // fires once
  std::fprintf(stderr, "[emu] bad length: %s (read reply)\n", opt_.bad_length.c_str());
  return true;
}

bool Modem::bad_length_consumes() const {
  // A negative or overflowing count cannot carry bytes: the module's data stays buffered.
  return opt_.bad_length != "negative" && opt_.bad_length != "huge";
}

std::string Modem::bad_count(std::size_t data_size, std::uint64_t requested, std::uint64_t max) const {
  const std::string& k = opt_.bad_length;
  if (k == "over-request") return fmt::format("{}", requested + 1);
  if (k == "over-max") return fmt::format("{}", max + 1);
  if (k == "negative") return fmt::format("-{}", requested);
  if (k == "huge") return "18446744073709551616";  // 2^64
  // garbled: a corrupted digit, the real bytes follow
  std::string s = fmt::format("{}", data_size);
  s.insert(1, "x");
  return s;
}

void Modem::bad_pad(std::string& data, std::uint64_t requested, std::uint64_t max) const {
  // The announced count is honoured: the real chunk, then filler up to it.
  std::uint64_t want = data.size();
  if (opt_.bad_length == "over-request") want = requested + 1;
  if (opt_.bad_length == "over-max") want = max + 1;
  if (!bad_length_consumes()) want = 0;
  data.resize(static_cast<std::size_t>(want), '#');
}

std::uint64_t Modem::bad_go_ahead(std::uint64_t requested) {
  if (!bad_length_armed_ || opt_.bad_length != "over-request") return requested;
  bad_length_armed_ = false;
  std::fprintf(stderr, "[emu] bad length: over-request (go-ahead for %llu bytes)\n",
               static_cast<unsigned long long>(requested + 1));
  return requested + 1;
}

std::string Modem::put_max_text() {
  const std::string normal = fmt::format("{}", opt_.put_max);
  if (!bad_length_armed_ || opt_.bad_length == "over-request") return normal;
  bad_length_armed_ = false;
  std::fprintf(stderr, "[emu] bad length: %s (<maxlength>)\n", opt_.bad_length.c_str());
  const std::string& k = opt_.bad_length;
  if (k == "over-max") {
    lie_put_max_ = 1461;  // the module accepts what it announced
    return "1461";
  }
  if (k == "negative") return fmt::format("-{}", opt_.put_max);
  if (k == "huge") return "18446744073709551616";
  std::string s = normal;  // garbled
  s.insert(1, "x");
  return s;
}

}  // namespace sim7080emu

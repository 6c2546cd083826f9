// TranscriptRecorder: live traffic to `.at` text. TX chunks map to `>`/`>>` lines directly;
// RX goes through a small lexer that finds `CR LF <printable> CR LF` units (`<` lines) and
// writes everything else as `<<` lines wrapped at fixed, content-determined points, so the
// text does not depend on how the modem's output was chunked.
#include <chrono>
#include <cstring>
#include <optional>
#include <ostream>
#include <string>

#include "fmt/format.h"
#include "sim7080/transcript.hpp"
#include "transport/redactor.hpp"

namespace sim7080::transcript {
namespace {

constexpr std::string_view password_prefix = "AT+FTPPW=";

bool printable(char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x20 && u < 0x7f;
}

char upper(char c) noexcept { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

bool starts_with_nocase(std::string_view s, std::string_view prefix) noexcept {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (upper(s[i]) != prefix[i]) return false;
  }
  return true;
}

std::string_view as_chars(std::span<const std::byte> bytes) noexcept {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// A TX chunk that is exactly one command line: `AT...` + one CR, no other CR or LF.
bool is_command_line(std::string_view s) noexcept {
  if (s.size() < 3 || !starts_with_nocase(s, "AT") || s.back() != '\r') return false;
  return s.substr(0, s.size() - 1).find_first_of("\r\n") == std::string_view::npos;
}

}  // namespace

struct TranscriptRecorder::Impl {
  Impl(std::ostream& o, RecorderOptions opt) : out(o), options(opt) {
    if (options.raw_line_bytes == 0) options.raw_line_bytes = 64;
  }

  std::ostream& out;
  RecorderOptions options;
  transport::PasswordRedactor tx_redactor;
  transport::PasswordRedactor rx_redactor;
  std::string rx_pending;  // RX bytes not yet decided: a lone CR, or a `CR LF text` still open
  std::string rx_raw;      // decided raw RX bytes of the `<<` line being built
  std::optional<std::chrono::steady_clock::time_point> last;

  void write_line(std::string_view mark, std::string_view payload) {
    std::string line(mark);
    if (!payload.empty()) {
      line += ' ';
      line += escape_bytes(payload);
    }
    line += '\n';
    out.write(line.data(), static_cast<std::streamsize>(line.size()));
  }

  // Writes raw bytes as `mark` lines, wrapping every raw_line_bytes bytes and after an LF that
  // ends some content (a line that is only CR LF so far goes on, so `\r\n` + text stays one
  // line). `line` is the partial line carried between calls (rx_raw), or a local for TX.
  void append_raw(std::string& line, std::string_view mark, std::string_view bytes) {
    for (char c : bytes) {
      line.push_back(c);
      const bool ends_content = c == '\n' && line != "\n" && line != "\r\n";
      if (ends_content || line.size() >= options.raw_line_bytes) end_raw(line, mark);
    }
  }
  void end_raw(std::string& line, std::string_view mark) {
    if (line.empty()) return;
    write_line(mark, line);
    line.clear();
  }

  // Decides as many pending RX bytes as possible. A unit needs its closing CR LF, so at most
  // max_line_bytes + 3 bytes stay pending; anything that cannot become a unit is raw.
  void lex_rx() {
    const std::string& b = rx_pending;
    std::size_t i = 0;
    while (i < b.size()) {
      if (b[i] != '\r') {  // raw run up to the next CR
        std::size_t j = b.find('\r', i);
        if (j == std::string::npos) j = b.size();
        append_raw(rx_raw, "<<", std::string_view(b).substr(i, j - i));
        i = j;
        continue;
      }
      if (i + 1 >= b.size()) break;  // a lone CR: the next byte decides
      if (b[i + 1] != '\n') {
        append_raw(rx_raw, "<<", "\r");
        ++i;
        continue;
      }
      std::size_t k = i + 2;  // scan the candidate text
      while (k < b.size() && printable(b[k]) && k - (i + 2) <= options.max_line_bytes) ++k;
      const std::size_t text_len = k - (i + 2);
      if (text_len <= options.max_line_bytes) {
        if (k >= b.size() || (b[k] == '\r' && text_len > 0 && k + 1 >= b.size())) break;  // undecided
        if (b[k] == '\r' && text_len > 0 && b[k + 1] == '\n') {
          end_raw(rx_raw, "<<");
          write_line("<", std::string_view(b).substr(i + 2, text_len));
          i = k + 2;
          continue;
        }
      }
      append_raw(rx_raw, "<<", "\r\n");  // not a unit (empty, too long, or a control byte)
      i += 2;
    }
    rx_pending.erase(0, i);
  }

  // Writes every RX byte received so far, decided or not.
  void flush_rx() {
    append_raw(rx_raw, "<<", rx_pending);
    rx_pending.clear();
    end_raw(rx_raw, "<<");
  }

  void write_tx(std::span<const std::byte> bytes) {
    const std::string_view s = as_chars(bytes);
    if (s.empty()) return;
    if (is_command_line(s)) {
      const std::string_view payload = s.substr(0, s.size() - 1);
      // Defence in depth: whatever follows `AT+FTPPW=` never reaches the file.
      write_line(">", starts_with_nocase(payload, password_prefix) ? "AT+FTPPW=<redacted>" : payload);
      return;
    }
    std::string line;
    append_raw(line, ">>", s);
    end_raw(line, ">>");
  }

  // Notes the time of a chunk; a long enough gap since the previous one becomes a `~` line.
  void mark_time(std::chrono::steady_clock::time_point when) {
    if (last && options.record_pauses && when > *last) {
      const auto gap = std::chrono::duration_cast<std::chrono::milliseconds>(when - *last);
      if (gap >= options.min_pause && gap.count() > 0) {
        flush_rx();
        const auto ms = gap.count();
        const std::string line = ms % 1000 == 0 ? fmt::format("~ {}s\n", ms / 1000) : fmt::format("~ {}ms\n", ms);
        out.write(line.data(), static_cast<std::streamsize>(line.size()));
      }
    }
    if (!last || when > *last) last = when;
  }
};

TranscriptRecorder::TranscriptRecorder(std::ostream& out, std::vector<Header> headers, RecorderOptions options)
    : impl_(std::make_unique<Impl>(out, options)) {
  for (const auto& [key, value] : headers) {
    std::string line = "#! " + key + ":";
    if (!value.empty()) line += ' ';
    for (char c : value) line.push_back(c == '\r' || c == '\n' ? ' ' : c);
    line += '\n';
    out.write(line.data(), static_cast<std::streamsize>(line.size()));
  }
}

TranscriptRecorder::~TranscriptRecorder() {
  try {
    flush();
  } catch (...) {  // a throwing stream must not escape a destructor
  }
}

void TranscriptRecorder::on_tx(std::span<const std::byte> bytes, std::chrono::steady_clock::time_point when) {
  impl_->mark_time(when);
  // Modem bytes that arrived before this write are written before it. (Up to 6 bytes the RX
  // redactor may hold as a possible `+FTPPW` start stay held: they follow the write.)
  impl_->flush_rx();
  impl_->write_tx(impl_->tx_redactor.feed(bytes));
}

void TranscriptRecorder::on_rx(std::span<const std::byte> bytes, std::chrono::steady_clock::time_point when) {
  impl_->mark_time(when);
  const std::string_view s = as_chars(impl_->rx_redactor.feed(bytes));
  impl_->rx_pending.append(s.data(), s.size());
  impl_->lex_rx();
}

void TranscriptRecorder::on_event(std::string_view text, std::chrono::steady_clock::time_point when) {
  impl_->mark_time(when);
  const std::string line = "# event: " + escape_bytes(text) + "\n";
  impl_->out.write(line.data(), static_cast<std::streamsize>(line.size()));
}

void TranscriptRecorder::flush() {
  const std::string_view rx_held = as_chars(impl_->rx_redactor.flush());
  impl_->rx_pending.append(rx_held.data(), rx_held.size());
  impl_->lex_rx();
  impl_->flush_rx();
  impl_->write_tx(impl_->tx_redactor.flush());
  impl_->out.flush();
}

}  // namespace sim7080::transcript

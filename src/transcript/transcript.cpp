// The `.at` transcript format: escaping, parsing, formatting and wire bytes
// (shared/spec/transcript-format.md). Plain functions over strings; no I/O, no exceptions on
// malformed input: the parser reports the first problem with its line number.
#include "sim7080/transcript.hpp"

#include <cstdint>
#include <limits>

#include "fmt/format.h"

namespace sim7080::transcript {
namespace {

constexpr char hex_digits[] = "0123456789abcdef";

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_blank(char c) noexcept { return c == ' ' || c == '\t'; }

bool is_key_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.';
}

std::string_view trim_right(std::string_view s) noexcept {
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view trim_left(std::string_view s) noexcept {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  return s;
}

// Unescapes `text` into `out`; on a bad escape returns its offset in `text`.
std::optional<std::size_t> unescape_into(std::string_view text, std::string& out) {
  out.clear();
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (i + 1 >= text.size()) return i;
    switch (text[i + 1]) {
      case 'r': out.push_back('\r'); break;
      case 'n': out.push_back('\n'); break;
      case 't': out.push_back('\t'); break;
      case '\\': out.push_back('\\'); break;
      case 'x': {
        if (i + 3 >= text.size()) return i;  // needs two hex digits
        const int hi = hex_value(text[i + 2]);
        const int lo = hex_value(text[i + 3]);
        if (hi < 0 || lo < 0) return i;
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        break;
      }
      default: return i;
    }
    ++i;
  }
  return std::nullopt;
}

// Parses the text after `~ `: `<digits>ms` or `<digits>s`.
std::optional<std::chrono::milliseconds> parse_pause(std::string_view s) {
  std::size_t digits = 0;
  std::uint64_t value = 0;
  constexpr std::uint64_t limit = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) / 1000;
  while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') {
    value = value * 10 + static_cast<std::uint64_t>(s[digits] - '0');
    if (value > limit) return std::nullopt;  // would overflow milliseconds
    ++digits;
  }
  if (digits == 0) return std::nullopt;
  const std::string_view unit = s.substr(digits);
  if (unit == "ms") return std::chrono::milliseconds(static_cast<std::int64_t>(value));
  if (unit == "s") return std::chrono::milliseconds(static_cast<std::int64_t>(value * 1000));
  return std::nullopt;
}

// A printable rendering of a line for messages (bounded, control bytes escaped).
std::string quote_line(std::string_view line) {
  constexpr std::size_t max_shown = 60;
  std::string shown = escape_bytes(line.substr(0, max_shown));
  if (line.size() > max_shown) shown += "...";
  return shown;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  ParseResult run() {
    ParseResult result;
    Transcript t;
    std::size_t pos = 0;
    std::size_t line_no = 0;
    while (pos < text_.size()) {
      std::size_t end = text_.find('\n', pos);
      if (end == std::string_view::npos) end = text_.size();
      std::string_view line = text_.substr(pos, end - pos);
      pos = end + 1;
      ++line_no;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (!parse_line(line, line_no, t)) {
        result.error = std::move(error_);
        return result;
      }
    }
    result.transcript = std::move(t);
    return result;
  }

 private:
  bool fail(TranscriptErrc code, std::size_t line_no, std::string what) {
    error_.code = make_error_code(code);
    error_.line = line_no;
    error_.message = fmt::format("line {}: {}", line_no, what);
    return false;
  }

  bool parse_line(std::string_view line, std::size_t line_no, Transcript& t) {
    if (trim_right(line).empty()) return true;  // blank
    if (line.starts_with("#!")) return parse_header(line.substr(2), line_no, t);
    if (line.front() == '#') return true;  // comment

    // The marker is the leading run of marker characters.
    std::size_t n = 0;
    while (n < line.size() && (line[n] == '>' || line[n] == '<' || line[n] == '~' || line[n] == '#' || line[n] == '!')) {
      ++n;
    }
    const std::string_view mark = line.substr(0, n);
    EntryKind kind{};
    if (mark == ">") kind = EntryKind::host_line;
    else if (mark == ">>") kind = EntryKind::host_data;
    else if (mark == "<") kind = EntryKind::modem_line;
    else if (mark == "<<") kind = EntryKind::modem_raw;
    else if (mark == "~") kind = EntryKind::pause;
    else {
      return fail(TranscriptErrc::unknown_marker, line_no,
                  fmt::format("unknown marker in `{}` (expected #, #!, >, >>, <, <<, ~)", quote_line(line)));
    }
    std::string_view payload = line.substr(n);
    if (!payload.empty()) {
      if (payload.front() != ' ') {
        return fail(TranscriptErrc::missing_space, line_no,
                    fmt::format("expected a space after `{}` in `{}`", mark, quote_line(line)));
      }
      payload.remove_prefix(1);
    }
    payload = trim_right(payload);
    seen_entry_ = true;

    Entry e;
    e.kind = kind;
    e.line = line_no;
    if (kind == EntryKind::pause) {
      const auto d = parse_pause(payload);
      if (!d) {
        return fail(TranscriptErrc::bad_pause, line_no,
                    fmt::format("bad pause `{}`: expected `~ <digits>ms` or `~ <digits>s`", quote_line(line)));
      }
      e.pause = *d;
    } else if (const auto bad = unescape_into(payload, e.bytes)) {
      const std::size_t column = n + 1 + *bad + 1;  // 1-based column of the backslash
      return fail(TranscriptErrc::bad_escape, line_no,
                  fmt::format("bad escape `{}` at column {} (use \\r \\n \\t \\\\ or \\xHH)",
                              quote_line(payload.substr(*bad, 4)), column));
    }
    t.entries.push_back(std::move(e));
    return true;
  }

  bool parse_header(std::string_view rest, std::size_t line_no, Transcript& t) {
    if (seen_entry_) {
      return fail(TranscriptErrc::misplaced_header, line_no, "header `#!` after the first conversation line");
    }
    rest = trim_left(rest);
    const std::size_t colon = rest.find(':');
    const std::string_view key = colon == std::string_view::npos ? rest : rest.substr(0, colon);
    bool key_ok = colon != std::string_view::npos && !key.empty();
    for (char c : key) key_ok = key_ok && is_key_char(c);
    if (!key_ok) {
      return fail(TranscriptErrc::bad_header, line_no,
                  fmt::format("bad header `#!{}`: expected `#! key: value`", quote_line(rest)));
    }
    std::string_view value = trim_right(trim_left(rest.substr(colon + 1)));
    while (!value.empty() && (value.back() == '\r' || is_blank(value.back()))) value.remove_suffix(1);
    t.headers.emplace_back(std::string(key), std::string(value));
    return true;
  }

  std::string_view text_;
  bool seen_entry_ = false;
  ParseError error_;
};

class TranscriptCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "sim7080.transcript"; }
  std::string message(int ev) const override {
    switch (static_cast<TranscriptErrc>(ev)) {
      case TranscriptErrc::unknown_marker: return "unknown line marker";
      case TranscriptErrc::missing_space: return "missing space after the line marker";
      case TranscriptErrc::bad_escape: return "malformed escape in a payload";
      case TranscriptErrc::misplaced_header: return "header after the first conversation line";
      case TranscriptErrc::bad_header: return "malformed header line";
      case TranscriptErrc::bad_pause: return "malformed pause duration";
    }
    return "unknown transcript error";
  }
};

}  // namespace

std::string_view marker(EntryKind kind) noexcept {
  switch (kind) {
    case EntryKind::host_line: return ">";
    case EntryKind::host_data: return ">>";
    case EntryKind::modem_line: return "<";
    case EntryKind::modem_raw: return "<<";
    case EntryKind::pause: return "~";
  }
  return "?";
}

std::optional<std::string> Transcript::header(std::string_view key) const {
  for (const auto& [k, v] : headers) {
    if (k == key) return v;
  }
  return std::nullopt;
}

const std::error_category& transcript_category() noexcept {
  static const TranscriptCategory category;
  return category;
}

std::string escape_bytes(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    switch (c) {
      case '\\': out += "\\\\"; continue;
      case '\r': out += "\\r"; continue;
      case '\n': out += "\\n"; continue;
      case '\t': out += "\\t"; continue;
      default: break;
    }
    const bool trailing_space = c == ' ' && i + 1 == bytes.size();
    if (c >= 0x20 && c < 0x7f && !trailing_space) {
      out.push_back(static_cast<char>(c));
    } else {
      out += "\\x";
      out.push_back(hex_digits[c >> 4]);
      out.push_back(hex_digits[c & 0x0f]);
    }
  }
  return out;
}

std::optional<std::string> unescape_bytes(std::string_view text) {
  std::string out;
  if (unescape_into(text, out)) return std::nullopt;
  return out;
}

ParseResult parse_transcript(std::string_view text) { return Parser(text).run(); }

std::string format_transcript(const Transcript& t) {
  std::string out;
  for (const auto& [key, value] : t.headers) {
    out += "#! ";
    out += key;
    out += ':';
    if (!value.empty()) {
      out += ' ';
      for (char c : value) out.push_back(c == '\n' ? ' ' : c);
    }
    out += '\n';
  }
  for (const auto& e : t.entries) {
    out += marker(e.kind);
    if (e.kind == EntryKind::pause) {
      const auto ms = e.pause.count();
      out += ms != 0 && ms % 1000 == 0 ? fmt::format(" {}s", ms / 1000) : fmt::format(" {}ms", ms);
    } else if (!e.bytes.empty()) {
      out += ' ';
      out += escape_bytes(e.bytes);
    }
    out += '\n';
  }
  return out;
}

std::string wire_bytes(const Entry& e) {
  switch (e.kind) {
    case EntryKind::host_line: return e.bytes + '\r';
    case EntryKind::host_data:
    case EntryKind::modem_raw: return e.bytes;
    case EntryKind::modem_line: return "\r\n" + e.bytes + "\r\n";
    case EntryKind::pause: return {};
  }
  return {};
}

}  // namespace sim7080::transcript

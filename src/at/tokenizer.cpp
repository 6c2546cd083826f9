#include "at/tokenizer.hpp"

#include <algorithm>

#include "at/error_table.hpp"
#include "at/response_fields.hpp"

namespace sim7080::at {
namespace {

constexpr auto kCr = std::byte{'\r'};
constexpr auto kLf = std::byte{'\n'};
constexpr auto kEtx = std::byte{0x03};
constexpr auto kDle = std::byte{0x10};

bool is_terminator(std::byte b) noexcept { return b == kCr || b == kLf; }

// Text lines carry printable ASCII, tabs and (in operator names) 8-bit bytes; anything else
// means noise on the line or a desynchronised stream.
bool is_text(std::string_view line) noexcept {
  return std::none_of(line.begin(), line.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && u != '\t') || u == 0x7F;
  });
}

std::string_view trim_left(std::string_view s) noexcept {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return s;
}

int error_code_of(std::string_view rest) noexcept {
  rest = trim_left(rest);
  while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
  if (auto n = parse_unsigned(rest); n && *n <= 0xFFFF) return static_cast<int>(*n);
  if (const auto* row = find_cme_error_text(rest)) return row->code;
  return 100;  // "unknown"
}

}  // namespace

const char* to_string(EventKind k) noexcept {
  switch (k) {
    case EventKind::line: return "line";
    case EventKind::echo: return "echo";
    case EventKind::final_ok: return "final_ok";
    case EventKind::final_error: return "final_error";
    case EventKind::cme_error: return "cme_error";
    case EventKind::cms_error: return "cms_error";
    case EventKind::payload_begin: return "payload_begin";
    case EventKind::payload: return "payload";
    case EventKind::payload_end: return "payload_end";
    case EventKind::error: return "error";
  }
  return "?";
}

Tokenizer::Tokenizer(TokenizerLimits limits) : limits_(limits) {
  line_.reserve(limits_.max_line_bytes);
}

void Tokenizer::expect_echo(std::string_view command_line) {
  // Echo longer than a line cannot be matched as a line; the limit check still applies.
  echo_.assign(command_line.substr(0, limits_.max_line_bytes));
}

void Tokenizer::reset() noexcept {
  state_ = State::line;
  after_header_ = State::line;
  line_.clear();
  echo_.clear();
  rule_.reset();
  remaining_ = 0;
}

std::size_t Tokenizer::feed(std::span<const std::byte> in, EventSink& out) { return feed_impl(in, nullptr, out); }

std::size_t Tokenizer::feed(std::span<std::byte> in, EventSink& out) { return feed_impl(in, in.data(), out); }

std::size_t Tokenizer::feed_impl(std::span<const std::byte> in, std::byte* writable, EventSink& out) {
  std::size_t i = 0;
  while (i < in.size()) {
    switch (state_) {
      case State::counted:
        i += feed_counted(in.subspan(i), out);
        break;
      case State::transparent:
      case State::transparent_escaped:
        i += writable ? feed_transparent_in_place(std::span<std::byte>(writable + i, in.size() - i), out)
                      : feed_transparent(in.subspan(i), out);
        break;
      case State::header_cr:
        // Exactly one CR LF follows a payload header: the byte after it is data (§4.1 rule 2).
        if (in[i] == kLf) ++i;
        state_ = after_header_;
        break;
      case State::discarding: {
        auto it = std::find_if(in.begin() + static_cast<std::ptrdiff_t>(i), in.end(), is_terminator);
        if (it == in.end()) return in.size();
        i = static_cast<std::size_t>(it - in.begin()) + 1;
        state_ = State::line;
        break;
      }
      case State::line: {
        auto begin = in.begin() + static_cast<std::ptrdiff_t>(i);
        auto it = std::find_if(begin, in.end(), is_terminator);
        const auto chunk = static_cast<std::size_t>(it - begin);
        if (line_.size() + chunk > limits_.max_line_bytes) {
          line_.clear();
          Event ev;
          ev.kind = EventKind::error;
          ev.error = AtErrc::line_too_long;
          out.on_event(ev);
          state_ = State::discarding;
          i += chunk;  // the terminator, if any, is consumed by the discarding state
          break;
        }
        line_.append(reinterpret_cast<const char*>(in.data()) + i, chunk);
        i += chunk;
        if (it != in.end()) {
          ++i;
          end_line(*it == kCr, out);
        }
        break;
      }
    }
  }
  return in.size();
}

void Tokenizer::end_line(bool ended_by_cr, EventSink& out) {
  if (line_.empty()) return;  // empty lines (CR LF pairs, doubled separators) are dropped
  // classify() may switch state_ (payload header); the line buffer is cleared afterwards, so
  // views handed to the sink stay valid during the call.
  const std::string_view line(line_);
  if (!try_header(line, out)) classify(line, out);
  if (state_ == State::counted || state_ == State::transparent) {
    if (ended_by_cr) {
      after_header_ = state_;
      state_ = State::header_cr;
    }
  }
  line_.clear();
}

// A reply header the module must never send: a protocol error, and the line is not a line.
void Tokenizer::report_bad_header(std::string_view line, EventSink& out) {
  Event err;
  err.kind = EventKind::error;
  err.error = AtErrc::protocol_error;
  err.text = line;
  out.on_event(err);
}

bool Tokenizer::try_header(std::string_view line, EventSink& out) {
  if (!rule_ || !has_prefix(line, rule_->prefix)) return false;
  const auto fields = parse_response(line);
  if (!fields || fields->count == 0 || fields->fields[0] != rule_->first) return false;
  const auto n = fields->count == 2 ? fields->number(1) : std::nullopt;
  if (!n) {
    // `+FTPGET: 2,<garbage>`: the reply to the read, with a count we cannot use (negative,
    // non-numeric, too many digits, extra fields). Transparent headers share their prefix and
    // first field with failure URCs (`+FTPETGET: 1,64`), so only counted replies are errors.
    if (rule_->mode == PayloadRule::Mode::transparent) return false;
    rule_.reset();
    report_bad_header(line, out);
    return true;
  }
  const PayloadRule rule = *rule_;
  if (rule.mode == PayloadRule::Mode::transparent && *n != 1) return false;
  rule_.reset();

  Event ev;
  ev.kind = EventKind::payload_begin;
  ev.text = line;
  if (rule.mode == PayloadRule::Mode::transparent) {
    out.on_event(ev);
    state_ = State::transparent;
    return true;
  }
  if (*n > rule.max_length) {
    // A count the module must never send: report it and stay in line mode, so a lie about the
    // length can neither overflow a buffer nor swallow the rest of the stream.
    report_bad_header(line, out);
    return true;
  }
  ev.length = *n;
  out.on_event(ev);
  if (*n == 0) {
    Event end;
    end.kind = EventKind::payload_end;
    out.on_event(end);
    // Still swallow the header's LF if it ended with CR: nothing else changes.
    state_ = State::line;
    return true;
  }
  remaining_ = *n;
  state_ = State::counted;
  return true;
}

void Tokenizer::classify(std::string_view line, EventSink& out) {
  Event ev;
  ev.text = line;
  if (!echo_.empty() && line == echo_) {
    echo_.clear();
    ev.kind = EventKind::echo;
  } else if (!is_text(line)) {
    ev.kind = EventKind::error;
    ev.error = AtErrc::malformed_line;
  } else if (line == "OK") {
    ev.kind = EventKind::final_ok;
  } else if (line == "ERROR") {
    ev.kind = EventKind::final_error;
  } else if (has_prefix(line, "+CME ERROR")) {
    ev.kind = EventKind::cme_error;
    ev.code = error_code_of(line.substr(11));
  } else if (has_prefix(line, "+CMS ERROR")) {
    ev.kind = EventKind::cms_error;
    ev.code = error_code_of(line.substr(11));
  } else {
    ev.kind = EventKind::line;
  }
  out.on_event(ev);
}

std::size_t Tokenizer::feed_counted(std::span<const std::byte> in, EventSink& out) {
  const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, in.size()));
  Event ev;
  ev.kind = EventKind::payload;
  ev.bytes = in.first(take);
  out.on_event(ev);
  remaining_ -= take;
  if (remaining_ == 0) {
    state_ = State::line;
    Event end;
    end.kind = EventKind::payload_end;
    out.on_event(end);
  }
  return take;
}

std::size_t Tokenizer::feed_transparent(std::span<const std::byte> in, EventSink& out) {
  Event ev;
  ev.kind = EventKind::payload;
  if (state_ == State::transparent_escaped) {
    // DLE makes the next byte literal, whatever it is (§4.3).
    ev.bytes = in.first(1);
    out.on_event(ev);
    state_ = State::transparent;
    return 1;
  }
  auto it = std::find_if(in.begin(), in.end(), [](std::byte b) { return b == kDle || b == kEtx; });
  const auto run = static_cast<std::size_t>(it - in.begin());
  if (run > 0) {
    ev.bytes = in.first(run);
    out.on_event(ev);
  }
  if (it == in.end()) return run;
  if (*it == kDle) {
    state_ = State::transparent_escaped;
  } else {
    state_ = State::line;
    Event end;
    end.kind = EventKind::payload_end;
    out.on_event(end);
  }
  return run + 1;
}

std::size_t Tokenizer::feed_transparent_in_place(std::span<std::byte> in, EventSink& out) {
  // Un-escape by moving bytes down over the DLEs: the write position never passes the read
  // position, so the decoded run stays inside the caller's buffer.
  std::size_t r = 0;
  std::size_t w = 0;
  bool ended = false;
  while (r < in.size()) {
    const std::byte b = in[r++];
    if (state_ == State::transparent_escaped) {
      in[w++] = b;
      state_ = State::transparent;
    } else if (b == kDle) {
      state_ = State::transparent_escaped;
    } else if (b == kEtx) {
      ended = true;
      break;
    } else {
      in[w++] = b;
    }
  }
  if (w > 0) {
    Event ev;
    ev.kind = EventKind::payload;
    ev.bytes = in.first(w);
    out.on_event(ev);
  }
  if (ended) {
    state_ = State::line;
    Event end;
    end.kind = EventKind::payload_end;
    out.on_event(end);
  }
  return r;
}

}  // namespace sim7080::at

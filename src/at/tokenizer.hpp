#pragma once
// The incremental, binary-safe, bounded AT tokenizer (spec §1.2, §4). Feed it bytes as they
// arrive, in chunks of any size; it reports typed events and switches to counted or
// transparent raw mode by itself when the armed header arrives, so payload bytes are never
// read as text. Whatever the split of the input, the event sequence is the same (payload
// bytes may be reported in more, smaller pieces). Memory is bounded by max_line_bytes.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "at/event.hpp"
#include "at/payload_rule.hpp"

namespace sim7080::at {

struct TokenizerLimits {
  std::size_t max_line_bytes = 1024;  // a longer line is reported as line_too_long and skipped
};

class Tokenizer {
 public:
  explicit Tokenizer(TokenizerLimits limits = {});

  // Consumes all of `in`, reporting events to `out`. Returns in.size().
  std::size_t feed(std::span<const std::byte> in, EventSink& out);
  // The same, for a buffer the caller lets the tokenizer rewrite: a transparent stream is then
  // un-escaped in place and reported as one payload piece per call instead of one per escape
  // (same bytes, fewer events). The channel feeds its receive buffer this way.
  std::size_t feed(std::span<std::byte> in, EventSink& out);

  // The command line just sent (without CR): a line equal to it is reported as echo, once.
  void expect_echo(std::string_view command_line);
  void clear_echo() noexcept { echo_.clear(); }

  // Arms the header that announces a payload; used once, then disarmed.
  void arm_payload(const PayloadRule& rule) noexcept { rule_ = rule; }
  void disarm_payload() noexcept { rule_.reset(); }
  bool payload_armed() const noexcept { return rule_.has_value(); }

  // Back to line mode, nothing buffered (after a restart or a fatal error).
  void reset() noexcept;
  // Leaves a transparent stream whose owner gave up on it (its ETX never came): later bytes
  // are lines again. Counted payloads are left alone: their end is known.
  void leave_stream() noexcept {
    if (state_ == State::transparent || state_ == State::transparent_escaped ||
        (state_ == State::header_cr && after_header_ == State::transparent)) {
      state_ = State::line;
      line_.clear();
    }
  }

  bool in_raw_mode() const noexcept { return state_ == State::counted || state_ == State::transparent || state_ == State::transparent_escaped; }
  // Bytes held between feeds: never more than max_line_bytes (+ the echo's length).
  std::size_t buffered_bytes() const noexcept { return line_.size(); }

 private:
  enum class State : std::uint8_t { line, discarding, header_cr, counted, transparent, transparent_escaped };

  void end_line(bool ended_by_cr, EventSink& out);
  void classify(std::string_view line, EventSink& out);
  bool try_header(std::string_view line, EventSink& out);
  static void report_bad_header(std::string_view line, EventSink& out);
  std::size_t feed_counted(std::span<const std::byte> in, EventSink& out);
  std::size_t feed_transparent(std::span<const std::byte> in, EventSink& out);
  std::size_t feed_transparent_in_place(std::span<std::byte> in, EventSink& out);
  std::size_t feed_impl(std::span<const std::byte> in, std::byte* writable, EventSink& out);

  TokenizerLimits limits_;
  State state_ = State::line;
  State after_header_ = State::line;  // raw state entered once the header's LF is consumed
  std::string line_;
  std::string echo_;
  std::optional<PayloadRule> rule_;
  std::uint64_t remaining_ = 0;
};

}  // namespace sim7080::at

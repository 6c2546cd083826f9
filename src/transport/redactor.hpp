#pragma once
// Masking the FTP password in a byte stream before anyone can log it. The filter is sans-I/O:
// the traced stream feeds it each chunk of one direction in order and forwards what it
// returns, so the same code redacts host commands (TX) and the modem's command echo (RX).
#include <array>
#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

namespace sim7080::transport {

/// A streaming filter for one direction of the serial line that replaces the argument of
/// `AT+FTPPW=` with `<redacted>`, whatever the chunking of the stream.
///
/// What is masked: everything after `+FTPPW=` or `+FTPPW:` (ASCII case-insensitive) up to, but
/// excluding, the next `\r` or `\n`. Matching `+FTPPW` rather than `AT+FTPPW` also covers a
/// command concatenated on one line (`AT+FTPUN="u";+FTPPW="p"`, spec §1.1) and the read reply
/// `+FTPPW: "<value>"` (spec §3.9); `AT+FTPPW=` is a special case of both.
///
/// Why bytes are held back: a chunk may end inside `+FTPPW`; until the next byte decides, those
/// bytes (at most `max_hold_bytes`) are kept and released with the next chunk or by `flush()`.
/// The password bytes themselves are never held: they are dropped as they arrive.
class PasswordRedactor {
 public:
  /// The text that stands in for the password; the masked length is not revealed.
  static constexpr std::string_view replacement = "<redacted>";
  /// The most bytes ever held back between calls (the length of `+FTPPW`).
  static constexpr std::size_t max_hold_bytes = 6;

  /// Filters the next chunk of the stream and returns the bytes now decided. The view points
  /// either into `chunk` itself (nothing to mask, nothing held: no copy) or into a buffer owned
  /// by the redactor, and stays valid until the next call of any member. It may be empty.
  std::span<const std::byte> feed(std::span<const std::byte> chunk);

  /// Releases held-back bytes, for the end of the stream (close). Safe mid-stream too: if bytes
  /// were held, the stream may continue with the rest of the keyword and a password, so the
  /// redactor then hides everything up to the next line end. View valid as for `feed()`.
  std::span<const std::byte> flush();

  /// Declares that the redactor has not seen the stream so far (tracing started mid-line):
  /// bytes up to and excluding the next `\r` or `\n` are dropped, since they might be the tail
  /// of a password whose prefix went by unobserved.
  void resync() noexcept;

  /// How many bytes are currently held back (at most `max_hold_bytes`); for tests and traces.
  std::size_t held_bytes() const noexcept { return matched_; }

  /// True while bytes are being dropped (inside a password, or after `resync()`).
  bool hiding() const noexcept { return state_ == State::hiding; }

 private:
  enum class State : unsigned char { scanning, hiding };

  void process(std::byte b);
  void emit(std::span<const std::byte> bytes);
  void release_held();

  State state_ = State::scanning;
  std::size_t matched_ = 0;                        // bytes of "+FTPPW" matched, kept in held_
  std::array<std::byte, max_hold_bytes> held_{};   // the matched bytes as received (any case)
  std::vector<std::byte> out_;                     // output when a chunk needs rewriting;
                                                   // capacity is kept, so steady state reuses it
};

}  // namespace sim7080::transport

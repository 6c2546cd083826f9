#pragma once
// ReplayStream: a transport::ByteStream that plays the modem's side of a transcript
// (shared/spec/transcript-format.md, "Replay rules") and checks the host's side byte for byte.
// It is the only double below the real channel, tokenizer and FSMs.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <ostream>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "sim7080/transcript.hpp"
#include "support/virtual_clock.hpp"
#include "transport/byte_stream.hpp"

namespace sim7080::test {

/// How modem bytes are cut into read completions.
struct Chunking {
  enum class Mode { whole, bytewise, fixed, random };
  Mode mode = Mode::whole;
  std::size_t max_bytes = 0;  ///< fixed: the chunk size; random: the largest chunk
  std::uint64_t seed = 0;     ///< random: the PRNG seed (same seed, same chunks)

  /// Everything available (up to the reader's buffer) in one read, across entry boundaries.
  static Chunking whole() { return {}; }
  /// One byte per read.
  static Chunking bytewise() { return {Mode::fixed, 1, 0}; }
  /// Reads of `n` bytes (n >= 1), never spanning two entries (an entry's last chunk may be short).
  static Chunking fixed(std::size_t n) { return {Mode::fixed, n == 0 ? 1 : n, 0}; }
  /// Reads of 1..max bytes from a seeded PRNG, across entry boundaries.
  static Chunking random(std::uint64_t seed, std::size_t max) { return {Mode::random, max == 0 ? 1 : max, seed}; }
  /// "whole", "bytewise", "fixed(7)", "random(3,64)": for test names and messages.
  std::string name() const;
};

/// Whether a host write may run ahead of modem entries (or pauses) that precede it in the
/// transcript but have not been delivered yet.
enum class HostOrder {
  /// No: a host line may be written only once every line before it is consumed (modem bytes
  /// delivered, except trailing CR/LF bytes, since a driver may act on a line at its CR; pauses
  /// elapsed). Catches a driver that writes before it saw what it waits for (e.g. a read before
  /// `+FTPGET: 1,1`). Right for canonical transcripts, where the last modem line before a host
  /// line is what triggers it.
  strict,
  /// Yes: host bytes need only match in order (the literal replay rule). For recorded field
  /// transcripts where an unrelated URC sits just before a host line: replayed byte by byte,
  /// a driver may write before that URC was delivered.
  lenient,
};

/// Replays `transcript` on `executor`:
/// - Host writes (`>`, `>>`) must equal the expected bytes byte for byte, however they are
///   split. `> AT+FTPPW=<redacted>` matches `AT+FTPPW="<any bytes but " CR LF>"` CR. On the
///   first difference the stream records a failure (position, line, context of both sides),
///   completes that write with std::errc::protocol_error and delivers nothing more.
/// - Modem entries (`<`, `<<`) are delivered through async_read_some once every host entry
///   before them has been written, in chunks per the Chunking policy. Completions are always
///   posted, never run inline.
/// - `~ N` advances the VirtualClock by N once every entry before it is consumed and every
///   completion this stream posted has run (so the driver has seen the bytes and re-armed
///   its deadlines); timer expiries are posted before any later modem bytes.
/// - A read with nothing left to deliver stays pending without keeping the io_context busy,
///   so `io_context::run()` returns when the conversation is over; cancel() ends it with
///   asio::error::operation_aborted.
/// Single-threaded (one executor). May be destroyed with completions posted: they are dropped.
class ReplayStream final : public transport::ByteStream {
 public:
  ReplayStream(transcript::Transcript transcript, asio::any_io_executor executor, VirtualClock& clock,
               Chunking chunking = Chunking::whole(), HostOrder order = HostOrder::strict);
  ~ReplayStream() override;
  ReplayStream(const ReplayStream&) = delete;
  ReplayStream& operator=(const ReplayStream&) = delete;

  asio::any_io_executor get_executor() override { return executor_; }
  void async_read_some(std::span<std::byte> into, transport::ReadHandler handler) override;
  void async_write(std::span<const std::byte> bytes, transport::WriteHandler handler) override;
  /// Completes a pending read with asio::error::operation_aborted (writes complete at once).
  void cancel() override;
  /// Cancels, then fails further I/O with asio::error::bad_descriptor.
  void close() override;
  bool is_open() const override { return open_; }

  /// True once a host write differed from the transcript.
  bool failed() const noexcept { return failed_; }
  /// The first difference, with position, line and context of both sides; empty if none.
  const std::string& failure() const noexcept { return failure_; }
  /// True when every entry was consumed (written, delivered, or its pause elapsed).
  bool fully_consumed() const noexcept;
  /// The entries not (fully) consumed, one per line with its line number; empty if none.
  std::string leftover() const;

 private:
  enum class PwPhase { prefix, secret, close };

  bool is_password_entry(std::size_t i) const;
  bool delivered_before(std::size_t idx) const;
  void skip_host();
  void skip_other();
  bool match(char c);
  std::string expected_rest(std::size_t max) const;
  void fail(std::string_view why, std::span<const std::byte> written, std::size_t at);
  void pump();
  void deliver();
  void maybe_pause();
  void complete(transport::ReadHandler handler, std::error_code ec, std::size_t n);

  std::vector<transcript::Entry> entries_;
  std::vector<std::string> wire_;  // wire bytes per entry
  asio::any_io_executor executor_;
  VirtualClock& clock_;
  Chunking chunking_;
  HostOrder order_;
  std::mt19937_64 rng_;

  std::size_t host_idx_ = 0;  // next host entry to match
  std::size_t host_off_ = 0;  // bytes of it matched (of the `AT+FTPPW="` prefix for passwords)
  PwPhase pw_phase_ = PwPhase::prefix;
  std::uint64_t host_pos_ = 0;  // host bytes matched in total
  std::string history_;         // the last host bytes matched, for context (passwords masked)

  std::size_t other_idx_ = 0;  // next modem or pause entry
  std::size_t other_off_ = 0;  // bytes of it delivered

  bool open_ = true;
  bool failed_ = false;
  std::string failure_;
  bool read_pending_ = false;
  std::span<std::byte> read_into_;
  transport::ReadHandler read_handler_;
  std::size_t in_flight_ = 0;  // completions posted and not yet run
  bool pause_posted_ = false;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // posted work checks this
};

}  // namespace sim7080::test

namespace sim7080::transcript {
/// GoogleTest printers: an entry as its `.at` line (`<< 0123\r\n`), a transcript as its text.
void PrintTo(const Entry& e, std::ostream* os);
void PrintTo(const Transcript& t, std::ostream* os);
}  // namespace sim7080::transcript

// Everything the module sends goes through here: V.250 framing, baud pacing, fragmentation,
// noise URCs and the recorder. Keeping it in one place guarantees that knobs never split a
// counted payload or a transparent stream in ways the spec forbids.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "options.hpp"
#include "recorder.hpp"

namespace sim7080emu {

// Pacing model (--baud N): the module's side of a full-duplex UART, 10 bits per byte. The
// module→host direction runs on an absolute schedule: tx_free_ is the moment the line will have
// sent everything handed to it so far. Output handed over at time t starts on the line at
// max(tx_free_, hold_, t), goes out in slices of ~10 ms of line time, and each slice is written to
// the pty at the END of its line time, so the host never holds a byte before its stop bit would
// have arrived on a real UART. A late wake-up delays one write(), not the schedule: the next slice
// is due at the same moment as without it, so sleep overshoot does not accumulate.
//
// The last slice of every output is not waited for: it stays pending (next_due()) and the main
// loop writes it when due (flush_due()), while the core already produces the next output, which
// then continues the schedule without a gap (a UART's FIFO keeps the line busy). Unpaced, output
// is written at once unless held (hold_until(): input pacing and --latency-ms).
class WireWriter {
 public:
  using Clock = std::chrono::steady_clock;

  WireWriter(int fd, const Options& opt, Recorder& rec);

  // "\r\n<text>\r\n". record_as replaces the text in the transcript (password redaction).
  void line(std::string_view text, std::string_view record_as = {});
  // Bytes as is (echo, stream). record_as: see line().
  void raw(std::string_view bytes, std::string_view record_as = {});
  // header line + counted payload + "\r\nOK\r\n" as one unit: no noise inside.
  void payload_reply(std::string_view header, std::string_view data);

  // Noise control: never inside data phases or transparent streams.
  void set_noise_allowed(bool allowed) { noise_allowed_ = allowed; }
  void tick_noise();  // called from the main loop; emits an occasional noise URC

  // Baud pacing (AT+IPR changes it after the result code). 0 = unpaced.
  void set_baud(std::uint32_t baud) { baud_ = baud; }
  std::uint32_t baud() const { return baud_; }

  // Nothing handed over from now on starts on the line before t (the host's bytes that caused
  // it are still arriving; the latency of a command line). Only ever moves forward.
  void hold_until(Clock::time_point t) {
    if (t > hold_) hold_ = t;
  }
  Clock::time_point held_until() const { return hold_; }

  // When the pending output is due (nullopt: nothing pending), and writing it once due.
  std::optional<Clock::time_point> next_due() const;
  void flush_due();
  // Waits for and writes everything pending (at exit).
  void flush_all();

  // How long before a due time the wait turns into a busy-wait (--pace-spin-us).
  std::chrono::nanoseconds spin() const { return std::chrono::microseconds(opt_.pace_spin_us); }

  // Line time of n bytes at `baud` (10 bits per byte).
  static Clock::duration wire_time(std::size_t n, std::uint32_t baud);

  // ---- fault injection (tests/faults; wire_faults.cpp) ----
  // --split-sweep: the output is split once, `offset` bytes from now; the second part is written
  // only once the host has read the first (its own read()). end_split() drops a split not reached.
  void arm_split(std::uint64_t offset, std::uint64_t transfer);
  void end_split() { split_.reset(); }
  // --silent-after-bytes: while silent, everything the module writes is lost.
  void set_silent(bool silent) { silent_ = silent; }

 private:
  struct Piece {
    std::string bytes;
    Clock::time_point due;
  };
  void maybe_noise_before_line();
  void noise_line();
  void emit(std::string_view bytes);
  void write_fully(const char* p, std::size_t n);
  void write_front();  // sleeps until the first pending piece is due, writes it
  bool fault_emit(std::string_view bytes);  // true: dropped (silent) or written split
  void wait_until_read();                   // the host has read what was written (bounded)
  struct Split {
    std::uint64_t left = 0;  // bytes still to write before the split point
    std::uint64_t offset = 0, transfer = 0;
  };
  std::optional<Split> split_;
  bool silent_ = false;
  int probe_fd_ = -1;  // our own descriptor on the slave side, for FIONREAD (split only)
  std::size_t noise_next_ = 0;  // --noise-every-line: the noise URCs in turn

  int fd_;
  const Options& opt_;
  Recorder& rec_;
  std::uint32_t baud_;
  bool noise_allowed_ = true;
  std::mt19937 frag_rng_;
  std::mt19937 noise_rng_;
  Clock::time_point next_noise_;
  Clock::time_point tx_free_{};  // the line has sent everything handed over by then
  Clock::time_point hold_{};
  std::deque<Piece> pending_;     // handed over, not yet written (due in order)
};

// Sleeps until t on CLOCK_MONOTONIC (steady_clock) with an absolute deadline, the last `spin`
// of it busy-waiting.
void sleep_until(std::chrono::steady_clock::time_point t, std::chrono::nanoseconds spin);

}  // namespace sim7080emu

#include "wire_writer.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <ctime>
#include <limits>

namespace sim7080emu {

namespace {
// Unrelated URCs a real module sends at random moments (§1.9); a driver must route them to a
// catch-all without disturbing the command in flight.
constexpr std::array<std::string_view, 5> kNoise = {
    "+CEREG: 1,5", "*PSUTTZ: 24/11/25,17:58:01\",\"+32\",0", "+CTZV: +32,0",
    "+CGREG: 1,5", "*PSNWID: \"460\",\"11\",\"CHN-CT\",0,\"CHN-CT\",0"};
}  // namespace

WireWriter::WireWriter(int fd, const Options& opt, Recorder& rec)
    : fd_(fd),
      opt_(opt),
      rec_(rec),
      baud_(opt.baud),
      frag_rng_(opt.fragment_seed.value_or(0)),
      noise_rng_(opt.noise_seed),
      next_noise_(std::chrono::steady_clock::now() + std::chrono::milliseconds(700)) {}

void WireWriter::line(std::string_view text, std::string_view record_as) {
  maybe_noise_before_line();
  std::string s;
  s.reserve(text.size() + 4);
  s += "\r\n";
  s += text;
  s += "\r\n";
  rec_.modem_line(record_as.empty() ? text : record_as);
  emit(s);
}

void WireWriter::raw(std::string_view bytes, std::string_view record_as) {
  if (bytes.empty()) return;
  rec_.modem_raw(record_as.empty() ? bytes : record_as);
  emit(bytes);
}

void WireWriter::payload_reply(std::string_view header, std::string_view data) {
  maybe_noise_before_line();
  std::string s;
  s.reserve(header.size() + data.size() + 10);
  s += "\r\n";
  s += header;
  s += "\r\n";
  s += data;
  s += "\r\nOK\r\n";
  rec_.modem_line(header);
  rec_.modem_raw(data);
  if (opt_.noise_every_line && noise_allowed_) {
    // A URC may come after the last payload byte, before the OK (spec §1.9).
    s.resize(s.size() - 6);
    emit(s);
    noise_line();
    s = "\r\nOK\r\n";
  }
  rec_.modem_line("OK");
  emit(s);
}

void WireWriter::maybe_noise_before_line() {
  if ((!opt_.noise && !opt_.noise_every_line) || !noise_allowed_) return;
  if (opt_.noise_every_line || std::uniform_int_distribution<int>(0, 4)(noise_rng_) == 0) noise_line();
}

void WireWriter::tick_noise() {
  if (!opt_.noise || !noise_allowed_) return;
  auto now = std::chrono::steady_clock::now();
  if (now < next_noise_) return;
  noise_line();
  next_noise_ = now + std::chrono::milliseconds(
                          std::uniform_int_distribution<int>(300, 2000)(noise_rng_));
}

void WireWriter::noise_line() {
  auto idx = opt_.noise_every_line ? noise_next_++ % kNoise.size()
                                   : std::uniform_int_distribution<std::size_t>(0, kNoise.size() - 1)(noise_rng_);
  std::string s = "\r\n";
  s += kNoise[idx];
  s += "\r\n";
  rec_.modem_line(kNoise[idx]);
  emit(s);
}

WireWriter::Clock::duration WireWriter::wire_time(std::size_t n, std::uint32_t baud) {
  if (baud == 0) return Clock::duration::zero();
  // Rounded up: the schedule may be a nanosecond late, never early.
  const auto bits = static_cast<std::int64_t>(n) * 10'000'000'000LL;
  return std::chrono::duration_cast<Clock::duration>(
      std::chrono::nanoseconds((bits + baud - 1) / static_cast<std::int64_t>(baud)));
}

void WireWriter::emit(std::string_view bytes) {
  if (bytes.empty()) return;
  if (fault_emit(bytes)) return;  // --silent-after-bytes, --split-sweep (wire_faults.cpp)
  // Paced, what is due goes out first: only pieces still on the line are extended below.
  // Unpaced, everything one turn of the core produces (e.g. OK and the URC after it) is
  // gathered and goes out in one write() when the main loop comes round (or when held).
  if (baud_ > 0) flush_due();
  const auto now = Clock::now();
  // The line takes these bytes once it has sent the earlier ones, once the input that caused
  // them has arrived (plus latency), and not before they exist.
  const Clock::time_point start = std::max({tx_free_, hold_, now});
  // Paced: slices of ~10 ms of line time, each written when its last byte has crossed the line.
  const std::size_t slice =
      baud_ > 0 ? std::max<std::size_t>(1, baud_ / 1000) : std::numeric_limits<std::size_t>::max();
  const std::size_t merge_below = baud_ > 0 ? slice : 4096;
  std::size_t off = 0;
  for (std::int64_t k = 0; off < bytes.size(); ++k) {
    std::size_t n = bytes.size() - off;
    // A pending slice that is not full yet takes the first bytes (the FIFO keeps the line busy).
    Piece* back = opt_.fragment == 0 && !pending_.empty() && pending_.back().bytes.size() < merge_below
                      ? &pending_.back()
                      : nullptr;
    if (opt_.fragment > 0) {
      std::size_t lim = opt_.fragment;
      if (opt_.fragment_seed) lim = std::uniform_int_distribution<std::size_t>(1, lim)(frag_rng_);
      n = std::min(n, lim);
    }
    if (baud_ > 0) n = std::min(n, slice - (back ? back->bytes.size() : 0));
    const std::string_view part = bytes.substr(off, n);
    off += n;
    Clock::time_point due = start;
    if (baud_ > 0) {
      due = start + wire_time(off, baud_);
    } else if (opt_.fragment > 0) {
      // Give the reader a chance to see each fragment as its own read().
      due = start + k * std::chrono::microseconds(300);
    }
    if (back) {
      back->bytes.append(part);
      back->due = due;
    } else {
      pending_.push_back({std::string(part), due});
    }
  }
  tx_free_ = pending_.back().due;
  // Everything but the last piece goes out now, each at its time; the last one is written by
  // flush_due() (main loop, or the next emit) so the next output can continue the schedule.
  while (pending_.size() > 1) write_front();
  if (baud_ > 0) flush_due();
}

std::optional<WireWriter::Clock::time_point> WireWriter::next_due() const {
  if (pending_.empty()) return std::nullopt;
  return pending_.front().due;
}

void WireWriter::flush_due() {
  while (!pending_.empty() && pending_.front().due <= Clock::now()) write_front();
}

void WireWriter::flush_all() {
  while (!pending_.empty()) write_front();
}

void WireWriter::write_front() {
  Piece p = std::move(pending_.front());
  pending_.pop_front();
  sleep_until(p.due, spin());
  write_fully(p.bytes.data(), p.bytes.size());
}

void WireWriter::write_fully(const char* p, std::size_t n) {
  int stalled_ms = 0;
  while (n > 0) {
    ssize_t w = ::write(fd_, p, n);
    if (w > 0) {
      p += w;
      n -= static_cast<std::size_t>(w);
      stalled_ms = 0;
      continue;
    }
    if (w < 0 && errno != EAGAIN && errno != EINTR) return;  // port gone: drop output
    // The pty buffer is full: nobody reads. Wait a bounded time, then drop the output rather
    // than wedging the emulator (a host that closed the port must not block us forever).
    pollfd pfd{fd_, POLLOUT, 0};
    ::poll(&pfd, 1, 100);
    stalled_ms += 100;
    if (stalled_ms > 30000) return;
  }
}

void sleep_until(std::chrono::steady_clock::time_point t, std::chrono::nanoseconds spin) {
  // steady_clock is CLOCK_MONOTONIC; an absolute deadline does not drift when a sleep is
  // interrupted or starts late. A timed wake-up comes tens of microseconds late on a busy
  // machine (timer slack, scheduling): the last `spin` before t is waited for on the CPU.
  const auto wake = t - spin;
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(wake.time_since_epoch()).count();
  if (ns > 0 && wake > std::chrono::steady_clock::now()) {
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
    ts.tv_nsec = static_cast<long>(ns % 1'000'000'000);
    while (::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
    }
  }
  while (std::chrono::steady_clock::now() < t) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }
}

}  // namespace sim7080emu

#include "wire_writer.hpp"

#include <poll.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <thread>

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
  rec_.modem_line("OK");
  emit(s);
}

void WireWriter::maybe_noise_before_line() {
  if (!opt_.noise || !noise_allowed_) return;
  if (std::uniform_int_distribution<int>(0, 4)(noise_rng_) == 0) noise_line();
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
  auto idx = std::uniform_int_distribution<std::size_t>(0, kNoise.size() - 1)(noise_rng_);
  std::string s = "\r\n";
  s += kNoise[idx];
  s += "\r\n";
  rec_.modem_line(kNoise[idx]);
  emit(s);
}

void WireWriter::emit(std::string_view bytes) {
  std::size_t off = 0;
  while (off < bytes.size()) {
    std::size_t n = bytes.size() - off;
    if (opt_.fragment > 0) {
      std::size_t lim = opt_.fragment;
      if (opt_.fragment_seed) lim = std::uniform_int_distribution<std::size_t>(1, lim)(frag_rng_);
      n = std::min(n, lim);
    }
    if (baud_ > 0) {
      // Pace in slices of ~10 ms so a long payload trickles out like on a real UART.
      std::size_t slice = std::max<std::size_t>(1, baud_ / 1000);
      n = std::min(n, slice);
    }
    write_fully(bytes.data() + off, n);
    off += n;
    if (baud_ > 0) {
      std::this_thread::sleep_for(std::chrono::microseconds(
          static_cast<std::int64_t>(n) * 10'000'000 / static_cast<std::int64_t>(baud_)));
    } else if (opt_.fragment > 0 && off < bytes.size()) {
      // Give the reader a chance to see each fragment as its own read().
      std::this_thread::sleep_for(std::chrono::microseconds(300));
    }
  }
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

}  // namespace sim7080emu

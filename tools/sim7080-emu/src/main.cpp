// sim7080-emu entry point: open the pty, announce its path on stdout, run the poll loop that
// feeds host bytes to the modem core and worker events back into it.
#include <curl/curl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <thread>

#include "event_queue.hpp"
#include "modem.hpp"
#include "options.hpp"
#include "pty.hpp"
#include "recorder.hpp"
#include "wire_writer.hpp"

namespace {
volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }
}  // namespace

// The line speed the host set on its side of the pty (the pair shares one termios).
static std::uint32_t host_line_speed(int fd) {
  termios t{};
  if (::tcgetattr(fd, &t) != 0) return 0;
  struct Rate { speed_t code; std::uint32_t baud; };
  static constexpr Rate kRates[] = {{B9600, 9600},       {B19200, 19200},     {B38400, 38400},     {B57600, 57600},
                                    {B115200, 115200},   {B230400, 230400},   {B460800, 460800},   {B921600, 921600},
                                    {B2000000, 2000000}, {B3000000, 3000000}, {B4000000, 4000000}};
  const speed_t s = ::cfgetospeed(&t);
  for (const auto& r : kRates) {
    if (r.code == s) return r.baud;
  }
  return 0;
}

int main(int argc, char** argv) {
  using namespace sim7080emu;
  Options opt;
  if (auto rc = parse_options(argc, argv, opt)) return *rc;

  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);
  std::signal(SIGPIPE, SIG_IGN);
  // Precise wake-ups for the pacing (default slack: 50 us per sleep or poll timeout); inherited
  // by the libcurl worker threads, which do not care.
  ::prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  curl_global_init(CURL_GLOBAL_DEFAULT);

  try {
    Pty pty = open_pty(!opt.exit_on_hangup);
    if (!opt.link.empty()) {
      std::error_code ec;
      std::filesystem::remove(opt.link, ec);
      std::filesystem::create_symlink(pty.slave_path, opt.link, ec);
      if (ec) std::fprintf(stderr, "sim7080-emu: cannot create link %s: %s\n", opt.link.c_str(),
                           ec.message().c_str());
    }
    std::printf("%s\n", pty.slave_path.c_str());
    std::fflush(stdout);

    Recorder rec(opt.record);
    EventQueue events;
    WireWriter writer(pty.master, opt, rec);
    Modem modem(opt, writer, rec, events);
    if (opt.verbose) std::fprintf(stderr, "[emu] serving on %s\n", pty.slave_path.c_str());

    bool host_open_seen = false;
    char buf[4096];
    // Input pacing: the host->module direction of the UART on an absolute schedule. rx_free is
    // when the line will have delivered the host's bytes read so far; the core may look at bytes
    // as soon as they are read, but nothing it answers goes out before rx_free (hold_until), and
    // the port is not read again before rx_free, so a host writing faster than the baud is held
    // back by the pty's buffer, as by a real UART.
    using Clock = std::chrono::steady_clock;
    Clock::time_point rx_free{};
    bool rx_backlog = false;  // the last read left bytes waiting: the line never went idle
    while (!g_stop) {
      const auto now = Clock::now();
      const std::uint32_t baud = writer.baud();
      const bool throttled = baud > 0 && now < rx_free;
      auto wake = now + std::chrono::milliseconds(20);  // on_tick: timers, noise
      if (throttled) wake = std::min(wake, rx_free);
      std::optional<Clock::time_point> due = writer.next_due();
      if (due) {
        if (*due - now <= writer.spin()) {
          sleep_until(*due, writer.spin());  // close enough: a timed wake-up would come late
          writer.flush_due();
          continue;
        }
        wake = std::min(wake, *due - writer.spin());
      }
      const auto wait_ns = std::max<std::int64_t>(
          0, std::chrono::duration_cast<std::chrono::nanoseconds>(wake - now).count());
      const timespec timeout{static_cast<time_t>(wait_ns / 1'000'000'000),
                             static_cast<long>(wait_ns % 1'000'000'000)};
      pollfd fds[2] = {{pty.master, static_cast<short>(throttled ? 0 : POLLIN), 0},
                       {events.fd(), POLLIN, 0}};
      int n = ::ppoll(fds, 2, &timeout, nullptr);
      if (n < 0 && errno != EINTR) break;
      writer.flush_due();
      if (fds[0].revents & POLLIN) {
        const auto t_read = Clock::now();  // the bytes were there by now (no earlier bound known)
        // Paced: at most ~10 ms of line time per read, like the output's slices.
        const std::size_t want = baud > 0 ? std::clamp<std::size_t>(baud / 1000, 1, sizeof buf) : sizeof buf;
        ssize_t r = ::read(pty.master, buf, want);
        if (r > 0) {
          host_open_seen = true;
          if (baud > 0) {
            // Bytes that were already waiting at the previous read kept the line busy: they
            // follow on the schedule; new ones start when they were seen.
            const auto start = rx_backlog ? rx_free : std::max(rx_free, t_read);
            rx_free = start + WireWriter::wire_time(static_cast<std::size_t>(r), baud);
            int waiting = 0;
            rx_backlog = ::ioctl(pty.master, FIONREAD, &waiting) == 0 && waiting > 0;
          } else {
            rx_free = t_read;
            rx_backlog = false;
          }
          writer.hold_until(rx_free);
          // A UART at another speed than the module's reads garbage: drop it (--strict-baud).
          if (!(opt.strict_baud && baud > 0 && host_line_speed(pty.master) != baud)) {
            modem.on_input(buf, static_cast<std::size_t>(r));
          }
        }
      } else if (fds[0].revents & POLLHUP) {
        // Nobody has the slave open (only possible with --exit-on-hangup, where we keep no
        // slave fd of our own).
        if (opt.exit_on_hangup && host_open_seen) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      } else if (!(fds[0].revents & POLLHUP)) {
        host_open_seen = host_open_seen || opt.exit_on_hangup;
      }
      modem.on_tick();
    }
    writer.flush_all();
    if (!opt.link.empty()) {
      std::error_code ec;
      std::filesystem::remove(opt.link, ec);
    }
    close_pty(pty);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sim7080-emu: %s\n", e.what());
    return 1;
  }
  curl_global_cleanup();
  return 0;
}

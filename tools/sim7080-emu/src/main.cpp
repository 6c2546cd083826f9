// sim7080-emu entry point: open the pty, announce its path on stdout, run the poll loop that
// feeds host bytes to the modem core and worker events back into it.
#include <curl/curl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <filesystem>
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
    while (!g_stop) {
      pollfd fds[2] = {{pty.master, POLLIN, 0}, {events.fd(), POLLIN, 0}};
      int n = ::poll(fds, 2, 20);
      if (n < 0 && errno != EINTR) break;
      if (fds[0].revents & POLLIN) {
        ssize_t r = ::read(pty.master, buf, sizeof buf);
        if (r > 0) {
          host_open_seen = true;
          std::uint32_t baud = writer.baud();
          if (baud > 0)  // input pacing: the UART delivers at most baud/10 bytes per second
            std::this_thread::sleep_for(std::chrono::microseconds(r * 10'000'000 / baud));
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

#pragma once
// Test helpers for the transport tests: a pseudo-terminal whose master side plays the modem
// with plain POSIX calls, and bounded waits. Every wait has a deadline; nothing sleeps.
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "asio/io_context.hpp"

namespace sim7080::transport::test {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

inline std::vector<std::byte> bytes_of(std::string_view s) {
  std::vector<std::byte> v(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) v[i] = static_cast<std::byte>(s[i]);
  return v;
}

inline std::string string_of(std::span<const std::byte> b) {
  std::string s(b.size(), '\0');
  for (std::size_t i = 0; i < b.size(); ++i) s[i] = static_cast<char>(b[i]);
  return s;
}

inline int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(left);
}

// A pseudo-terminal: the library opens `slave_path`; the test talks through `master`.
class Pty {
 public:
  Pty() {
    int slave = -1;
    char name[256] = {};
    if (::openpty(&master_, &slave, name, nullptr, nullptr) != 0) return;
    ::close(slave);  // the port under test opens the slave by path, as it would a real tty
    slave_path_ = name;
    ::fcntl(master_, F_SETFL, ::fcntl(master_, F_GETFL) | O_NONBLOCK);
  }
  ~Pty() { close_master(); }
  Pty(const Pty&) = delete;
  Pty& operator=(const Pty&) = delete;

  bool ok() const { return master_ >= 0 && !slave_path_.empty(); }
  int master() const { return master_; }
  const std::string& slave_path() const { return slave_path_; }
  void close_master() {
    if (master_ >= 0) ::close(master_);
    master_ = -1;
  }

  // Writes everything to the master before `deadline`; false on timeout or error.
  bool write_all(std::span<const std::byte> data, Clock::time_point deadline) const {
    std::size_t done = 0;
    while (done < data.size()) {
      const ssize_t n = ::write(master_, data.data() + done, data.size() - done);
      if (n > 0) {
        done += static_cast<std::size_t>(n);
        continue;
      }
      if (n < 0 && errno != EAGAIN && errno != EINTR) return false;
      pollfd p{master_, POLLOUT, 0};
      if (::poll(&p, 1, remaining_ms(deadline)) <= 0) return false;
    }
    return true;
  }
  bool write_all(std::string_view s, Clock::time_point deadline) const { return write_all(bytes_of(s), deadline); }

  // Reads exactly `count` bytes from the master before `deadline` (fewer on timeout/error).
  std::vector<std::byte> read_exact(std::size_t count, Clock::time_point deadline) const {
    std::vector<std::byte> out(count);
    out.resize(read_into(out, deadline));
    return out;
  }

  // Fills `into` from the master before `deadline`; returns the count read. Allocates nothing.
  std::size_t read_into(std::span<std::byte> into, Clock::time_point deadline) const {
    std::size_t done = 0;
    while (done < into.size()) {
      const ssize_t n = ::read(master_, into.data() + done, into.size() - done);
      if (n > 0) {
        done += static_cast<std::size_t>(n);
        continue;
      }
      if (n == 0 || (errno != EAGAIN && errno != EINTR)) break;
      pollfd p{master_, POLLIN, 0};
      if (::poll(&p, 1, remaining_ms(deadline)) <= 0) break;
    }
    return done;
  }

 private:
  int master_ = -1;
  std::string slave_path_;
};

// Runs `io` in this thread until `done()` holds, `timeout` passes, or `io` runs out of work
// (then nothing could make done() true); returns done().
inline bool run_until(asio::io_context& io, const std::function<bool()>& done,
                      std::chrono::milliseconds timeout = 5000ms) {
  const auto deadline = Clock::now() + timeout;
  io.restart();
  while (!done()) {
    const auto now = Clock::now();
    if (now >= deadline) return false;
    if (io.run_one_for(deadline - now) == 0 && io.stopped()) return done();
  }
  return true;
}

}  // namespace sim7080::transport::test

#include "pty.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace sim7080emu {

namespace {
[[noreturn]] void fail(const char* what) {
  throw std::runtime_error(std::string(what) + ": " + std::strerror(errno));
}
}  // namespace

Pty open_pty(bool keep_slave_open) {
  Pty p;
  p.master = posix_openpt(O_RDWR | O_NOCTTY);
  if (p.master < 0) fail("posix_openpt");
  if (grantpt(p.master) != 0) fail("grantpt");
  if (unlockpt(p.master) != 0) fail("unlockpt");
  char name[256];
  if (ptsname_r(p.master, name, sizeof name) != 0) fail("ptsname_r");
  p.slave_path = name;
  // Non-blocking master: the main loop polls, and writes must never wedge the emulator.
  int fl = fcntl(p.master, F_GETFL);
  fcntl(p.master, F_SETFL, fl | O_NONBLOCK);

  // Raw mode lives in the tty, so set it through a slave descriptor; it persists while the
  // master is open, even when no slave fd remains.
  int s = open(name, O_RDWR | O_NOCTTY);
  if (s < 0) fail("open slave");
  termios t{};
  if (tcgetattr(s, &t) != 0) fail("tcgetattr");
  cfmakeraw(&t);
  t.c_cc[VMIN] = 1;
  t.c_cc[VTIME] = 0;
  if (tcsetattr(s, TCSANOW, &t) != 0) fail("tcsetattr");
  if (keep_slave_open) {
    p.slave_keep = s;
  } else {
    close(s);
  }
  return p;
}

void close_pty(Pty& p) {
  if (p.slave_keep >= 0) close(p.slave_keep);
  if (p.master >= 0) close(p.master);
  p.slave_keep = p.master = -1;
}

}  // namespace sim7080emu

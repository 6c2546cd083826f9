// The pseudo-terminal the host driver talks to (the "UART" of the emulated module).
#pragma once

#include <string>

namespace sim7080emu {

struct Pty {
  int master = -1;
  // Our own descriptor on the slave side. While it is open the master never sees a hang-up
  // (read() would otherwise fail with EIO whenever no host has the port open), so the emulator
  // survives the host closing and reopening the port. Closed (-1) with --exit-on-hangup, where
  // the hang-up is exactly what we want to observe.
  int slave_keep = -1;
  std::string slave_path;
};

// Opens a pty pair, puts the slave side in raw mode (cfmakeraw) and optionally keeps a slave fd.
// Throws std::runtime_error on failure.
Pty open_pty(bool keep_slave_open);

void close_pty(Pty& p);

}  // namespace sim7080emu

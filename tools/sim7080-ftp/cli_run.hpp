#pragma once
// Runs one parsed command on a modem and FTP session, printing its result.
#include <chrono>
#include <functional>
#include <ostream>
#include <system_error>

#include "cli_command.hpp"
#include "sim7080/ftp_session.hpp"
#include "sim7080/modem.hpp"

namespace sim7080::cli {

struct RunOptions {
  bool json = false;               // one JSON object per result on stdout
  bool quiet = false;              // no progress, no messages on stderr
  bool progress_bar = false;       // draw a progress bar on stderr (a terminal)
  int cid = 0;                     // PDP context for `bearer`
  std::chrono::milliseconds timeout{0};  // deadline for the whole operation (0 = none)
  // Tests: `put data:<escaped bytes> REMOTE` uploads inline bytes; downloads go to this sink.
  bool inline_data = false;
  DownloadSink* sink_override = nullptr;
};

// Runs `cmd`; prints results on `out` (and messages on `err`); then calls done with the result.
// Returns a function that cancels the command (harmless after it completed).
std::function<void()> run_command(Modem& modem, FtpSession& session, const Command& cmd, const RunOptions& options,
                 std::ostream& out, std::ostream& err, std::function<void(std::error_code)> done);

// The CLI's exit status for a result: 0 ok, 1 FTP or modem error, 2 usage or invalid
// argument, 3 serial transport error, 4 timeout.
int exit_code(std::error_code ec);

// `sim7080-ftp ports`: the host's serial ports from sysfs, one per line (or one JSON object);
// needs no device. Returns the exit status.
int print_ports(std::ostream& out, bool json);

// "FTP password error (72)" and friends, for the user.
std::string describe(std::error_code ec);

}  // namespace sim7080::cli

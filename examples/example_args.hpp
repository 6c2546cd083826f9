// The command line every example shares, parsed by hand so that an example needs nothing but
// the library:
//
//   EXAMPLE --device /dev/ttyUSB2 --server ftp.example.com [--port 21] [--user me]
//           [--apn APN] [--tries N] [--baud 115200] [--rtscts] ARGUMENT...
//
// The FTP password comes from the environment variable FTP_PASSWORD, never from the command
// line (where `ps` would show it to every user of the machine).
#pragma once
#include <charconv>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include <sim7080/sim7080.hpp>

namespace example {

struct Args {
  sim7080::SerialOptions serial;   // --device, --baud, --rtscts
  sim7080::FtpConfig ftp;          // --server, --port, --user and $FTP_PASSWORD
  std::string apn;                 // --apn (bearer_up)
  int tries = 5;                   // --tries (resume_download)
  std::vector<std::string> files;  // everything that is not an option, in order
};

// Reads a whole decimal number into `out`; false if `text` is not one or does not fit.
template <class Int>
bool parse_number(std::string_view text, Int& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size();
}

// Fills `args` from argv. Prints `usage` and returns false when the line is malformed or
// does not have `min_files`..`max_files` arguments besides the options.
inline bool parse_args(int argc, char** argv, Args& args, std::size_t min_files, std::size_t max_files,
                       const char* usage) {
  bool ok = true;
  for (int i = 1; i < argc && ok; ++i) {
    const std::string_view opt = argv[i];
    if (opt == "--rtscts") { args.serial.rtscts = true; continue; }
    if (!opt.starts_with("--")) { args.files.emplace_back(opt); continue; }
    if (i + 1 >= argc) { ok = false; break; }  // every other option takes a value
    const std::string_view value = argv[++i];
    if (opt == "--device") args.serial.device = value;
    else if (opt == "--server") args.ftp.server = value;
    else if (opt == "--user") args.ftp.user = value;
    else if (opt == "--apn") args.apn = value;
    else if (opt == "--port") ok = parse_number(value, args.ftp.port);
    else if (opt == "--baud") ok = parse_number(value, args.serial.baud_rate);
    else if (opt == "--tries") ok = parse_number(value, args.tries) && args.tries > 0;
    else ok = false;
  }
  if (!ok || args.serial.device.empty() || args.files.size() < min_files || args.files.size() > max_files) {
    std::cerr << "usage: " << argv[0] << " --device PATH [--server HOST --port N --user U] " << usage
              << "\n       (the FTP password is read from $FTP_PASSWORD)\n";
    return false;
  }
  if (const char* password = std::getenv("FTP_PASSWORD")) args.ftp.password = password;
  return true;
}

}  // namespace example

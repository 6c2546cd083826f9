// Command-line knobs of the emulator. Every switch exists to make a quirk of real firmware (or of
// an unreliable link) reproducible, so a host driver can be tested against it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace sim7080emu {

struct Options {
  std::string link;                       // --link: symlink to the slave pty
  bool exit_on_hangup = false;            // --exit-on-hangup
  bool echo = false;                      // --echo: ATE1 at power-on
  bool no_space = false;                  // --no-space: "+FTPGET:1,0"
  std::size_t fragment = 0;               // --fragment N (0 = off)
  std::optional<std::uint32_t> fragment_seed;
  bool noise = false;                     // --noise
  std::uint32_t noise_seed = 1;           // --noise-seed
  std::uint32_t baud = 0;                 // --baud (0 = no pacing)
  std::uint32_t latency_ms = 0;           // --latency-ms
  std::uint32_t pace_spin_us = 100;       // --pace-spin-us: busy-wait this long before a due write
  std::uint32_t zero_reads = 0;           // --zero-reads
  std::uint32_t resend_ready_ms = 5000;   // --resend-ready-ms
  std::uint32_t put_max = 1360;           // --put-max
  bool short_put_urc = false;             // --short-put-urc
  std::optional<std::uint64_t> restart_after_bytes;
  std::optional<std::uint64_t> drop_after_bytes;
  std::map<std::string, int> fail;        // --fail CMD=CODE
  bool strict_dele = false;
  bool strict_baud = false;  // drop host bytes sent at another rate than the module's (AT+IPR)
  bool etput_manual_order = false;
  bool rest_clears = false;
  std::size_t ram_bytes = 307200;
  std::string fs_root;
  bool bearer_up = false;
  std::uint32_t idle_timeout_s = 60;
  std::uint32_t put_input_timeout_ms = 10000;
  std::string record;
  std::string pdp_address = "10.94.36.44";
  bool verbose = false;
  // Fault injection (tests/faults): see README.md.
  bool noise_every_line = false;                   // --noise-every-line
  std::optional<std::uint64_t> split_sweep;        // --split-sweep FIRST
  std::optional<std::uint64_t> silent_after_bytes; // --silent-after-bytes N
  std::uint32_t silent_ms = 0;                     // --silent-ms M (0: until a bare AT)
  std::string bad_length;                          // --bad-length KIND ("" = off)
};

// Parses argv. Returns std::nullopt when the program should continue, otherwise the exit code
// (for --help or a usage error, which CLI11 has already printed).
std::optional<int> parse_options(int argc, char** argv, Options& out);

}  // namespace sim7080emu

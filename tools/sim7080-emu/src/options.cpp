#include "options.hpp"

#include <CLI/CLI.hpp>
#include <vector>

namespace sim7080emu {

std::optional<int> parse_options(int argc, char** argv, Options& o) {
  CLI::App app{
      "sim7080-emu: an emulated SIMCom SIM7080 modem on a pseudo-terminal.\n"
      "Prints the slave pty path as the first line of stdout, then serves AT commands\n"
      "(bearer, FTP via libcurl, file system) until SIGTERM/SIGINT."};
  std::vector<std::string> fails;
  std::uint64_t restart = 0, drop = 0;
  std::uint32_t frag_seed = 0;
  app.add_option("--link", o.link, "also create a symlink PATH to the slave pty");
  app.add_flag("--exit-on-hangup", o.exit_on_hangup,
               "exit when the host closes the port after having opened it once");
  app.add_flag("--echo", o.echo, "echo on at power-on (ATE1); default off");
  app.add_flag("--no-space", o.no_space,
               "FTP replies/URCs without the space after the colon (+FTPGET:1,0)");
  app.add_option("--fragment", o.fragment,
                 "write output in chunks of at most N bytes, each written separately");
  auto* seed_opt = app.add_option("--fragment-seed", frag_seed,
                                  "with --fragment: random chunk sizes 1..N from this seed");
  app.add_flag("--noise", o.noise,
               "inject unrelated URCs (+CEREG, *PSUTTZ, +CTZV) between lines");
  app.add_option("--noise-seed", o.noise_seed, "seed of the --noise generator (default 1)");
  app.add_option("--baud", o.baud,
                 "pace output and input at N baud (10 bits/byte); AT+IPR changes it later");
  app.add_option("--latency-ms", o.latency_ms, "delay before answering each command line");
  app.add_option("--pace-spin-us", o.pace_spin_us,
                 "with --baud or --latency-ms: wait the last N us before each due write busy, not "
                 "asleep (a timed wake-up comes late on a loaded machine); 0 = sleep only (default 100)");
  app.add_option("--zero-reads", o.zero_reads,
                 "answer +FTPGET: 2,0 to the first N reads of a session even when data waits");
  app.add_option("--resend-ready-ms", o.resend_ready_ms,
                 "re-send +FTPGET/+FTPLIST: 1,1 this often while data sits unread (default 5000)");
  app.add_option("--put-max", o.put_max, "<maxlength> of +FTPPUT: 1,1,<max> (default 1360)")
      ->check(CLI::Range(1u, 1460u));
  app.add_flag("--short-put-urc", o.short_put_urc, "print +FTPPUT: 1,1 without <maxlength>");
  auto* restart_opt = app.add_option(
      "--restart-after-bytes", restart,
      "reboot the module (RDY, +CFUN: 1, +CPIN: READY, SMS Ready) once N payload bytes of a "
      "transfer have crossed the UART (either direction; fires once)");
  auto* drop_opt = app.add_option(
      "--drop-after-bytes", drop,
      "the FTP data connection dies after N payload bytes of a transfer: session error 79 "
      "(download) / 78 (upload); fires once");
  app.add_option("--fail", fails,
                 "CMD=CODE (repeatable): that operation ends with session error CODE, e.g. "
                 "--fail FTPGET=64 --fail FTPSIZE=77");
  app.add_flag("--strict-dele", o.strict_dele, "answer ERROR to AT+FTPDELE=1 (only bare form)");
  app.add_flag("--strict-baud", o.strict_baud,
               "with --baud: ignore host bytes while the host's line speed (its termios) differs from the "
               "module's rate, as a real UART would see garbage (tests AT+IPR upgrades and their fallback)");
  app.add_flag("--etput-manual-order", o.etput_manual_order,
               "AT+FTPETPUT=2 answers +FTPETPUT: 2,1 without a leading OK (manual's order)");
  app.add_flag("--rest-clears", o.rest_clears, "FTPREST is cleared after each session");
  app.add_option("--ram-bytes", o.ram_bytes,
                 "module RAM for FTPEXTPUT/FTPEXTGET buffers (default 307200)");
  app.add_option("--fs-root", o.fs_root,
                 "directory backing the module file system (default: a fresh temp dir)");
  app.add_flag("--bearer-up", o.bearer_up, "PDP context 0 is active at power-on");
  app.add_option("--pdp-address", o.pdp_address, "address of an active context (10.94.36.44)");
  app.add_option("--idle-timeout-s", o.idle_timeout_s,
                 "FTPGET/FTPLIST: unread data older than this ends the session with 1,64 "
                 "(default 60)");
  app.add_option("--put-input-timeout-ms", o.put_input_timeout_ms,
                 "FTPPUT=2 data phase input timeout, then ERROR (default 10000)");
  app.add_option("--record", o.record, "write the conversation as an .at transcript to FILE");
  app.add_flag("-v,--verbose", o.verbose, "diagnostics on stderr");
  // Fault injection (tests/faults).
  std::uint64_t split_first = 0, silent_after = 0;
  app.add_flag("--noise-every-line", o.noise_every_line,
               "an unrelated URC before every line the module writes (and between a counted "
               "payload and its OK); never inside a payload, a data phase or a stream");
  auto* split_opt = app.add_option(
      "--split-sweep", split_first,
      "the output of the i-th transfer (i = 0, 1, ...: FTPGET, FTPLIST, FTPPUT, EXTPUT, EXTGET, "
      "ETPUT, ETGET sessions) is split at byte FIRST+i, counted from the first byte after the "
      "opening command; the second part is written once the host has read the first");
  auto* silent_opt = app.add_option(
      "--silent-after-bytes", silent_after,
      "once N payload bytes of a transfer crossed the UART (0: at its opening OK), the module "
      "falls silent after the reply it is writing: its output is lost and host input ignored; "
      "fires once");
  app.add_option("--silent-ms", o.silent_ms,
                 "with --silent-after-bytes: the silence lasts M ms (default 0: until the host "
                 "sends a bare AT, answered OK)");
  app.add_option("--bad-length", o.bad_length,
                 "once, a length the module must never send: over-request, over-max, negative, "
                 "garbled or huge (see README.md)")
      ->check(CLI::IsMember({"over-request", "over-max", "negative", "garbled", "huge"}));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (seed_opt->count() > 0) o.fragment_seed = frag_seed;
  if (restart_opt->count() > 0) o.restart_after_bytes = restart;
  if (drop_opt->count() > 0) o.drop_after_bytes = drop;
  if (split_opt->count() > 0) o.split_sweep = split_first;
  if (silent_opt->count() > 0) o.silent_after_bytes = silent_after;
  for (const auto& f : fails) {
    auto eq = f.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::fprintf(stderr, "--fail expects CMD=CODE, got '%s'\n", f.c_str());
      return 2;
    }
    std::string cmd = f.substr(0, eq);
    for (auto& c : cmd) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (cmd.rfind("AT+", 0) == 0) cmd = cmd.substr(3);
    if (cmd.rfind('+', 0) == 0) cmd = cmd.substr(1);
    try {
      o.fail[cmd] = std::stoi(f.substr(eq + 1));
    } catch (...) {
      std::fprintf(stderr, "--fail: bad code in '%s'\n", f.c_str());
      return 2;
    }
  }
  return std::nullopt;
}

}  // namespace sim7080emu

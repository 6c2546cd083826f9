// sim7080-ftp: move files over FTP through a SIM7080 on a serial port.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>

#include "asio/bind_cancellation_slot.hpp"
#include "asio/cancellation_signal.hpp"
#include "asio/error.hpp"
#include "asio/io_context.hpp"
#include "asio/signal_set.hpp"
#include "asio/steady_timer.hpp"
#include "cli_output.hpp"
#include "cli_command.hpp"
#include "cli_run.hpp"
#include "sim7080/sim7080.hpp"
#include "sim7080/transcript.hpp"

namespace {

struct Globals {
  std::string device;
  unsigned baud = 115200;
  bool rtscts = false;
  std::string server;
  std::uint16_t port = 21;
  std::string user;
  std::string password_env = "FTP_PASSWORD";
  bool active = false;
  bool ascii = false;
  int cid = 0;
  double timeout_s = 0;
  std::string trace_file;
  std::string record_file;
  bool json = false;
  bool quiet = false;
};

}  // namespace

int main(int argc, char** argv) {
  using namespace sim7080;
  CLI::App app{"sim7080-ftp: FTP through a SIMCom SIM7080 modem (AT+FTP* commands)"};
  app.set_version_flag("--version", version_string);
  Globals g;
  if (const char* dev = std::getenv("SIM7080_DEVICE")) g.device = dev;
  app.add_option("-d,--device", g.device, "serial device of the modem's AT port (default $SIM7080_DEVICE)");
  app.add_option("-b,--baud", g.baud, "baud rate; other than 115200, the module is switched to it with AT+IPR if needed")->capture_default_str();
  app.add_flag("--rtscts", g.rtscts, "hardware flow control (RTS/CTS)");
  app.add_option("-s,--server", g.server, "FTP server (IPv4 address or host name)");
  app.add_option("-P,--port", g.port, "FTP control port")->capture_default_str();
  app.add_option("-u,--user", g.user, "FTP user name");
  app.add_option("--password-env", g.password_env, "environment variable holding the FTP password (never the command line)")
      ->capture_default_str();
  app.add_flag("--active", g.active, "active FTP (PORT) instead of passive");
  app.add_flag("--ascii", g.ascii, "ASCII transfer type (corrupts binary data)");
  app.add_option("--cid", g.cid, "PDP context index 0..3")->check(CLI::Range(0, 3))->capture_default_str();
  app.add_option("--timeout", g.timeout_s, "deadline per operation in seconds (0 = the module's own deadlines)");
  app.add_option("--trace", g.trace_file, "write a byte trace of the serial line to FILE (password redacted)");
  app.add_option("--record", g.record_file, "record the conversation as an .at transcript (password redacted)");
  app.add_flag("--json", g.json, "print one JSON object per result on stdout");
  app.add_flag("-q,--quiet", g.quiet, "no progress bar, no messages");
  cli::Command cmd;
  cli::add_commands(app, cmd);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (cmd.verb == cli::Verb::ports) return cli::print_ports(std::cout, g.json);
  if (g.device.empty()) {
    std::cerr << "sim7080-ftp: no device: give -d/--device or set SIM7080_DEVICE\n";
    return 2;
  }

  asio::io_context io;
  // Start-up failures are results too: with --json they are one JSON object like any other.
  auto fail = [&](std::error_code ec, const std::string& message) {
    if (g.json) {
      cli::JsonObject obj;
      obj.add("command", cli::verb_name(cmd.verb));
      cli::add_error(obj, ec, message);
      std::cout << obj.str() << "\n" << std::flush;
    } else if (!g.quiet) {
      std::cerr << "sim7080-ftp: " << message << "\n";
    }
    return cli::exit_code(ec);
  };

  std::ofstream trace_out;
  std::ofstream record_out;
  for (auto [name, stream] : {std::pair{&g.trace_file, &trace_out}, std::pair{&g.record_file, &record_out}}) {
    if (name->empty()) continue;
    stream->open(*name);
    if (!stream->is_open()) {
      return fail(make_error_code(AtErrc::invalid_argument), "cannot write " + *name);
    }
  }

  Modem modem(io.get_executor());
  std::unique_ptr<TraceSink> trace;
  if (trace_out.is_open()) {
    trace = make_text_trace(trace_out);
    modem.add_trace_sink(*trace);
  }
  std::unique_ptr<transcript::TranscriptRecorder> recorder;
  if (record_out.is_open()) {
    recorder = std::make_unique<transcript::TranscriptRecorder>(
        record_out, std::vector<transcript::Header>{{"title", "recorded by sim7080-ftp"}, {"source", "sim7080-ftp --record"}});
    modem.add_trace_sink(*recorder);
  }
  if (auto ec = modem.open(SerialOptions{g.device, g.baud, g.rtscts})) {
    return fail(ec, g.device + ": " + cli::describe(ec));
  }

  FtpConfig config;
  config.server = g.server;
  config.port = g.port;
  config.user = g.user;
  if (const char* pw = std::getenv(g.password_env.c_str())) config.password = pw;
  config.passive = !g.active;
  config.binary = !g.ascii;
  config.cid = g.cid;
  const auto timeout = std::chrono::milliseconds(static_cast<long>(g.timeout_s * 1000));
  if (timeout.count() > 0) config.session_timeout = timeout;
  FtpSession session(modem, config);

  cli::RunOptions options;
  options.json = g.json;
  options.quiet = g.quiet;
  options.progress_bar = !g.quiet && ::isatty(STDERR_FILENO) == 1;
  options.cid = g.cid;

  // --timeout bounds the whole operation, modem start-up included; SIGINT/SIGTERM cancel it,
  // so a download in progress leaves no partial file behind.
  const auto started = std::chrono::steady_clock::now();
  asio::steady_timer deadline(io);
  asio::cancellation_signal init_cancel;
  std::function<void()> cancel_run;
  bool initialising = true;
  bool timed_out = false;
  auto cancel_all = [&] {
    if (initialising) init_cancel.emit(asio::cancellation_type::terminal);
    else if (cancel_run) cancel_run();
  };
  if (timeout.count() > 0) {
    deadline.expires_after(timeout);
    deadline.async_wait([&](std::error_code ec) {
      if (ec) return;
      timed_out = true;
      cancel_all();
    });
  }
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](std::error_code ec, int) {
    if (!ec) cancel_all();
  });

  std::error_code result;
  auto done = [&](std::error_code ec) {
    result = ec;
    deadline.cancel();
    signals.cancel();
    modem.close();
  };
  auto run_it = [&] {
    initialising = false;
    if (timeout.count() > 0) {
      const auto left = timeout - std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
      options.timeout = std::max(left, std::chrono::milliseconds{1});
      deadline.cancel();  // the command's own deadline takes over
    }
    cancel_run = cli::run_command(modem, session, cmd, options, std::cout, std::cerr, done);
  };
  auto init_failed = [&](std::error_code ec) {
    initialising = false;
    if (ec == asio::error::operation_aborted && timed_out) ec = make_error_code(AtErrc::timeout);
    fail(ec, "modem initialisation failed: " + cli::describe(ec));
    done(ec);
  };
  auto bind_init = [&](auto f) { return asio::bind_cancellation_slot(init_cancel.slot(), std::move(f)); };

  // -b RATE other than the factory 115200: the module may already run at RATE (AT+IPR is
  // saved), so probe it there first; if it stays silent, talk at 115200 and switch it with
  // AT+IPR, falling back to 115200 if the new rate does not work.
  constexpr unsigned kFactoryBaud = 115200;
  const bool upgrade = g.baud != kFactoryBaud;
  auto upgrade_from_factory_rate = [&] {
    if (auto ec = modem.open(SerialOptions{g.device, kFactoryBaud, g.rtscts})) return init_failed(ec);
    modem.async_initialize(bind_init([&](std::error_code ec) {
      if (ec) return init_failed(ec);
      modem.async_set_baud_rate(g.baud, bind_init([&](std::error_code baud_ec) {
        if (baud_ec == AtErrc::baud_rate_fallback) {
          if (!g.quiet && !g.json) std::cerr << "sim7080-ftp: " << g.baud << " baud did not work; staying at " << kFactoryBaud << "\n";
        } else if (baud_ec) {
          return init_failed(baud_ec);
        }
        run_it();
      }));
    }));
  };
  modem.async_initialize(upgrade ? 3 : 20, bind_init([&](std::error_code ec) {
    if (!ec) return run_it();
    if (upgrade && ec == AtErrc::timeout) return upgrade_from_factory_rate();
    init_failed(ec);
  }));
  io.run();
  if (recorder) recorder->flush();
  return cli::exit_code(result);
}

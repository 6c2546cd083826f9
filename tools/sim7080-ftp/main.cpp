// sim7080-ftp: move files over FTP through a SIM7080 on a serial port.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>

#include "asio/io_context.hpp"
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
  app.add_option("-b,--baud", g.baud, "baud rate")->capture_default_str();
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
  if (g.device.empty()) {
    std::cerr << "sim7080-ftp: no device: give -d/--device or set SIM7080_DEVICE\n";
    return 2;
  }

  asio::io_context io;
  Modem modem(io.get_executor());
  if (auto ec = modem.open(SerialOptions{g.device, g.baud, g.rtscts})) {
    if (!g.quiet) std::cerr << "sim7080-ftp: " << g.device << ": " << ec.message() << "\n";
    return cli::exit_code(ec);
  }
  std::ofstream trace_out;
  std::unique_ptr<TraceSink> trace;
  if (!g.trace_file.empty()) {
    trace_out.open(g.trace_file);
    trace = make_text_trace(trace_out);
    modem.add_trace_sink(*trace);
  }
  std::ofstream record_out;
  std::unique_ptr<transcript::TranscriptRecorder> recorder;
  if (!g.record_file.empty()) {
    record_out.open(g.record_file);
    recorder = std::make_unique<transcript::TranscriptRecorder>(
        record_out, std::vector<transcript::Header>{{"title", "recorded by sim7080-ftp"}, {"source", "sim7080-ftp --record"}});
    modem.add_trace_sink(*recorder);
  }

  FtpConfig config;
  config.server = g.server;
  config.port = g.port;
  config.user = g.user;
  if (const char* pw = std::getenv(g.password_env.c_str())) config.password = pw;
  config.passive = !g.active;
  config.binary = !g.ascii;
  config.cid = g.cid;
  if (g.timeout_s > 0) config.session_timeout = std::chrono::milliseconds(static_cast<long>(g.timeout_s * 1000));
  FtpSession session(modem, config);

  cli::RunOptions options;
  options.json = g.json;
  options.quiet = g.quiet;
  options.progress_bar = !g.quiet && ::isatty(STDERR_FILENO) == 1;
  options.cid = g.cid;
  if (g.timeout_s > 0) options.timeout = std::chrono::milliseconds(static_cast<long>(g.timeout_s * 1000));

  std::error_code result;
  modem.async_initialize([&](std::error_code ec) {
    if (ec) {
      result = ec;
      if (!g.quiet) std::cerr << "sim7080-ftp: modem initialisation failed: " << cli::describe(ec) << "\n";
      modem.close();
      return;
    }
    cli::run_command(modem, session, cmd, options, std::cout, std::cerr, [&](std::error_code run_ec) {
      result = run_ec;
      modem.close();
    });
  });
  io.run();
  if (recorder) recorder->flush();
  return cli::exit_code(result);
}

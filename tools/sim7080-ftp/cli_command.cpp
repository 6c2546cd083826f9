#include "cli_command.hpp"

#include <map>

namespace sim7080::cli {

const char* verb_name(Verb v) {
  switch (v) {
    case Verb::get: return "get";
    case Verb::put: return "put";
    case Verb::ls: return "ls";
    case Verb::size: return "size";
    case Verb::mdtm: return "mdtm";
    case Verb::rm: return "rm";
    case Verb::mkdir: return "mkdir";
    case Verb::rmdir: return "rmdir";
    case Verb::mv: return "mv";
    case Verb::state: return "state";
    case Verb::cert: return "cert";
    case Verb::bearer: return "bearer";
    case Verb::ports: return "ports";
    case Verb::none: break;
  }
  return "none";
}


void add_commands(CLI::App& app, Command& cmd) {
  app.require_subcommand(1);
  static const std::map<std::string, GetMethod> get_methods{
      {"get", GetMethod::get}, {"extget", GetMethod::extget}, {"etget", GetMethod::etget}};
  static const std::map<std::string, PutMethod> put_methods{
      {"put", PutMethod::put}, {"extput", PutMethod::extput}, {"etput", PutMethod::etput}};

  auto* get = app.add_subcommand("get", "Download REMOTE to LOCAL (default: its base name)");
  get->add_option("REMOTE", cmd.first, "remote file")->required();
  get->add_option("LOCAL", cmd.second, "local file");
  get->add_option("--method", cmd.get_method, "get (AT+FTPGET), extget (module RAM), etget (transparent)")
      ->transform(CLI::CheckedTransformer(get_methods, CLI::ignore_case));
  get->add_option("--offset", cmd.offset, "resume at this byte (AT+FTPREST; method get)");
  get->add_option("--retries", cmd.retries, "after a retryable failure, resume from the byte reached up to N times (method get)")
      ->check(CLI::Range(0, 100));
  get->add_option("--fs-file", cmd.fs_file,
                  "with --method extget: keep the file in the module's file system instead, e.g. /customer/a.bin "
                  "(AT+FTPEXTGET=2, checked with AT+FTPTOFSST)");
  get->callback([&cmd] { cmd.verb = Verb::get; });

  auto* put = app.add_subcommand("put", "Upload LOCAL to REMOTE");
  put->add_option("LOCAL", cmd.first, "local file")->required();
  put->add_option("REMOTE", cmd.second, "remote file")->required();
  put->add_option("--method", cmd.put_method, "put (AT+FTPPUT), extput (module RAM, <= 300000 bytes), etput (transparent)")
      ->transform(CLI::CheckedTransformer(put_methods, CLI::ignore_case));
  auto* append = put->add_flag("--append")->description("append to the remote file (APPE)");
  auto* unique = put->add_flag("--unique")->description("let the server choose a unique name (STOU)");
  append->excludes(unique);
  put->callback([&cmd, append, unique] {
    cmd.verb = Verb::put;
    cmd.put_mode = append->count() ? PutMode::append : unique->count() ? PutMode::unique : PutMode::store;
  });

  auto* ls = app.add_subcommand("ls", "List a remote directory (default /)");
  ls->add_option("PATH", cmd.first, "remote directory or file");
  ls->callback([&cmd] { cmd.verb = Verb::ls; });

  struct One { const char* name; const char* help; Verb verb; const char* arg; };
  for (const One& o : {One{"size", "Print the size of a remote file in bytes", Verb::size, "REMOTE"},
                       One{"mdtm", "Print the modification time of a remote file (ISO-8601 UTC)", Verb::mdtm, "REMOTE"},
                       One{"rm", "Delete a remote file", Verb::rm, "REMOTE"},
                       One{"mkdir", "Create a remote directory", Verb::mkdir, "PATH"},
                       One{"rmdir", "Remove a remote directory", Verb::rmdir, "PATH"}}) {
    auto* sub = app.add_subcommand(o.name, o.help);
    sub->add_option(o.arg, cmd.first)->required();
    sub->callback([&cmd, v = o.verb] { cmd.verb = v; });
  }

  auto* mv = app.add_subcommand("mv", "Rename a remote file within its directory");
  mv->add_option("FROM", cmd.first)->required();
  mv->add_option("TO", cmd.second)->required();
  mv->callback([&cmd] { cmd.verb = Verb::mv; });

  auto* state = app.add_subcommand("state", "Print the module's FTP state (idle or busy)");
  state->callback([&cmd] { cmd.verb = Verb::state; });

  auto* cert = app.add_subcommand("cert", "Store a CA certificate (PEM) in the module for FTPS: cert put LOCAL NAME");
  cert->add_option("ACTION", cmd.apn, "put")->required()->check(CLI::IsMember({"put"}));
  cert->add_option("LOCAL", cmd.first, "local PEM file")->required();
  cert->add_option("NAME", cmd.second, "file name in the module (then FtpConfig/--ca-file names it)")->required();
  cert->callback([&cmd] { cmd.verb = Verb::cert; });

  auto* ports = app.add_subcommand("ports", "List serial ports; marks a SIM7080's AT port (USB 1e0e:9205/9206, interface 2)");
  ports->callback([&cmd] { cmd.verb = Verb::ports; });

  auto* bearer = app.add_subcommand("bearer", "Bring the PDP context up or down, or show its status");
  bearer->add_option("ACTION", cmd.first, "up, down or status")->required()->check(CLI::IsMember({"up", "down", "status"}));
  bearer->add_option("--apn", cmd.apn, "APN to configure before activation (AT+CNCFG)");
  bearer->callback([&cmd] { cmd.verb = Verb::bearer; });
}

bool parse_call(const std::string& line, Command& cmd, std::string& error) {
  CLI::App app{"call"};
  add_commands(app, cmd);
  try {
    app.parse(line, false);
  } catch (const CLI::ParseError& e) {
    error = e.what();
    return false;
  }
  return cmd.verb != Verb::none;
}

}  // namespace sim7080::cli

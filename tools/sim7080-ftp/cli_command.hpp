#pragma once
// The sim7080-ftp command grammar (README "CLI contract"): what to do, parsed by CLI11.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "sim7080/ftp_types.hpp"

namespace sim7080::cli {

enum class Verb { none, get, put, ls, size, mdtm, rm, mkdir, rmdir, mv, state, bearer, cert, ports };

struct Command {
  Verb verb = Verb::none;
  std::string first;   // REMOTE (get, size, ...), LOCAL (put), PATH, FROM, or up|down|status
  std::string second;  // LOCAL (get), REMOTE (put), TO (mv)
  GetMethod get_method = GetMethod::get;
  PutMethod put_method = PutMethod::put;
  PutMode put_mode = PutMode::store;
  std::uint64_t offset = 0;
  int retries = 0;  // get: automatic resume after a retryable failure
  std::string fs_file;  // get --method extget --fs-file /customer/NAME: into the module's file system
  std::string apn;
};

// The subcommand's name ("get"), for messages and JSON.
const char* verb_name(Verb v);

// Adds the subcommands to `app`; after app.parse() the chosen one is in `cmd`.
void add_commands(CLI::App& app, Command& cmd);
// Parses a `#! call:` line (the subcommand and its options, no global options).
bool parse_call(const std::string& line, Command& cmd, std::string& error);

}  // namespace sim7080::cli

#pragma once
// The command table: every AT command the library sends, one row each (the protocol as
// data). docs/commands.md is checked against it by a test.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "at/command_spec.hpp"

namespace sim7080::ftp {

enum class CommandId : std::uint8_t {
  // basic and bearer (spec §1, §2)
  at, ate, cmee, ifc, ipr, cfun, cpin, csq, cgatt, cops, cgnapn, cncfg, cnact, cgdcont, cfgri,
  // FTP settings (§3.1–3.13)
  ftpport, ftpmode, ftptype, ftpputopt, ftpcid, ftprest, ftpserv, ftpun, ftppw, ftpgetname,
  ftpgetpath, ftpputname, ftpputpath,
  // FTP operations (§3.14–3.30)
  ftpget, ftpput, ftpdele, ftpsize, ftpstate, ftpextput, ftpmkd, ftprmd, ftplist, ftpextget,
  ftpextget_read, ftpetput, ftpetget, ftpquit, ftprename, ftpmdtm, ftpssl, ftptofsst,
  // file system and TLS set-up (§3.29)
  cfsinit, cfswfile, cfsterm, cfsdfile, csslcfg,
  count_
};

struct CommandRow {
  CommandId id;
  std::string_view spec_section;  // where the spec describes it ("§3.14")
  std::string_view session_urc;    // the session URC prefix the operation reports on ("" = none)
  bool ftpquit_aborts;             // an open session of this command is ended by AT+FTPQUIT
  at::CommandSpec spec;
};

std::span<const CommandRow> command_table() noexcept;
const CommandRow& command_row(CommandId id) noexcept;
inline const at::CommandSpec& command_spec(CommandId id) noexcept { return command_row(id).spec; }
// The row whose name starts `line` (followed by '=', '?' or the end); for `AT+FTPEXTGET?` the
// read row. nullopt for an unknown command.
std::optional<CommandId> find_command(std::string_view line) noexcept;

}  // namespace sim7080::ftp

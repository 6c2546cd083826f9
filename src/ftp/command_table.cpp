#include "ftp/command_table.hpp"

#include <algorithm>
#include <array>

namespace sim7080::ftp {
namespace {

using namespace std::chrono_literals;
using at::GoAhead;
using at::PayloadRule;

// Deadlines: the spec gives 75 s for the FTP operations, 10 s for AT+CFUN, 5 s for AT+CPIN?;
// setters say "-": 5 s is ample for a local answer. AT+CNACT's "-" covers network
// activation: 60 s as field drivers use.
constexpr auto kQuick = 5s;
constexpr auto kFtp = 75s;

constexpr at::CommandSpec simple(std::string_view name, std::chrono::milliseconds t,
                                 std::string_view reply = {}) {
  return at::CommandSpec{name, t, reply, {}, std::nullopt, GoAhead::none, {}};
}

constexpr PayloadRule counted(std::string_view prefix, std::string_view first, std::uint64_t max) {
  return PayloadRule{prefix, first, PayloadRule::Mode::counted, max};
}

const std::array<CommandRow, static_cast<std::size_t>(CommandId::count_)> kTable{{
    {CommandId::at, "§1.11", "", false, simple("AT", kQuick)},
    {CommandId::ate, "§1.3", "", false, simple("ATE", kQuick)},
    {CommandId::cmee, "§1.4", "", false, simple("AT+CMEE", kQuick, "+CMEE")},
    {CommandId::ifc, "§1.6", "", false, simple("AT+IFC", kQuick, "+IFC")},
    {CommandId::ipr, "§1.7", "", false, simple("AT+IPR", kQuick, "+IPR")},
    {CommandId::cfun, "§1.8", "", false, simple("AT+CFUN", 10s, "+CFUN")},
    {CommandId::cpin, "§2.1", "", false, simple("AT+CPIN", kQuick, "+CPIN")},
    {CommandId::csq, "§2.1", "", false, simple("AT+CSQ", kQuick, "+CSQ")},
    {CommandId::cgatt, "§2.1", "", false, simple("AT+CGATT", 10s, "+CGATT")},
    {CommandId::cops, "§2.1", "", false, simple("AT+COPS", 10s, "+COPS")},
    {CommandId::cgnapn, "§2.1", "", false, simple("AT+CGNAPN", kQuick, "+CGNAPN")},
    {CommandId::cncfg, "§2.2", "", false, simple("AT+CNCFG", kQuick, "+CNCFG")},
    {CommandId::cnact, "§2.3", "+APP PDP", false, simple("AT+CNACT", 60s, "+CNACT")},
    {CommandId::cgdcont, "§2.5", "", false, simple("AT+CGDCONT", kQuick, "+CGDCONT")},
    {CommandId::cfgri, "§1.9", "", false, simple("AT+CFGRI", kQuick, "+CFGRI")},

    {CommandId::ftpport, "§3.1", "", false, simple("AT+FTPPORT", kQuick, "+FTPPORT")},
    {CommandId::ftpmode, "§3.2", "", false, simple("AT+FTPMODE", kQuick, "+FTPMODE")},
    {CommandId::ftptype, "§3.3", "", false, simple("AT+FTPTYPE", kQuick, "+FTPTYPE")},
    {CommandId::ftpputopt, "§3.4", "", false, simple("AT+FTPPUTOPT", kQuick, "+FTPPUTOPT")},
    {CommandId::ftpcid, "§3.5", "", false, simple("AT+FTPCID", kQuick, "+FTPCID")},
    {CommandId::ftprest, "§3.6", "", false, simple("AT+FTPREST", kQuick, "+FTPREST")},
    {CommandId::ftpserv, "§3.7", "", false, simple("AT+FTPSERV", kQuick, "+FTPSERV")},
    {CommandId::ftpun, "§3.8", "", false, simple("AT+FTPUN", kQuick, "+FTPUN")},
    {CommandId::ftppw, "§3.9", "", false, simple("AT+FTPPW", kQuick, "+FTPPW")},
    {CommandId::ftpgetname, "§3.10", "", false, simple("AT+FTPGETNAME", kQuick, "+FTPGETNAME")},
    {CommandId::ftpgetpath, "§3.11", "", false, simple("AT+FTPGETPATH", kQuick, "+FTPGETPATH")},
    {CommandId::ftpputname, "§3.12", "", false, simple("AT+FTPPUTNAME", kQuick, "+FTPPUTNAME")},
    {CommandId::ftpputpath, "§3.13", "", false, simple("AT+FTPPUTPATH", kQuick, "+FTPPUTPATH")},

    {CommandId::ftpget, "§3.14", "+FTPGET", true,
     {"AT+FTPGET", kFtp, "+FTPGET", "2", counted("+FTPGET", "2", 1460), GoAhead::none, {}}},
    {CommandId::ftpput, "§3.15", "+FTPPUT", true,
     {"AT+FTPPUT", kFtp, "+FTPPUT", "2", std::nullopt, GoAhead::counted, "+FTPPUT"}},
    {CommandId::ftpdele, "§3.16", "+FTPDELE", true, simple("AT+FTPDELE", kFtp)},
    {CommandId::ftpsize, "§3.17", "+FTPSIZE", true, simple("AT+FTPSIZE", kFtp)},
    {CommandId::ftpstate, "§3.18", "", false, simple("AT+FTPSTATE", kQuick, "+FTPSTATE")},
    {CommandId::ftpextput, "§3.19", "+FTPPUT", true,
     {"AT+FTPEXTPUT", kFtp, "+FTPEXTPUT", {}, std::nullopt, GoAhead::staged, "+FTPEXTPUT"}},
    {CommandId::ftpmkd, "§3.20", "+FTPMKD", true, simple("AT+FTPMKD", kFtp)},
    {CommandId::ftprmd, "§3.21", "+FTPRMD", true, simple("AT+FTPRMD", kFtp)},
    {CommandId::ftplist, "§3.22", "+FTPLIST", true,
     {"AT+FTPLIST", kFtp, "+FTPLIST", "2", counted("+FTPLIST", "2", 1460), GoAhead::none, {}}},
    {CommandId::ftpextget, "§3.23", "+FTPEXTGET", true,
     {"AT+FTPEXTGET", kFtp, "+FTPEXTGET", "3", counted("+FTPEXTGET", "3", 327680), GoAhead::none, {}}},
    {CommandId::ftpextget_read, "§3.23", "", false,
     {"AT+FTPEXTGET?", kQuick, "+FTPEXTGET", {}, std::nullopt, GoAhead::none, {}}},
    {CommandId::ftpetput, "§3.24", "+FTPETPUT", true,
     {"AT+FTPETPUT", kFtp, "+FTPETPUT", "2", std::nullopt, GoAhead::transparent, "+FTPETPUT"}},
    {CommandId::ftpetget, "§3.25", "+FTPETGET", false, simple("AT+FTPETGET", kFtp)},
    {CommandId::ftpquit, "§3.26", "", false, simple("AT+FTPQUIT", kQuick)},
    {CommandId::ftprename, "§3.27", "+FTPRENAME", true, simple("AT+FTPRENAME", kFtp)},
    {CommandId::ftpmdtm, "§3.28", "+FTPMDTM", true, simple("AT+FTPMDTM", kFtp)},
    {CommandId::ftpssl, "§3.29", "", false, simple("AT+FTPSSL", kQuick, "+FTPSSL")},
    {CommandId::ftptofsst, "§3.30", "", false, simple("AT+FTPTOFSST", kQuick, "+FTPTOFSST")},

    {CommandId::cfsinit, "§3.29", "", false, simple("AT+CFSINIT", kQuick)},
    {CommandId::cfswfile, "§3.29", "", false,
     {"AT+CFSWFILE", 15s, "", {}, std::nullopt, GoAhead::prompt, {}}},
    {CommandId::cfsterm, "§3.29", "", false, simple("AT+CFSTERM", kQuick)},
    {CommandId::cfsdfile, "§3.23", "", false, simple("AT+CFSDFILE", kQuick)},
    {CommandId::csslcfg, "§3.29", "", false, simple("AT+CSSLCFG", kQuick, "+CSSLCFG")},
}};

bool starts_with_ci(std::string_view s, std::string_view p) {
  return s.size() >= p.size() &&
         std::equal(p.begin(), p.end(), s.begin(), [](char a, char b) {
           auto up = [](char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; };
           return up(a) == up(b);
         });
}

}  // namespace

std::span<const CommandRow> command_table() noexcept { return kTable; }

const CommandRow& command_row(CommandId id) noexcept { return kTable[static_cast<std::size_t>(id)]; }

std::optional<CommandId> find_command(std::string_view line) noexcept {
  const CommandRow* best = nullptr;
  for (const auto& row : kTable) {
    const auto name = row.spec.name;
    if (!starts_with_ci(line, name)) continue;
    const bool exact_end = line.size() == name.size() || name.back() == '?';
    const char next = line.size() > name.size() ? line[name.size()] : '\0';
    // ATE0/ATE1 carry their argument without '='.
    const bool ok = exact_end || next == '=' || next == '?' || (row.id == CommandId::ate && next >= '0' && next <= '1');
    if (ok && (!best || name.size() > best->spec.name.size())) best = &row;
  }
  if (!best) return std::nullopt;
  return best->id;
}

}  // namespace sim7080::ftp

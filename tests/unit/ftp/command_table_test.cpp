// The command table (style guide practice 4): well-formed rows, unique names, find_command,
// and coverage of every FTP command of spec §3.1–§3.30.
#include "ftp/command_table.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>

namespace sim7080::ftp {
namespace {

using namespace std::chrono_literals;

TEST(CommandTable, RowIHasIdI) {
  const auto table = command_table();
  ASSERT_EQ(table.size(), static_cast<std::size_t>(CommandId::count_));
  for (std::size_t i = 0; i < table.size(); ++i) {
    EXPECT_EQ(static_cast<std::size_t>(table[i].id), i) << table[i].spec.name;
    EXPECT_EQ(&command_row(table[i].id), &table[i]);
    EXPECT_EQ(&command_spec(table[i].id), &table[i].spec);
  }
}

TEST(CommandTable, NamesAreUniqueAndWellFormed) {
  std::set<std::string_view> names;
  for (const auto& row : command_table()) {
    EXPECT_TRUE(names.insert(row.spec.name).second) << "duplicate " << row.spec.name;
    EXPECT_EQ(row.spec.name.substr(0, 2), "AT") << row.spec.name;
    EXPECT_GT(row.spec.timeout.count(), 0) << row.spec.name;
    EXPECT_FALSE(row.spec_section.empty()) << row.spec.name;
  }
}

TEST(CommandTable, FindCommandOnEveryName) {
  for (const auto& row : command_table()) {
    EXPECT_EQ(find_command(row.spec.name), row.id) << row.spec.name;
  }
}

TEST(CommandTable, FindCommandWithArgumentsAndForms) {
  for (const auto& row : command_table()) {
    const auto name = std::string(row.spec.name);
    if (name.back() == '?' || row.id == CommandId::at) continue;
    EXPECT_EQ(find_command(name + "=1"), row.id) << name;
    EXPECT_EQ(find_command(name + "=?"), row.id) << name;
    if (row.id != CommandId::ftpextget) {
      EXPECT_EQ(find_command(name + "?"), row.id) << name;
    }
  }
}

TEST(CommandTable, FindCommandPrefersTheLongestWholeName) {
  EXPECT_EQ(find_command("AT+FTPGETNAME=\"x\""), CommandId::ftpgetname);
  EXPECT_EQ(find_command("AT+FTPGET=1"), CommandId::ftpget);
  EXPECT_EQ(find_command("AT+FTPGET=2,1460"), CommandId::ftpget);
  EXPECT_EQ(find_command("AT+FTPGETPATH=\"/\""), CommandId::ftpgetpath);
  EXPECT_EQ(find_command("AT+FTPPUTNAME=\"a\""), CommandId::ftpputname);
  EXPECT_EQ(find_command("AT+FTPPUTOPT=\"STOR\""), CommandId::ftpputopt);
  EXPECT_EQ(find_command("AT+FTPPUT=2,0"), CommandId::ftpput);
  EXPECT_EQ(find_command("AT+FTPEXTGET?"), CommandId::ftpextget_read);
  EXPECT_EQ(find_command("AT+FTPEXTGET=3,0,4"), CommandId::ftpextget);
  EXPECT_EQ(find_command("AT+FTPEXTGET=?"), CommandId::ftpextget);
  EXPECT_EQ(find_command("AT+FTPEXTPUT=2,0,5,10000"), CommandId::ftpextput);
  EXPECT_EQ(find_command("AT+FTPDELE"), CommandId::ftpdele);
  EXPECT_EQ(find_command("AT+CNACT?"), CommandId::cnact);
  EXPECT_EQ(find_command("AT+CFSWFILE=3,\"ftpbin_root_ca.cer\",0,1492,1000"), CommandId::cfswfile);
}

TEST(CommandTable, FindCommandEcho) {
  EXPECT_EQ(find_command("ATE0"), CommandId::ate);
  EXPECT_EQ(find_command("ATE1"), CommandId::ate);
  EXPECT_EQ(find_command("AT"), CommandId::at);
}

TEST(CommandTable, FindCommandIsCaseInsensitive) {
  EXPECT_EQ(find_command("at+ftpget=1"), CommandId::ftpget);
  EXPECT_EQ(find_command("ate0"), CommandId::ate);
}

TEST(CommandTable, FindCommandUnknown) {
  EXPECT_EQ(find_command(""), std::nullopt);
  EXPECT_EQ(find_command("A"), std::nullopt);
  EXPECT_EQ(find_command("ATI"), std::nullopt);
  EXPECT_EQ(find_command("AT+FTPGETX=1"), std::nullopt);
  EXPECT_EQ(find_command("AT+FTP"), std::nullopt);
  EXPECT_EQ(find_command("AT+CGMR"), std::nullopt);
  EXPECT_EQ(find_command("+FTPGET: 1,0"), std::nullopt);
}

// spec §3.1–§3.30: one row per FTP command, with its section.
const std::pair<const char*, const char*> kFtpCommands[] = {
    {"AT+FTPPORT", "§3.1"},     {"AT+FTPMODE", "§3.2"},    {"AT+FTPTYPE", "§3.3"},
    {"AT+FTPPUTOPT", "§3.4"},   {"AT+FTPCID", "§3.5"},     {"AT+FTPREST", "§3.6"},
    {"AT+FTPSERV", "§3.7"},     {"AT+FTPUN", "§3.8"},      {"AT+FTPPW", "§3.9"},
    {"AT+FTPGETNAME", "§3.10"}, {"AT+FTPGETPATH", "§3.11"}, {"AT+FTPPUTNAME", "§3.12"},
    {"AT+FTPPUTPATH", "§3.13"}, {"AT+FTPGET", "§3.14"},    {"AT+FTPPUT", "§3.15"},
    {"AT+FTPDELE", "§3.16"},    {"AT+FTPSIZE", "§3.17"},   {"AT+FTPSTATE", "§3.18"},
    {"AT+FTPEXTPUT", "§3.19"},  {"AT+FTPMKD", "§3.20"},    {"AT+FTPRMD", "§3.21"},
    {"AT+FTPLIST", "§3.22"},    {"AT+FTPEXTGET", "§3.23"}, {"AT+FTPETPUT", "§3.24"},
    {"AT+FTPETGET", "§3.25"},   {"AT+FTPQUIT", "§3.26"},   {"AT+FTPRENAME", "§3.27"},
    {"AT+FTPMDTM", "§3.28"},    {"AT+FTPSSL", "§3.29"},    {"AT+FTPTOFSST", "§3.30"},
};

TEST(CommandTable, EveryFtpCommandOfTheSpecIsPresent) {
  EXPECT_EQ(std::size(kFtpCommands), 30u);
  for (const auto& [name, section] : kFtpCommands) {
    const auto id = find_command(name);
    ASSERT_TRUE(id.has_value()) << name;
    const auto& row = command_row(*id);
    EXPECT_EQ(row.spec.name, name);
    EXPECT_EQ(row.spec_section, section) << name;
  }
}

TEST(CommandTable, SessionOperationsReportOnTheirUrcAndWait75s) {
  // spec §3.0: the operations that open a session report on `+<CMD>: 1,<x>`.
  const std::pair<CommandId, std::string_view> ops[] = {
      {CommandId::ftpget, "+FTPGET"},       {CommandId::ftpput, "+FTPPUT"},
      {CommandId::ftpdele, "+FTPDELE"},     {CommandId::ftpsize, "+FTPSIZE"},
      {CommandId::ftpmkd, "+FTPMKD"},       {CommandId::ftprmd, "+FTPRMD"},
      {CommandId::ftplist, "+FTPLIST"},     {CommandId::ftpextget, "+FTPEXTGET"},
      {CommandId::ftpextput, "+FTPPUT"},    {CommandId::ftpetput, "+FTPETPUT"},
      {CommandId::ftpetget, "+FTPETGET"},   {CommandId::ftprename, "+FTPRENAME"},
      {CommandId::ftpmdtm, "+FTPMDTM"},
  };
  for (const auto& [id, urc] : ops) {
    const auto& row = command_row(id);
    EXPECT_EQ(row.session_urc, urc) << row.spec.name;
    EXPECT_GE(row.spec.timeout, 75s) << row.spec.name;
  }
  // Setters and quick commands own no session URC.
  for (auto id : {CommandId::ftpport, CommandId::ftpserv, CommandId::ftppw, CommandId::ftpstate, CommandId::ftpquit,
                  CommandId::ftpssl, CommandId::ftptofsst, CommandId::ftpextget_read}) {
    EXPECT_TRUE(command_row(id).session_urc.empty()) << command_row(id).spec.name;
    EXPECT_FALSE(command_row(id).ftpquit_aborts) << command_row(id).spec.name;
  }
}

TEST(CommandTable, CountedPayloadsMatchSpec41) {
  // spec §4.1: which reply announces a counted payload, and its limit.
  const auto& get = command_spec(CommandId::ftpget);
  ASSERT_TRUE(get.payload);
  EXPECT_EQ(get.payload->prefix, "+FTPGET");
  EXPECT_EQ(get.payload->first, "2");
  EXPECT_EQ(get.payload->max_length, 1460u);
  const auto& list = command_spec(CommandId::ftplist);
  ASSERT_TRUE(list.payload);
  EXPECT_EQ(list.payload->prefix, "+FTPLIST");
  EXPECT_EQ(list.payload->max_length, 1460u);
  const auto& extget = command_spec(CommandId::ftpextget);
  ASSERT_TRUE(extget.payload);
  EXPECT_EQ(extget.payload->first, "3");
  EXPECT_GE(extget.payload->max_length, 320000u);
  EXPECT_FALSE(command_spec(CommandId::ftpextget_read).payload);
  EXPECT_EQ(command_spec(CommandId::ftpput).go_ahead, at::GoAhead::counted);
  EXPECT_EQ(command_spec(CommandId::ftpextput).go_ahead, at::GoAhead::staged);
  EXPECT_EQ(command_spec(CommandId::ftpetput).go_ahead, at::GoAhead::transparent);
  EXPECT_EQ(command_spec(CommandId::cfswfile).go_ahead, at::GoAhead::prompt);
}

TEST(CommandTable, SettersAnswerWithTheirOwnPrefix) {
  for (const auto& [name, section] : kFtpCommands) {
    const auto& row = command_row(*find_command(name));
    if (row.id > CommandId::ftpputpath || row.id < CommandId::ftpport) continue;
    EXPECT_EQ(std::string(row.spec.reply_prefix), std::string(name).substr(2)) << name;
  }
}

}  // namespace
}  // namespace sim7080::ftp

// SingleReplyFsm: FTPDELE, FTPSIZE, FTPMKD, FTPRMD, FTPRENAME, FTPMDTM, spec §3.16, §3.17,
// §3.20, §3.21, §3.27, §3.28, §7 (5.8, 5.9, 5.10, 5.17, 5.18), §8 Q1, Q3, Q19.
#include "ftp/single_reply_fsm.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "fsm_test_util.hpp"

namespace sim7080::ftp::test {
namespace {

const std::string kQuit = "send AT+FTPQUIT";

struct Command {
  CommandId id;
  const char* line;
  const char* prefix;
  const char* name;
};
const Command kCommands[] = {
    {CommandId::ftpdele, "AT+FTPDELE", "+FTPDELE", "DeleFsm"},
    {CommandId::ftpsize, "AT+FTPSIZE", "+FTPSIZE", "SizeFsm"},
    {CommandId::ftpmkd, "AT+FTPMKD", "+FTPMKD", "MkdFsm"},
    {CommandId::ftprmd, "AT+FTPRMD", "+FTPRMD", "RmdFsm"},
    {CommandId::ftprename, "AT+FTPRENAME", "+FTPRENAME", "RenameFsm"},
    {CommandId::ftpmdtm, "AT+FTPMDTM", "+FTPMDTM", "MdtmFsm"},
};

// The success URC of each command, with a value where it carries one.
std::string success_urc(const Command& c, bool space = true) {
  std::string s = std::string(c.prefix) + (space ? ": " : ":") + "1,0";
  if (c.id == CommandId::ftpsize) s += ",1024";
  if (c.id == CommandId::ftpmdtm) s += ",20140409060951";
  return s;
}

// The failure URC: FTPSIZE keeps three fields, the others two (§8 Q19).
std::string failure_urc(const Command& c, int code) {
  std::string s = std::string(c.prefix) + ": 1," + std::to_string(code);
  if (c.id == CommandId::ftpsize) s += ",0";
  return s;
}

void send_and_ok(FsmDriver& d, const Command& c) {
  EXPECT_EQ(d.start(), Lines{"send " + std::string(c.line)});
  EXPECT_EQ(d.ok(), Lines{kArm75});
}

TEST(SingleReplyFsm, HappyPathOfEveryCommand) {
  for (const auto& c : kCommands) {
    for (bool space : {true, false}) {  // app notes print `+FTPDELE:1,0` (§8 Q1)
      SCOPED_TRACE(std::string(c.line) + (space ? " space" : " no space"));
      SingleReplyFsm fsm(c.id);
      FsmDriver d(fsm);
      EXPECT_EQ(fsm.urc_prefixes()[0], c.prefix);
      EXPECT_EQ(fsm.state_name(), std::string(c.name) + ":idle");
      send_and_ok(d, c);
      EXPECT_EQ(fsm.state_name(), std::string(c.name) + ":waiting_result");
      EXPECT_EQ(d.urc(success_urc(c, space)), (Lines{"disarm", done()}));
      EXPECT_EQ(fsm.command(), c.id);
      if (c.id == CommandId::ftpsize) {
        EXPECT_EQ(fsm.size(), 1024u);
      } else {
        EXPECT_EQ(fsm.size(), std::nullopt);
      }
      EXPECT_EQ(fsm.timestamp(), c.id == CommandId::ftpmdtm ? "20140409060951" : "");
    }
  }
}

TEST(SingleReplyFsm, FailureCodesDecideOnTheSecondField) {
  for (const auto& c : kCommands) {
    for (int code : {61, 65, 66, 71, 77, 80, 93}) {
      SCOPED_TRACE(std::string(c.line) + " " + std::to_string(code));
      SingleReplyFsm fsm(c.id);
      FsmDriver d(fsm);
      send_and_ok(d, c);
      EXPECT_EQ(d.urc(failure_urc(c, code)), (Lines{"disarm", done_ftp(code)}));
      EXPECT_EQ(fsm.size(), std::nullopt);
    }
  }
}

TEST(SingleReplyFsm, ValuesOfSizeAndMdtm) {
  struct Case {
    CommandId id;
    const char* urc;
    std::string result;
    std::optional<std::uint64_t> size;
    const char* timestamp;
  };
  const Case cases[] = {
      {CommandId::ftpsize, "+FTPSIZE:1,0,1024", done(), 1024, ""},
      {CommandId::ftpsize, "+FTPSIZE: 1,0,5800000000", done(), 5800000000ull, ""},  // 64-bit
      {CommandId::ftpsize, "+FTPSIZE: 1,0,0", done(), 0, ""},
      {CommandId::ftpsize, "+FTPSIZE: 1,0", done(AtErrc::protocol_error), std::nullopt, ""},
      {CommandId::ftpsize, "+FTPSIZE: 1,0,big", done(AtErrc::protocol_error), std::nullopt, ""},
      {CommandId::ftpmdtm, "+FTPMDTM:1,0,20140409060951", done(), std::nullopt, "20140409060951"},
      {CommandId::ftpmdtm, "+FTPMDTM: 1,0,\"20140409060951\"", done(), std::nullopt, "20140409060951"},
      {CommandId::ftpmdtm, "+FTPMDTM: 1,0,20140409060951.123", done(), std::nullopt, "20140409060951.123"},
      {CommandId::ftpmdtm, "+FTPMDTM: 1,0", done(AtErrc::protocol_error), std::nullopt, ""},
      {CommandId::ftpmdtm, "+FTPMDTM: 1,0,\"\"", done(AtErrc::protocol_error), std::nullopt, ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.urc);
    SingleReplyFsm fsm(c.id);
    FsmDriver d(fsm);
    d.start();
    d.ok();
    EXPECT_EQ(d.urc(c.urc), (Lines{"disarm", c.result}));
    EXPECT_EQ(fsm.size(), c.size);
    EXPECT_EQ(fsm.timestamp(), c.timestamp);
  }
}

TEST(SingleReplyFsm, StaleAndForeignUrcsAreIgnored) {
  SingleReplyFsm fsm(CommandId::ftpsize);
  FsmDriver d(fsm);
  d.start();
  EXPECT_EQ(d.urc("+FTPSIZE: 1,0,77"), Lines{});  // before the OK: an earlier operation's
  EXPECT_EQ(d.urc("+FTPSIZE: 1,80,0"), Lines{});
  EXPECT_EQ(d.ok(), Lines{kArm75});
  EXPECT_EQ(d.urc("+FTPSIZE: 1,1"), Lines{});     // not part of this command
  EXPECT_EQ(d.urc("+FTPDELE: 1,77"), Lines{});    // another command's prefix
  EXPECT_EQ(d.urc("+FTPSIZE: 1,0,1024"), (Lines{"disarm", done()}));
  EXPECT_EQ(fsm.size(), 1024u);
}

TEST(SingleReplyFsm, CommandErrorsEndAtOnce) {
  for (auto ec : {make_error_code(AtErrc::error_result), make_cme_error(188), make_error_code(AtErrc::timeout)}) {
    SingleReplyFsm fsm(CommandId::ftpdele);
    FsmDriver d(fsm);
    d.start();
    EXPECT_EQ(d.error(ec), Lines{done(ec)});
  }
}

TEST(SingleReplyFsm, CustomLineAndUnsupportedCommands) {
  {
    SingleReplyFsm fsm(CommandId::ftpdele, "AT+FTPDELE=1");  // app note 5.8's form, on request
    FsmDriver d(fsm);
    EXPECT_EQ(d.start(), Lines{"send AT+FTPDELE=1"});
  }
  for (auto id : {CommandId::ftpget, CommandId::ftpquit, CommandId::ftpstate}) {
    SingleReplyFsm fsm(id);
    FsmDriver d(fsm);
    EXPECT_EQ(d.start(), Lines{done(AtErrc::invalid_argument)});
    EXPECT_EQ(fsm.state_name(), "SingleReplyFsm:done");
  }
}

TEST(SingleReplyFsm, DeadlineQuitsWithTimeout) {
  for (const auto& c : kCommands) {
    SCOPED_TRACE(c.line);
    SingleReplyFsm fsm(c.id);
    FsmDriver d(fsm);
    send_and_ok(d, c);
    EXPECT_EQ(d.deadline(), (Lines{kQuit, kArmAbort}));
    EXPECT_EQ(d.ok(), Lines{});
    EXPECT_EQ(d.urc(std::string(c.prefix) + ": 1,80" + (c.id == CommandId::ftpsize ? ",0" : "")),
              (Lines{"disarm", done(AtErrc::timeout)}));
  }
}

TEST(SingleReplyFsm, CancelInEveryPhase) {
  struct Case {
    const char* name;
    std::function<void(FsmDriver&)> setup;
    std::function<Lines(FsmDriver&)> rest;
    Lines expected;
  };
  const Case cases[] = {
      {"before start", [](FsmDriver&) {}, [](FsmDriver& d) { return d.start(); }, Lines{done_aborted()}},
      {"command in flight, ERROR", [](FsmDriver& d) { d.start(); }, [](FsmDriver& d) { return d.error(); },
       Lines{done_aborted()}},
      {"command in flight, OK", [](FsmDriver& d) { d.start(); },
       [](FsmDriver& d) { return seq({d.ok(), d.ok(), d.urc("+FTPMKD: 1,80")}); },
       Lines{kQuit, kArmAbort, "disarm", done_aborted()}},
      {"waiting for the URC; it was a success after all",
       [](FsmDriver& d) { d.start(); d.ok(); },
       [](FsmDriver& d) { return seq({d.error(), d.urc("+FTPMKD: 1,0")}); },
       Lines{"disarm", kQuit, kArmAbort, "disarm", done_aborted()}},
      {"during the abort", [](FsmDriver& d) { d.start(); d.ok(); d.cancel(); },
       [](FsmDriver& d) { return seq({d.ok(), d.urc("+FTPMKD: 1,80")}); }, Lines{"disarm", done_aborted()}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    SingleReplyFsm fsm(CommandId::ftpmkd);
    FsmDriver d(fsm);
    c.setup(d);
    EXPECT_EQ(seq({d.cancel(), c.rest(d)}), c.expected);
    EXPECT_TRUE(d.is_done());
  }
}

TEST(SingleReplyFsm, LinkLostEndsAtOnce) {
  for (int step = 0; step < 3; ++step) {
    SingleReplyFsm fsm(CommandId::ftprename);
    FsmDriver d(fsm);
    if (step >= 1) d.start();
    if (step >= 2) d.ok();
    EXPECT_EQ(d.link_lost().back(), done(AtErrc::modem_restarted));
  }
}

TEST(SingleReplyFsm, StateNames) {
  using S = SingleReplyFsm::State;
  for (auto s : {S::idle, S::sending, S::waiting_result}) EXPECT_STRNE(to_string(s), "?");
}

}  // namespace
}  // namespace sim7080::ftp::test

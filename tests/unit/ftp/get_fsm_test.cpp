// GetFsm / ListFsm (ChunkedReadFsm): AT+FTPGET and AT+FTPLIST, spec §3.14, §3.22, §7 (5.1, 5.3,
// 5.4, 5.6, 5.11, 5.16), §8 Q1, Q9, Q10, Q12.
#include "ftp/get_fsm.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

#include "fsm_test_util.hpp"
#include "ftp/list_fsm.hpp"

namespace sim7080::ftp::test {
namespace {

const std::string kOpen = "send AT+FTPGET=1";
const std::string kRead = "send AT+FTPGET=2,1460";
const std::string kQuit = "send AT+FTPQUIT";

// Brings a fresh GetFsm to "session open, waiting for `1,1`".
void open_session(FsmDriver& d) {
  EXPECT_EQ(d.start(), Lines{kOpen});
  EXPECT_EQ(d.ok(), Lines{kArm75});
}

// ... and one read in flight.
void open_and_read(FsmDriver& d) {
  open_session(d);
  EXPECT_EQ(d.urc("+FTPGET: 1,1"), (Lines{"disarm", kRead}));
}

TEST(GetFsm, AppNote51EmptyReadWaitsForTheResentHint) {
  GetFsm fsm;
  FsmDriver d(fsm);
  EXPECT_EQ(fsm.state_name(), "GetFsm:idle");
  open_and_read(d);
  EXPECT_EQ(fsm.state_name(), "GetFsm:reading");
  const auto first = std::string("0123456789").append("0123456789").append("0123456789").append("0123456789").append("0123456789");
  // A short read leaves the module's buffer empty: wait for it to speak (no read racing `1,0`).
  EXPECT_EQ(d.counted_read("+FTPGET", "2", first), (Lines{"deliver 50", "progress 50", kArm75}));
  EXPECT_EQ(d.urc("+FTPGET: 1,1"), (Lines{"disarm", kRead}));
  // `2,0`: nothing buffered now; not the end (§8 Q9) and no busy polling.
  EXPECT_EQ(d.counted_read("+FTPGET", "2", ""), Lines{kArm75});
  EXPECT_EQ(fsm.state_name(), "GetFsm:waiting_data");
  EXPECT_EQ(d.urc("+FTPGET: 1,1"), (Lines{"disarm", kRead}));
  const auto second = pattern(1024);
  EXPECT_EQ(d.counted_read("+FTPGET", "2", second, 100), (Lines{"deliver 100", "deliver 100", "deliver 100",
      "deliver 100", "deliver 100", "deliver 100", "deliver 100", "deliver 100", "deliver 100", "deliver 100",
      "deliver 24", "progress 1074", kArm75}));
  EXPECT_EQ(d.urc("+FTPGET:1,0"), (Lines{"disarm", done()}));  // no space (§8 Q1)
  EXPECT_EQ(d.delivered(), first + second);
  EXPECT_EQ(fsm.bytes_delivered(), 1074u);
  EXPECT_EQ(fsm.state_name(), "GetFsm:done");
  EXPECT_EQ(fsm.result(), std::error_code{});
  EXPECT_EQ(d.sent(), (std::vector<std::string>{"AT+FTPGET=1", "AT+FTPGET=2,1460", "AT+FTPGET=2,1460",
                                                "AT+FTPGET=2,1460"}));
}

TEST(GetFsm, CloseOvertakingTheReadIsSuccessWhateverTheReadAnswers) {
  for (bool read_errors : {false, true}) {
    SCOPED_TRACE(read_errors);
    GetFsm fsm;
    FsmDriver d(fsm);
    open_and_read(d);
    // Only a full read is followed at once by another; the module may close meanwhile.
    EXPECT_EQ(d.counted_read("+FTPGET", "2", pattern(1460)), (Lines{"deliver 1460", "progress 1460", kRead}));
    EXPECT_EQ(d.urc("+FTPGET: 1,0"), Lines{});  // remembered: the read is still in flight
    if (read_errors) {
      EXPECT_EQ(d.error(), Lines{done()});  // the session closed under the read
    } else {
      EXPECT_EQ(d.counted_read("+FTPGET", "2", ""), Lines{done()});
    }
  }
}

TEST(GetFsm, ReadyHintIsLevelTriggeredAndNeverCounted) {
  GetFsm fsm;
  FsmDriver d(fsm);
  open_and_read(d);
  EXPECT_EQ(d.urc("+FTPGET: 1,1"), Lines{});
  EXPECT_EQ(d.urc("+FTPGET:1,1"), Lines{});
  EXPECT_EQ(d.counted_read("+FTPGET", "2", pattern(1460)), (Lines{"deliver 1460", "progress 1460", kRead}));
  EXPECT_EQ(d.urc("+FTPGET: 1,1"), Lines{});
  EXPECT_EQ(d.counted_read("+FTPGET", "2", "ab"), (Lines{"deliver 2", "progress 1462", kArm75}));
  EXPECT_EQ(d.urc("+FTPGET: 1,0"), (Lines{"disarm", done()}));
  EXPECT_EQ(std::count(d.sent().begin(), d.sent().end(), "AT+FTPGET=2,1460"), 2);
}

TEST(GetFsm, UrcsBeforeTheOpenOkAreStale) {
  // The module answers OK before any URC of the new session: these belong to an earlier one.
  GetFsm fsm;
  FsmDriver d(fsm);
  EXPECT_EQ(d.start(), Lines{kOpen});
  EXPECT_EQ(d.urc("+FTPGET: 1,80"), Lines{});
  EXPECT_EQ(d.urc("+FTPGET: 1,0"), Lines{});
  EXPECT_EQ(d.urc("+FTPGET: 1,1"), Lines{});
  EXPECT_EQ(d.ok(), Lines{kArm75});
  EXPECT_EQ(d.urc("+FTPGET: 1,1"), (Lines{"disarm", kRead}));
}

TEST(GetFsm, NoSpaceAndExtraSpacesAreAccepted) {
  GetFsm fsm;
  FsmDriver d(fsm);
  open_session(d);
  EXPECT_EQ(d.urc("+FTPGET:1,1"), (Lines{"disarm", kRead}));
  EXPECT_EQ(d.reply("+FTPGET:2,3"), Lines{});
  EXPECT_EQ(d.payload("abc"), Lines{"deliver 3"});
  EXPECT_EQ(d.payload_end(), Lines{"progress 3"});
  EXPECT_EQ(d.ok(), Lines{kArm75});
  EXPECT_EQ(d.urc("+FTPGET:  1 , 0"), (Lines{"disarm", done()}));
}

TEST(GetFsm, ForeignAndMalformedLinesAreIgnored) {
  GetFsm fsm;
  FsmDriver d(fsm);
  open_session(d);
  for (const char* line : {"+FTPPUT: 1,0", "+FTPGET: 1", "+FTPGET: (1,2),(1-1460)", "+FTPGET: 2,5",
                           "+FTPGETX: 1,0", "garbage", "+FTPGET: x,y"}) {
    EXPECT_EQ(d.urc(line), Lines{}) << line;
  }
  EXPECT_EQ(fsm.state_name(), "GetFsm:waiting_data");
  EXPECT_EQ(d.urc("+FTPGET: 1,1"), (Lines{"disarm", kRead}));
}

TEST(GetFsm, ExpectedSizeTurnsAShortTransferIntoTruncated) {
  struct Case {
    std::uint64_t expected;
    std::string result;
  };
  for (const auto& c : {Case{5, done()}, Case{3, done()}, Case{6, done(AtErrc::truncated)}}) {
    GetFsm fsm(c.expected);
    FsmDriver d(fsm);
    open_and_read(d);
    EXPECT_EQ(d.counted_read("+FTPGET", "2", "hello"), (Lines{"deliver 5", "progress 5", kArm75}));
    EXPECT_EQ(d.urc("+FTPGET: 1,0"), (Lines{"disarm", c.result})) << c.expected;
    EXPECT_EQ(fsm.expected_bytes(), c.expected);
  }
}

TEST(GetFsm, EveryFailureCodeAfterOpenEndsWithoutARead) {
  // App note 5.3 (a) `1,64` right after OK, 5.4 `1,72`, 5.5 `1,66`: no `=2` is ever sent.
  for (int code : kAllFtpErrors) {
    SCOPED_TRACE(code);
    GetFsm fsm;
    FsmDriver d(fsm);
    open_session(d);
    EXPECT_EQ(d.urc("+FTPGET: 1," + std::to_string(code)), (Lines{"disarm", done_ftp(code)}));
    EXPECT_EQ(d.sent(), std::vector<std::string>{"AT+FTPGET=1"});
    EXPECT_EQ(fsm.result(), make_ftp_error(code));
  }
}

TEST(GetFsm, EveryFailureCodeDuringAReadWaitsForTheReadAndDropsItsBytes) {
  for (int code : kAllFtpErrors) {
    SCOPED_TRACE(code);
    GetFsm fsm;
    FsmDriver d(fsm);
    open_and_read(d);
    EXPECT_EQ(d.reply("+FTPGET: 2,4"), Lines{});
    EXPECT_EQ(d.urc("+FTPGET:1," + std::to_string(code)), Lines{});
    EXPECT_EQ(d.payload("abcd"), Lines{});
    EXPECT_EQ(d.payload_end(), Lines{});
    EXPECT_EQ(d.ok(), Lines{done_ftp(code)});  // closed session: no AT+FTPQUIT
    EXPECT_EQ(d.delivered(), "");
  }
}

TEST(GetFsm, UnlistedErrorCodesStillMapToTheFtpCategory) {
  for (int code : {2, 60, 67, 81, 95, 255}) {
    GetFsm fsm;
    FsmDriver d(fsm);
    open_session(d);
    EXPECT_EQ(d.urc("+FTPGET: 1," + std::to_string(code)), (Lines{"disarm", done_ftp(code)}));
  }
  GetFsm fsm;
  FsmDriver d(fsm);
  open_session(d);
  EXPECT_EQ(d.urc("+FTPGET: 1,99999999999"), (Lines{"disarm", done(AtErrc::protocol_error)}));
}

TEST(GetFsm, AppNote53RepeatedHintsWhileTheReadIsWithheldThenTimeout) {
  GetFsm fsm;
  FsmDriver d(fsm);
  open_and_read(d);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(d.urc("+FTPGET: 1,1"), Lines{});
  EXPECT_EQ(d.urc("+FTPGET: 1,64"), Lines{});
  EXPECT_EQ(d.error(), Lines{done_ftp(64)});
}

TEST(GetFsm, OpenAnsweredWithAnErrorEndsAtOnce) {
  for (auto ec : {make_error_code(AtErrc::error_result), make_cme_error(3), make_error_code(AtErrc::timeout)}) {
    GetFsm fsm;
    FsmDriver d(fsm);
    EXPECT_EQ(d.start(), Lines{kOpen});
    EXPECT_EQ(d.error(ec), Lines{done(ec)});
  }
}

TEST(GetFsm, ReadErrorWithoutCloseWaitsForTheSessionVerdict) {
  struct Case {
    const char* verdict;
    Lines then;
  };
  const Case cases[] = {
      {"+FTPGET: 1,0", {"disarm", done()}},
      {"+FTPGET: 1,79", {"disarm", done_ftp(79)}},
  };
  for (const auto& c : cases) {
    GetFsm fsm;
    FsmDriver d(fsm);
    open_and_read(d);
    EXPECT_EQ(d.error(), Lines{kArm75});
    EXPECT_EQ(fsm.state_name(), "GetFsm:waiting_outcome");
    EXPECT_EQ(d.urc("+FTPGET: 1,1"), Lines{});  // not trusted again: no read loop on ERROR
    EXPECT_EQ(d.urc(c.verdict), c.then);
  }
  // No verdict at all: the deadline aborts the session.
  GetFsm fsm;
  FsmDriver d(fsm);
  open_and_read(d);
  EXPECT_EQ(d.error(), Lines{kArm75});
  EXPECT_EQ(d.deadline(), (Lines{kQuit, kArmAbort}));
  EXPECT_EQ(d.ok(), Lines{});
  EXPECT_EQ(d.urc("+FTPGET: 1,80"), (Lines{"disarm", done(AtErrc::timeout)}));
}

TEST(GetFsm, OtherReadFailuresAbortTheSession) {
  // `2,n` with n > 1460 never becomes a payload: the channel completes the read with
  // protocol_error. A channel timeout or a CME error on a read aborts the same way.
  for (auto ec : {make_error_code(AtErrc::protocol_error), make_error_code(AtErrc::timeout), make_cme_error(604)}) {
    SCOPED_TRACE(describe(ec));
    GetFsm fsm;
    FsmDriver d(fsm);
    open_and_read(d);
    EXPECT_EQ(d.reply("+FTPGET: 2,2000"), Lines{});
    EXPECT_EQ(d.error(ec), (Lines{kQuit, kArmAbort}));
    EXPECT_EQ(fsm.state_name(), "GetFsm:quitting");
    EXPECT_EQ(d.ok(), Lines{});
    EXPECT_EQ(fsm.state_name(), "GetFsm:awaiting_final");
    EXPECT_EQ(d.urc("+FTPGET: 1,80"), (Lines{"disarm", done(ec)}));
  }
}

TEST(GetFsm, ReadEndingShortOfItsHeaderIsTruncated) {
  GetFsm fsm;
  FsmDriver d(fsm);
  open_and_read(d);
  EXPECT_EQ(d.reply("+FTPGET: 2,10"), Lines{});
  EXPECT_EQ(d.payload("abc"), Lines{"deliver 3"});
  EXPECT_EQ(d.ok(), (Lines{kQuit, kArmAbort}));
  EXPECT_EQ(d.ok(), Lines{});
  EXPECT_EQ(d.urc("+FTPGET: 1,80"), (Lines{"disarm", done(AtErrc::truncated)}));
}

TEST(GetFsm, DeadlineAbortPaths) {
  struct Case {
    const char* name;
    std::function<Lines(FsmDriver&)> after_quit;  // from "AT+FTPQUIT sent"
  };
  const Case cases[] = {
      {"quit OK then 1,80", [](FsmDriver& d) { return seq({d.ok(), d.urc("+FTPGET: 1,80")}); }},
      {"quit ERROR (already ended) then 1,0", [](FsmDriver& d) { return seq({d.error(), d.urc("+FTPGET: 1,0")}); }},
      {"quit OK, no URC: abort deadline", [](FsmDriver& d) { return seq({d.ok(), d.deadline()}); }},
      {"abort deadline while the quit is in flight", [](FsmDriver& d) { return seq({d.deadline(), d.ok()}); }},
      {"URC overtakes the quit's OK", [](FsmDriver& d) { return seq({d.urc("+FTPGET: 1,80"), d.ok()}); }},
      {"quit times out in the channel", [](FsmDriver& d) { return seq({d.error(AtErrc::timeout), d.deadline()}); }},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    GetFsm fsm;
    FsmDriver d(fsm);
    open_session(d);
    EXPECT_EQ(d.deadline(), (Lines{kQuit, kArmAbort}));
    const auto rest = c.after_quit(d);
    ASSERT_FALSE(rest.empty());
    EXPECT_EQ(rest.back(), done(AtErrc::timeout));
    EXPECT_TRUE(d.is_done());
    EXPECT_FALSE(d.armed());
  }
}

TEST(GetFsm, CancelInEveryPhase) {
  struct Case {
    const char* name;
    std::function<void(FsmDriver&)> setup;
    Lines on_cancel;
    std::function<Lines(FsmDriver&)> rest;
    Lines rest_expected;
  };
  const auto quit_and_80 = [](FsmDriver& d) { return seq({d.ok(), d.urc("+FTPGET: 1,80")}); };
  const Case cases[] = {
      {"before start", [](FsmDriver&) {}, Lines{done_aborted()}, [](FsmDriver& d) { return d.start(); }, Lines{}},
      {"open in flight, then OK", [](FsmDriver& d) { d.start(); }, Lines{},
       [](FsmDriver& d) { return seq({d.ok(), d.ok(), d.urc("+FTPGET: 1,80")}); },
       Lines{kQuit, kArmAbort, "disarm", done_aborted()}},
      {"open in flight, then ERROR", [](FsmDriver& d) { d.start(); }, Lines{},
       [](FsmDriver& d) { return d.error(); }, Lines{done_aborted()}},
      {"app note 5.16: after OK, before 1,1", [](FsmDriver& d) { open_session(d); },
       Lines{"disarm", kQuit, kArmAbort}, quit_and_80, Lines{"disarm", done_aborted()}},
      {"read in flight: its bytes are dropped", [](FsmDriver& d) { open_and_read(d); }, Lines{},
       [](FsmDriver& d) { return seq({d.counted_read("+FTPGET", "2", "abc"), d.ok(), d.urc("+FTPGET: 1,80")}); },
       Lines{kQuit, kArmAbort, "disarm", done_aborted()}},
      {"close seen, read in flight: no quit", [](FsmDriver& d) { open_and_read(d); d.urc("+FTPGET: 1,0"); }, Lines{},
       [](FsmDriver& d) { return d.error(); }, Lines{done_aborted()}},
      {"waiting for the verdict", [](FsmDriver& d) { open_and_read(d); d.error(); },
       Lines{"disarm", kQuit, kArmAbort}, quit_and_80, Lines{"disarm", done_aborted()}},
      {"during the abort: a second cancel changes nothing",
       [](FsmDriver& d) { open_session(d); d.deadline(); }, Lines{}, quit_and_80,
       Lines{"disarm", done(AtErrc::timeout)}},
      {"while awaiting the final URC", [](FsmDriver& d) { open_session(d); d.cancel(); d.ok(); }, Lines{},
       [](FsmDriver& d) { return d.urc("+FTPGET: 1,80"); }, Lines{"disarm", done_aborted()}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    GetFsm fsm;
    FsmDriver d(fsm);
    c.setup(d);
    EXPECT_EQ(d.cancel(), c.on_cancel);
    EXPECT_EQ(c.rest(d), c.rest_expected);
    EXPECT_TRUE(d.is_done());
    EXPECT_EQ(d.delivered(), "");
  }
}

TEST(GetFsm, LinkLostEndsAtOnceInEveryPhase) {
  const std::function<void(FsmDriver&)> setups[] = {
      [](FsmDriver&) {},
      [](FsmDriver& d) { d.start(); },
      [](FsmDriver& d) { open_session(d); },
      [](FsmDriver& d) { open_and_read(d); },
      [](FsmDriver& d) { open_session(d); d.deadline(); },
      [](FsmDriver& d) { open_session(d); d.deadline(); d.ok(); },
  };
  for (std::size_t i = 0; i < std::size(setups); ++i) {
    SCOPED_TRACE(i);
    GetFsm fsm;
    FsmDriver d(fsm);
    setups[i](d);
    const auto lines = d.link_lost(make_error_code(AtErrc::modem_powered_down));
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines.back(), done(AtErrc::modem_powered_down));
    EXPECT_FALSE(d.armed());
    // Whatever the dead channel still reports is ignored.
    EXPECT_EQ(d.urc("+FTPGET: 1,0"), Lines{});
    EXPECT_EQ(d.deadline(), Lines{});
  }
}

TEST(GetFsm, StaleDeadlineAfterDisarmIsIgnored) {
  GetFsm fsm;
  FsmDriver d(fsm);
  open_and_read(d);
  EXPECT_EQ(d.deadline(), Lines{});  // disarmed when the read went out
  EXPECT_EQ(d.counted_read("+FTPGET", "2", ""), Lines{kArm75});
}

TEST(ListFsm, AppNote511ListingWithNoSpaceHeader) {
  ListFsm fsm;
  FsmDriver d(fsm);
  EXPECT_EQ(fsm.state_name(), "ListFsm:idle");
  EXPECT_EQ(fsm.urc_prefixes().size(), 1u);
  EXPECT_EQ(fsm.urc_prefixes()[0], "+FTPLIST");
  EXPECT_EQ(d.start(), Lines{"send AT+FTPLIST=1"});
  EXPECT_EQ(d.ok(), Lines{kArm75});
  EXPECT_EQ(d.urc("+FTPLIST: 1,1"), (Lines{"disarm", "send AT+FTPLIST=2,1460"}));
  const std::string listing = "-rw-r--r-- 1 ftp ftp 1024 Mar 19 13:31 simftp.txt\r\n"
                              "drwxr-xr-x 2 ftp ftp 4096 Mar 19 13:31 test\r\n";
  EXPECT_EQ(d.reply("+FTPLIST:2," + std::to_string(listing.size())), Lines{});
  EXPECT_EQ(d.payload(listing), Lines{"deliver " + std::to_string(listing.size())});
  EXPECT_EQ(d.payload_end(), Lines{"progress " + std::to_string(listing.size())});
  EXPECT_EQ(d.ok(), Lines{kArm75});
  EXPECT_EQ(fsm.state_name(), "ListFsm:waiting_data");
  EXPECT_EQ(d.urc("+FTPLIST:1,0"), (Lines{"disarm", done()}));
  EXPECT_EQ(d.delivered(), listing);
}

TEST(ListFsm, MissingPathFailsWith77AndCancelQuits) {
  {
    ListFsm fsm;
    FsmDriver d(fsm);
    d.start();
    d.ok();
    EXPECT_EQ(d.urc("+FTPLIST: 1,77"), (Lines{"disarm", done_ftp(77)}));
  }
  {
    ListFsm fsm;
    FsmDriver d(fsm);
    d.start();
    d.ok();
    EXPECT_EQ(d.urc("+FTPGET: 1,0"), Lines{});  // another command's prefix
    EXPECT_EQ(d.cancel(), (Lines{"disarm", kQuit, kArmAbort}));
    EXPECT_EQ(d.ok(), Lines{});
    EXPECT_EQ(d.urc("+FTPLIST: 1,80"), (Lines{"disarm", done_aborted()}));
  }
}

TEST(ChunkedReadFsm, RejectsOtherCommands) {
  ChunkedReadFsm fsm(CommandId::ftpput, std::nullopt);
  FsmDriver d(fsm);
  EXPECT_EQ(d.start(), Lines{done(AtErrc::invalid_argument)});
  EXPECT_EQ(fsm.state_name(), "ChunkedReadFsm:done");
}

TEST(ChunkedReadFsm, StateNames) {
  using S = ChunkedReadFsm::State;
  for (auto s : {S::idle, S::opening, S::waiting_data, S::reading, S::waiting_outcome}) {
    EXPECT_STRNE(to_string(s), "?");
  }
}

}  // namespace
}  // namespace sim7080::ftp::test

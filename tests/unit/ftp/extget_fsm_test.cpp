// ExtGetFsm: AT+FTPEXTGET into module RAM, spec §3.23, §6.2, §7 (5.13), §8 Q8, Q12.
#include "ftp/extget_fsm.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

#include "fsm_test_util.hpp"

namespace sim7080::ftp::test {
namespace {

const std::string kOpen = "send AT+FTPEXTGET=1";
const std::string kLength = "send AT+FTPEXTGET?";
const std::string kFree = "send AT+FTPEXTGET=0";
const std::string kState = "send AT+FTPSTATE";
const std::string kQuit = "send AT+FTPQUIT";

void open_session(FsmDriver& d) {
  EXPECT_EQ(d.start(), Lines{kOpen});
  EXPECT_EQ(d.ok(), Lines{kArm75});
}

// Download finished, `AT+FTPEXTGET?` answered with `total`: the first read is in flight.
void downloaded(FsmDriver& d, std::size_t total) {
  open_session(d);
  EXPECT_EQ(d.urc("+FTPEXTGET: 1,0"), (Lines{"disarm", kLength}));
  EXPECT_EQ(d.reply("+FTPEXTGET: 1," + std::to_string(total)), Lines{});
  EXPECT_EQ(d.ok(), Lines{"send AT+FTPEXTGET=3,0," + std::to_string(std::min<std::size_t>(total, 16384))});
}

TEST(ExtGetFsm, HappyPathReadsBoundedChunksThenFreesTheBuffer) {
  ExtGetFsm fsm;
  FsmDriver d(fsm);
  EXPECT_EQ(fsm.urc_prefixes()[0], "+FTPEXTGET");
  const auto data = pattern(20000);
  downloaded(d, data.size());
  EXPECT_EQ(fsm.state_name(), "ExtGetFsm:reading");
  EXPECT_EQ(fsm.total_bytes(), 20000u);
  EXPECT_EQ(d.counted_read("+FTPEXTGET", "3", std::string_view(data).substr(0, 16384), 8192),
            (Lines{"deliver 8192", "deliver 8192", "progress 16384", "send AT+FTPEXTGET=3,16384,3616"}));
  EXPECT_EQ(d.counted_read("+FTPEXTGET", "3", std::string_view(data).substr(16384)),
            (Lines{"deliver 3616", "progress 20000", kFree}));
  EXPECT_EQ(fsm.state_name(), "ExtGetFsm:cleaning_up");
  EXPECT_EQ(d.ok(), Lines{done()});
  EXPECT_EQ(d.delivered(), data);
  EXPECT_EQ(fsm.bytes_delivered(), 20000u);
}

TEST(ExtGetFsm, AppNote513ProgressInTheReadWindowIsNotCompletion) {
  // `+FTPEXTGET: 1,64136` only ever arrives as a reply to `?`, which this FSM sends after the
  // completion URC; a read reply with no space parses too.
  ExtGetFsm fsm;
  FsmDriver d(fsm);
  open_session(d);
  EXPECT_EQ(d.urc("+FTPEXTGET:1,0"), (Lines{"disarm", kLength}));
  EXPECT_EQ(d.reply("+FTPEXTGET:1,10"), Lines{});
  EXPECT_EQ(d.reply("+FTPEXTGET: 1,0"), Lines{});  // a second line (a late URC) does not count
  EXPECT_EQ(d.ok(), Lines{"send AT+FTPEXTGET=3,0,10"});
  EXPECT_EQ(d.counted_read("+FTPEXTGET", "3", "0123456789"), (Lines{"deliver 10", "progress 10", kFree}));
  EXPECT_EQ(d.ok(), Lines{done()});
}

TEST(ExtGetFsm, EmptyFileNeedsNoRead) {
  ExtGetFsm fsm;
  FsmDriver d(fsm);
  open_session(d);
  d.urc("+FTPEXTGET: 1,0");
  EXPECT_EQ(d.reply("+FTPEXTGET: 1,0"), Lines{});
  EXPECT_EQ(d.ok(), Lines{kFree});
  EXPECT_EQ(d.ok(), Lines{done()});
}

TEST(ExtGetFsm, ShortReadBeforeTheTotalIsTruncated) {
  ExtGetFsm fsm;
  FsmDriver d(fsm);
  downloaded(d, 20000);
  EXPECT_EQ(d.counted_read("+FTPEXTGET", "3", pattern(100)), (Lines{"deliver 100", "progress 100", kFree}));
  EXPECT_EQ(d.ok(), Lines{done(AtErrc::truncated)});
}

TEST(ExtGetFsm, FailuresAlwaysFreeTheBuffer) {
  for (int code : {62, 64, 66, 77, 79, 80, 94}) {
    SCOPED_TRACE(code);
    ExtGetFsm fsm;
    FsmDriver d(fsm);
    open_session(d);
    EXPECT_EQ(d.urc("+FTPEXTGET: 1," + std::to_string(code)), (Lines{"disarm", kFree}));
    EXPECT_EQ(d.ok(), Lines{done_ftp(code)});
  }
  struct Case {
    const char* name;
    std::function<void(FsmDriver&)> setup;
    std::function<Lines(FsmDriver&)> fail;
    Lines expected;
    std::string result;
  };
  const Case cases[] = {
      {"=1 answered ERROR", [](FsmDriver& d) { d.start(); }, [](FsmDriver& d) { return d.error(); }, Lines{kFree},
       done(AtErrc::error_result)},
      {"? answered ERROR", [](FsmDriver& d) { open_session(d); d.urc("+FTPEXTGET: 1,0"); },
       [](FsmDriver& d) { return d.error(); }, Lines{kFree}, done(AtErrc::error_result)},
      {"? answered without a line", [](FsmDriver& d) { open_session(d); d.urc("+FTPEXTGET: 1,0"); },
       [](FsmDriver& d) { return d.ok(); }, Lines{kFree}, done(AtErrc::protocol_error)},
      {"=3 answered CME error", [](FsmDriver& d) { downloaded(d, 100); },
       [](FsmDriver& d) { return d.error(make_cme_error(767)); }, Lines{kFree}, done(make_cme_error(767))},
      {"=3 OK without a header", [](FsmDriver& d) { downloaded(d, 100); }, [](FsmDriver& d) { return d.ok(); },
       Lines{kFree}, done(AtErrc::protocol_error)},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    ExtGetFsm fsm;
    FsmDriver d(fsm);
    c.setup(d);
    EXPECT_EQ(c.fail(d), c.expected);
    EXPECT_EQ(d.ok(), Lines{c.result});
  }
}

TEST(ExtGetFsm, FailedCleanupAfterSuccessIsReported) {
  ExtGetFsm fsm;
  FsmDriver d(fsm);
  downloaded(d, 3);
  EXPECT_EQ(d.counted_read("+FTPEXTGET", "3", "abc"), (Lines{"deliver 3", "progress 3", kFree}));
  EXPECT_EQ(d.error(), Lines{done(AtErrc::error_result)});
}

TEST(ExtGetFsm, SlowDownloadIsProbedWithFtpStateThenCompletes) {
  ExtGetFsm fsm;
  FsmDriver d(fsm);
  open_session(d);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(d.deadline(), Lines{kState});
    EXPECT_EQ(fsm.state_name(), "ExtGetFsm:probing");
    EXPECT_EQ(d.reply("+FTPSTATE: 1"), Lines{});
    EXPECT_EQ(d.ok(), Lines{kArm75});
  }
  EXPECT_EQ(d.urc("+FTPEXTGET: 1,0"), (Lines{"disarm", kLength}));
  EXPECT_EQ(d.reply("+FTPEXTGET: 1,4"), Lines{});
  EXPECT_EQ(d.ok(), Lines{"send AT+FTPEXTGET=3,0,4"});
}

TEST(ExtGetFsm, CompletionDuringAProbeIsKept) {
  ExtGetFsm fsm;
  FsmDriver d(fsm);
  open_session(d);
  EXPECT_EQ(d.deadline(), Lines{kState});
  EXPECT_EQ(d.urc("+FTPEXTGET: 1,0"), Lines{});
  EXPECT_EQ(d.reply("+FTPSTATE: 0"), Lines{});
  EXPECT_EQ(d.ok(), Lines{kLength});
}

TEST(ExtGetFsm, ProbesAreBoundedThenTheSessionIsQuit) {
  ExtGetFsm fsm;
  FsmDriver d(fsm);
  open_session(d);
  for (unsigned i = 0; i < ExtGetFsm::kMaxProbes; ++i) {
    d.deadline();
    d.reply("+FTPSTATE: 1");
    EXPECT_EQ(d.ok(), Lines{kArm75});
  }
  EXPECT_EQ(d.deadline(), Lines{kState});
  d.reply("+FTPSTATE: 1");
  EXPECT_EQ(d.ok(), (Lines{kQuit, kArmAbort}));
  EXPECT_EQ(d.ok(), Lines{});
  EXPECT_EQ(d.urc("+FTPEXTGET: 1,80"), (Lines{"disarm", kFree}));
  EXPECT_EQ(d.ok(), Lines{done(AtErrc::timeout)});
}

TEST(ExtGetFsm, LostCompletionUrcIsRecoveredFromTheBufferLength) {
  {
    ExtGetFsm fsm;
    FsmDriver d(fsm);
    open_session(d);
    EXPECT_EQ(d.deadline(), Lines{kState});
    EXPECT_EQ(d.reply("+FTPSTATE: 0"), Lines{});
    EXPECT_EQ(d.ok(), Lines{kLength});
    EXPECT_EQ(d.reply("+FTPEXTGET: 1,5"), Lines{});
    EXPECT_EQ(d.ok(), Lines{"send AT+FTPEXTGET=3,0,5"});
    EXPECT_EQ(d.counted_read("+FTPEXTGET", "3", "hello"), (Lines{"deliver 5", "progress 5", kFree}));
    EXPECT_EQ(d.ok(), Lines{done()});
  }
  {
    // Idle and nothing in RAM: the download did not make it. No quit: the session is over.
    ExtGetFsm fsm;
    FsmDriver d(fsm);
    open_session(d);
    d.deadline();
    d.reply("+FTPSTATE: 0");
    EXPECT_EQ(d.ok(), Lines{kLength});
    d.reply("+FTPEXTGET: 0,0");
    EXPECT_EQ(d.ok(), Lines{kFree});
    EXPECT_EQ(d.ok(), Lines{done(AtErrc::timeout)});
  }
}

TEST(ExtGetFsm, CancelInEveryPhaseFreesTheBuffer) {
  struct Case {
    const char* name;
    std::function<void(FsmDriver&)> setup;
    std::function<Lines(FsmDriver&)> rest;
    Lines expected;  // cancel's actions and the rest's
  };
  const auto quit_80_free = [](FsmDriver& d) { return seq({d.ok(), d.urc("+FTPEXTGET: 1,80"), d.ok()}); };
  const Case cases[] = {
      {"before start: nothing was changed, nothing to free", [](FsmDriver&) {},
       [](FsmDriver& d) { return d.start(); }, Lines{done_aborted()}},
      {"open in flight", [](FsmDriver& d) { d.start(); },
       [](FsmDriver& d) { return seq({d.ok(), d.ok(), d.urc("+FTPEXTGET: 1,80"), d.ok()}); },
       Lines{kQuit, kArmAbort, "disarm", kFree, done_aborted()}},
      {"open answered ERROR", [](FsmDriver& d) { d.start(); }, [](FsmDriver& d) { return seq({d.error(), d.ok()}); },
       Lines{kFree, done_aborted()}},
      {"downloading", [](FsmDriver& d) { open_session(d); }, quit_80_free,
       Lines{"disarm", kQuit, kArmAbort, "disarm", kFree, done_aborted()}},
      {"probing", [](FsmDriver& d) { open_session(d); d.deadline(); },
       [](FsmDriver& d) { return seq({d.reply("+FTPSTATE: 1"), d.ok(), d.ok(), d.urc("+FTPEXTGET: 1,80"), d.ok()}); },
       Lines{kQuit, kArmAbort, "disarm", kFree, done_aborted()}},
      {"reading the length (session closed: no quit)",
       [](FsmDriver& d) { open_session(d); d.urc("+FTPEXTGET: 1,0"); },
       [](FsmDriver& d) { return seq({d.reply("+FTPEXTGET: 1,9"), d.ok(), d.ok()}); },
       Lines{kFree, done_aborted()}},
      {"reading", [](FsmDriver& d) { downloaded(d, 100); },
       [](FsmDriver& d) { return seq({d.counted_read("+FTPEXTGET", "3", pattern(100)), d.ok()}); },
       Lines{kFree, done_aborted()}},
      {"cleaning up", [](FsmDriver& d) { downloaded(d, 1); d.counted_read("+FTPEXTGET", "3", "x"); },
       [](FsmDriver& d) { return d.ok(); }, Lines{done()}},
      {"quitting", [](FsmDriver& d) { open_session(d); d.cancel(); }, quit_80_free,
       Lines{"disarm", kFree, done_aborted()}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    ExtGetFsm fsm;
    FsmDriver d(fsm);
    c.setup(d);
    EXPECT_EQ(seq({d.cancel(), c.rest(d)}), c.expected);
    EXPECT_TRUE(d.is_done());
  }
}

TEST(ExtGetFsm, LinkLostEndsAtOnce) {
  const std::function<void(FsmDriver&)> setups[] = {
      [](FsmDriver& d) { d.start(); },
      [](FsmDriver& d) { open_session(d); },
      [](FsmDriver& d) { open_session(d); d.deadline(); },
      [](FsmDriver& d) { downloaded(d, 10); },
      [](FsmDriver& d) { downloaded(d, 1); d.counted_read("+FTPEXTGET", "3", "x"); },
  };
  for (const auto& setup : setups) {
    ExtGetFsm fsm;
    FsmDriver d(fsm);
    setup(d);
    const auto lines = d.link_lost();
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines.back(), done(AtErrc::modem_restarted));
    EXPECT_EQ(std::count(lines.begin(), lines.end(), kFree), 0);  // the channel is gone
  }
}

TEST(ExtGetFsm, StateNames) {
  using S = ExtGetFsm::State;
  for (auto s : {S::idle, S::opening, S::downloading, S::probing, S::reading_length, S::reading}) {
    EXPECT_STRNE(to_string(s), "?");
  }
}

}  // namespace
}  // namespace sim7080::ftp::test

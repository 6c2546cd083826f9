// EtGetFsm: AT+FTPETGET transparent download, spec §3.25, §4.3, §7 (5.15), §8 Q13.
#include "ftp/etget_fsm.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "fsm_test_util.hpp"

namespace sim7080::ftp::test {
namespace {

const Lines kStart = {"arm_stream AT+FTPETGET", "send AT+FTPETGET=1"};

void open_stream(FsmDriver& d) {
  EXPECT_EQ(d.start(), kStart);
  EXPECT_EQ(d.ok(), Lines{kArm75});
  EXPECT_EQ(d.urc("+FTPETGET: 1,1"), Lines{kArm75});
}

TEST(EtGetFsm, AppNote515StreamThenFinalUrc) {
  EtGetFsm fsm;
  FsmDriver d(fsm);
  EXPECT_EQ(fsm.urc_prefixes()[0], "+FTPETGET");
  EXPECT_EQ(fsm.state_name(), "EtGetFsm:idle");
  EXPECT_EQ(d.start(), kStart);
  EXPECT_EQ(fsm.state_name(), "EtGetFsm:opening");
  EXPECT_EQ(d.ok(), Lines{kArm75});
  EXPECT_EQ(fsm.state_name(), "EtGetFsm:waiting_header");
  EXPECT_EQ(d.urc("+FTPETGET: 1,1"), Lines{kArm75});
  EXPECT_EQ(fsm.state_name(), "EtGetFsm:streaming");
  // The channel has already decoded DLE/ETX: 01 10 03 02 arrive as data.
  const std::string decoded("\x01\x10\x03\x02", 4);
  EXPECT_EQ(d.payload(decoded), (Lines{"deliver 4", "progress 4", kArm75}));
  const auto more = pattern(5000);
  EXPECT_EQ(d.payload(more), (Lines{"deliver 5000", "progress 5004", kArm75}));
  EXPECT_EQ(d.payload_end(), Lines{kArm75});
  EXPECT_EQ(fsm.state_name(), "EtGetFsm:waiting_result");
  EXPECT_EQ(d.urc("+FTPETGET:1,0"), (Lines{"disarm", done()}));
  EXPECT_EQ(d.delivered(), decoded + more);
  EXPECT_EQ(fsm.bytes_delivered(), 5004u);
}

TEST(EtGetFsm, StaleUrcsBeforeTheOkAndAnEmptyFile) {
  EtGetFsm fsm;
  FsmDriver d(fsm);
  EXPECT_EQ(d.start(), kStart);
  EXPECT_EQ(d.urc("+FTPETGET: 1,0"), Lines{});  // an earlier operation's
  EXPECT_EQ(d.urc("+FTPETGET: 1,79"), Lines{});
  EXPECT_EQ(d.ok(), Lines{kArm75});
  EXPECT_EQ(d.urc("+FTPETGET: 1,1"), Lines{kArm75});
  EXPECT_EQ(d.payload_end(), Lines{kArm75});  // an empty stream: just the ETX
  EXPECT_EQ(d.urc("+FTPETGET: 1,0"), (Lines{"disarm", done()}));
  EXPECT_EQ(fsm.bytes_delivered(), 0u);
}

TEST(EtGetFsm, FailureBeforeOrAfterTheStream) {
  for (int code : {61, 63, 66, 77, 79, 90}) {
    SCOPED_TRACE(code);
    {
      EtGetFsm fsm;
      FsmDriver d(fsm);
      d.start();
      d.ok();
      EXPECT_EQ(d.urc("+FTPETGET: 1," + std::to_string(code)), (Lines{"disarm", done_ftp(code)}));
    }
    {
      // A failure mid-stream: ETX, then `1,<e>`: the ETX alone is no success.
      EtGetFsm fsm;
      FsmDriver d(fsm);
      open_stream(d);
      d.payload("partial");
      EXPECT_EQ(d.payload_end(), Lines{kArm75});
      EXPECT_EQ(d.urc("+FTPETGET:1," + std::to_string(code)), (Lines{"disarm", done_ftp(code)}));
    }
  }
}

TEST(EtGetFsm, OpenErrorsAndDeadlinesNeverQuit) {
  {
    EtGetFsm fsm;
    FsmDriver d(fsm);
    d.start();
    EXPECT_EQ(d.error(), Lines{done(AtErrc::error_result)});
  }
  // No abort path for ETGET (§3.25): a deadline ends the operation without AT+FTPQUIT.
  const std::function<void(FsmDriver&)> setups[] = {
      [](FsmDriver& d) { d.start(); d.ok(); },
      [](FsmDriver& d) { open_stream(d); },
      [](FsmDriver& d) { open_stream(d); d.payload("x"); },
      [](FsmDriver& d) { open_stream(d); d.payload_end(); },
  };
  for (const auto& setup : setups) {
    EtGetFsm fsm;
    FsmDriver d(fsm);
    setup(d);
    EXPECT_EQ(d.deadline(), Lines{done(AtErrc::timeout)});
  }
}

TEST(EtGetFsm, CancelStopsDeliveringButDrainsTheStream) {
  struct Case {
    const char* name;
    std::function<void(FsmDriver&)> setup;
    std::function<Lines(FsmDriver&)> rest;
    Lines expected;
  };
  const Case cases[] = {
      {"before start", [](FsmDriver&) {}, [](FsmDriver& d) { return d.start(); }, Lines{done_aborted()}},
      // The cancel arms one session timeout that data no longer pushes back ("arm" first).
      {"open in flight, then ERROR", [](FsmDriver& d) { d.start(); }, [](FsmDriver& d) { return d.error(); },
       Lines{kArm75, "disarm", done_aborted()}},
      {"open in flight, the stream still comes",
       [](FsmDriver& d) { d.start(); },
       [](FsmDriver& d) {
         return seq({d.ok(), d.urc("+FTPETGET: 1,1"), d.payload("abc"), d.payload_end(), d.urc("+FTPETGET: 1,0")});
       },
       Lines{kArm75, kArm75, kArm75, kArm75, "disarm", done_aborted()}},
      {"mid-stream", [](FsmDriver& d) { open_stream(d); d.payload("ab"); },
       [](FsmDriver& d) { return seq({d.payload("cd"), d.payload_end(), d.urc("+FTPETGET: 1,0")}); },
       Lines{kArm75, kArm75, "disarm", done_aborted()}},
      {"mid-stream, then a failure URC", [](FsmDriver& d) { open_stream(d); },
       [](FsmDriver& d) { return seq({d.payload_end(), d.urc("+FTPETGET: 1,79")}); },
       Lines{kArm75, kArm75, "disarm", done_aborted()}},
      {"mid-stream, then silence", [](FsmDriver& d) { open_stream(d); },
       [](FsmDriver& d) { return d.deadline(); }, Lines{kArm75, done_aborted()}},
      // A module that rebooted inside the stream keeps talking (URCs read as stream bytes) and
      // never sends the ETX: the data does not re-arm the deadline, which then ends the wait.
      {"mid-stream, bytes keep coming, no ETX", [](FsmDriver& d) { open_stream(d); },
       [](FsmDriver& d) { return seq({d.payload("RDY"), d.payload("+CEREG: 1"), d.deadline()}); },
       Lines{kArm75, done_aborted()}},
      {"twice", [](FsmDriver& d) { open_stream(d); d.cancel(); },
       [](FsmDriver& d) { return seq({d.payload_end(), d.urc("+FTPETGET: 1,0")}); },
       Lines{kArm75, "disarm", done_aborted()}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EtGetFsm fsm;
    FsmDriver d(fsm);
    c.setup(d);
    const auto delivered_before = d.delivered();
    EXPECT_EQ(seq({d.cancel(), c.rest(d)}), c.expected);
    EXPECT_EQ(d.delivered(), delivered_before);
    EXPECT_TRUE(d.is_done());
  }
}

TEST(EtGetFsm, LinkLostEndsAtOnce) {
  const std::function<void(FsmDriver&)> setups[] = {
      [](FsmDriver& d) { d.start(); },
      [](FsmDriver& d) { open_stream(d); },
      [](FsmDriver& d) { open_stream(d); d.cancel(); },
  };
  for (const auto& setup : setups) {
    EtGetFsm fsm;
    FsmDriver d(fsm);
    setup(d);
    const auto lines = d.link_lost(make_error_code(TransportErrc::port_vanished));
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines.back(), done(make_error_code(TransportErrc::port_vanished)));
  }
}

TEST(EtGetFsm, StateNames) {
  using S = EtGetFsm::State;
  for (auto s : {S::idle, S::opening, S::waiting_header, S::streaming, S::waiting_result}) {
    EXPECT_STRNE(to_string(s), "?");
  }
}

}  // namespace
}  // namespace sim7080::ftp::test

namespace sim7080::ftp::test {
namespace {

TEST(EtGetFsm, AStreamShowingARebootNoLongerPushesTheDeadlineBack) {
  // The rebooted module's first URC arrives inside the stream, split across reads; its later
  // URCs keep coming as stream bytes. The session timeout armed before the reboot still ends it.
  EtGetFsm fsm;
  FsmDriver d(fsm);
  open_stream(d);
  // Delivered (it may be file data), but no longer re-arming the deadline.
  EXPECT_EQ(d.payload("data\r\nR"), (Lines{"deliver 7", "progress 7", kArm75}));
  EXPECT_EQ(d.payload("DY\r\n"), (Lines{"deliver 4", "progress 11"}));
  EXPECT_EQ(d.payload("\r\n+CFUN: 1\r\n"), (Lines{"deliver 12", "progress 23"}));
  EXPECT_EQ(d.payload("\r\n+CEREG: 1,5\r\n"), (Lines{"deliver 15", "progress 38"}));
  const auto end = d.deadline();
  ASSERT_FALSE(end.empty());
  EXPECT_EQ(end.back(), "done at.timeout");
}

TEST(EtGetFsm, DataWithoutTheRebootBannerKeepsReArmingTheDeadline) {
  EtGetFsm fsm;
  FsmDriver d(fsm);
  open_stream(d);
  EXPECT_EQ(d.payload("\r\nRDX\r\n"), (Lines{"deliver 7", "progress 7", kArm75}));
  EXPECT_EQ(d.payload("\r\r\nRD"), (Lines{"deliver 5", "progress 12", kArm75}));
  EXPECT_EQ(d.payload("Y!\r\n"), (Lines{"deliver 4", "progress 16", kArm75}));
}

}  // namespace
}  // namespace sim7080::ftp::test

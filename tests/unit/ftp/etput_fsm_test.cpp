// EtPutFsm: AT+FTPETPUT transparent upload, spec §3.24, §4.3, §7 (5.14), §8 Q4.
#include "ftp/etput_fsm.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "fsm_test_util.hpp"

namespace sim7080::ftp::test {
namespace {

const std::string kOpen = "send AT+FTPETPUT=1";
const std::string kStream = "send AT+FTPETPUT=2";
const std::string kQuit = "send AT+FTPQUIT";

void open_stream(FsmDriver& d) {
  EXPECT_EQ(d.start(), Lines{kOpen});
  EXPECT_EQ(d.ok(), Lines{kArm75});
  EXPECT_EQ(d.urc("+FTPETPUT: 1,1"), (Lines{"disarm", kStream}));
}

// Answers stream_chunk events until the FSM ends the stream.
void stream_all(FsmDriver& d) {
  for (int guard = 0; guard < 100000; ++guard) {
    if (d.chunk() == Lines{"write 0"}) return;
  }
  ADD_FAILURE() << "the stream never ended";
}

TEST(EtPutFsm, AppNote514RawBytesEndedByAnEmptyWrite) {
  // The channel escapes DLE/ETX; the FSM hands over the raw bytes 41 03 42 10 43.
  const std::string data("A\x03" "B\x10" "C", 5);
  ScriptedSource src(data);
  EtPutFsm fsm(src);
  FsmDriver d(fsm);
  EXPECT_EQ(fsm.urc_prefixes()[0], "+FTPETPUT");
  EXPECT_EQ(d.start(), Lines{kOpen});
  EXPECT_EQ(fsm.state_name(), "EtPutFsm:opening");
  EXPECT_EQ(d.ok(), Lines{kArm75});
  EXPECT_EQ(fsm.state_name(), "EtPutFsm:waiting_ready");
  EXPECT_EQ(d.urc("+FTPETPUT: 1,1"), (Lines{"disarm", kStream}));
  EXPECT_EQ(fsm.state_name(), "EtPutFsm:streaming");
  EXPECT_EQ(d.chunk(), (Lines{"write 5", "progress 5"}));
  EXPECT_EQ(d.chunk(), Lines{"write 0"});  // end: the channel writes the bare ETX
  EXPECT_EQ(d.ok(), Lines{kArm75});
  EXPECT_EQ(fsm.state_name(), "EtPutFsm:waiting_result");
  EXPECT_EQ(d.urc("+FTPETPUT:1,0"), (Lines{"disarm", done()}));
  EXPECT_EQ(d.written(), data);
  EXPECT_EQ(fsm.bytes_written(), 5u);
}

TEST(EtPutFsm, ChunksOf4096FromAPipe) {
  const auto data = pattern(10000, 9);
  ScriptedSource src(data, 7, /*known_size=*/false);
  EtPutFsm fsm(src);
  FsmDriver d(fsm);
  open_stream(d);
  EXPECT_EQ(seq({d.chunk(), d.chunk(), d.chunk(), d.chunk()}),
            (Lines{"write 4096", "progress 4096", "write 4096", "progress 8192", "write 1808", "progress 10000",
                   "write 0"}));
  EXPECT_EQ(d.ok(), Lines{kArm75});
  EXPECT_EQ(d.urc("+FTPETPUT: 1,0"), (Lines{"disarm", done()}));
  EXPECT_EQ(d.written(), data);
}

TEST(EtPutFsm, UrcsOvertakingOks) {
  ScriptedSource src("xy");
  EtPutFsm fsm(src);
  FsmDriver d(fsm);
  EXPECT_EQ(d.start(), Lines{kOpen});
  EXPECT_EQ(d.urc("+FTPETPUT: 1,1"), Lines{});  // before the open's OK: an earlier session's
  EXPECT_EQ(d.ok(), Lines{kArm75});
  EXPECT_EQ(d.urc("+FTPETPUT: 1,1"), (Lines{"disarm", kStream}));
  d.chunk();
  d.chunk();
  EXPECT_EQ(d.urc("+FTPETPUT: 1,0"), Lines{});
  EXPECT_EQ(d.ok(), Lines{done()});
}

TEST(EtPutFsm, FailureUrcs) {
  for (int code : {61, 63, 71, 78, 80, 91}) {
    SCOPED_TRACE(code);
    {
      ScriptedSource src("data");
      EtPutFsm fsm(src);
      FsmDriver d(fsm);
      d.start();
      d.ok();
      EXPECT_EQ(d.urc("+FTPETPUT: 1," + std::to_string(code)), (Lines{"disarm", done_ftp(code)}));
    }
    {
      ScriptedSource src("data");
      EtPutFsm fsm(src);
      FsmDriver d(fsm);
      open_stream(d);
      d.chunk();
      d.chunk();
      d.ok();
      EXPECT_EQ(d.urc("+FTPETPUT:1," + std::to_string(code)), (Lines{"disarm", done_ftp(code)}));
    }
  }
}

TEST(EtPutFsm, ErrorsAbortTheSession) {
  struct Case {
    const char* name;
    std::function<Lines(FsmDriver&)> fail;  // from "AT+FTPETPUT=2 in flight"
    std::string result;
  };
  const Case cases[] = {
      {"=2 ERROR before the go-ahead", [](FsmDriver& d) { return d.error(); }, done(AtErrc::error_result)},
      {"OK before our end of stream", [](FsmDriver& d) { return seq({d.chunk(), d.ok()}); },
       done(AtErrc::protocol_error)},
      {"ERROR after the ETX", [](FsmDriver& d) { return seq({d.chunk(), d.chunk(), d.error(AtErrc::timeout)}); },
       done(AtErrc::timeout)},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    ScriptedSource src("data");
    EtPutFsm fsm(src);
    FsmDriver d(fsm);
    open_stream(d);
    const auto lines = c.fail(d);
    ASSERT_GE(lines.size(), 2u);
    EXPECT_EQ((Lines{lines.end() - 2, lines.end()}), (Lines{kQuit, kArmAbort}));
    EXPECT_EQ(seq({d.ok(), d.urc("+FTPETPUT: 1,80")}), (Lines{"disarm", c.result}));
  }
  ScriptedSource src("data");
  EtPutFsm fsm(src);
  FsmDriver d(fsm);
  d.start();
  EXPECT_EQ(d.error(), Lines{done(AtErrc::error_result)});
}

TEST(EtPutFsm, SourceErrorEndsTheStreamThenQuits) {
  ScriptedSource src(pattern(10000));
  src.fail_at(4096, std::make_error_code(std::errc::io_error));
  EtPutFsm fsm(src);
  FsmDriver d(fsm);
  open_stream(d);
  EXPECT_EQ(d.chunk(), (Lines{"write 4096", "progress 4096"}));
  EXPECT_EQ(d.chunk(), Lines{"write 0"});
  EXPECT_EQ(d.ok(), (Lines{kQuit, kArmAbort}));
  EXPECT_EQ(d.error(), Lines{});  // quit ERROR: the upload had ended; wait for its URC
  EXPECT_EQ(d.urc("+FTPETPUT: 1,0"), (Lines{"disarm", done(std::make_error_code(std::errc::io_error))}));
}

TEST(EtPutFsm, DeadlinesQuitWithTimeout) {
  const std::function<void(FsmDriver&)> setups[] = {
      [](FsmDriver& d) { d.start(); d.ok(); },
      [](FsmDriver& d) { open_stream(d); d.chunk(); d.chunk(); d.ok(); },
  };
  for (const auto& setup : setups) {
    ScriptedSource src("data");
    EtPutFsm fsm(src);
    FsmDriver d(fsm);
    setup(d);
    EXPECT_EQ(d.deadline(), (Lines{kQuit, kArmAbort}));
    EXPECT_EQ(seq({d.ok(), d.deadline()}), Lines{done(AtErrc::timeout)});
  }
}

TEST(EtPutFsm, CancelInEveryPhase) {
  struct Case {
    const char* name;
    std::function<void(FsmDriver&)> setup;
    std::function<Lines(FsmDriver&)> rest;
    Lines expected;
  };
  const auto quit_80 = [](FsmDriver& d) { return seq({d.ok(), d.urc("+FTPETPUT: 1,80")}); };
  const Case cases[] = {
      {"before start", [](FsmDriver&) {}, [](FsmDriver& d) { return d.start(); }, Lines{done_aborted()}},
      {"open in flight", [](FsmDriver& d) { d.start(); },
       [](FsmDriver& d) { return seq({d.ok(), d.ok(), d.urc("+FTPETPUT: 1,80")}); },
       Lines{kQuit, kArmAbort, "disarm", done_aborted()}},
      {"waiting for 1,1", [](FsmDriver& d) { d.start(); d.ok(); }, quit_80,
       Lines{"disarm", kQuit, kArmAbort, "disarm", done_aborted()}},
      {"streaming: the stream is ended at once", [](FsmDriver& d) { open_stream(d); d.chunk(); },
       [](FsmDriver& d) { return seq({d.chunk(), d.ok(), d.ok(), d.urc("+FTPETPUT: 1,80")}); },
       Lines{"write 0", kQuit, kArmAbort, "disarm", done_aborted()}},
      {"waiting for 1,0", [](FsmDriver& d) { open_stream(d); stream_all(d); d.ok(); }, quit_80,
       Lines{"disarm", kQuit, kArmAbort, "disarm", done_aborted()}},
      {"quitting", [](FsmDriver& d) { d.start(); d.ok(); d.cancel(); }, quit_80, Lines{"disarm", done_aborted()}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    ScriptedSource src(pattern(10000));
    EtPutFsm fsm(src);
    FsmDriver d(fsm);
    c.setup(d);
    EXPECT_EQ(seq({d.cancel(), c.rest(d)}), c.expected);
    EXPECT_TRUE(d.is_done());
  }
}

TEST(EtPutFsm, LinkLostEndsAtOnce) {
  const std::function<void(FsmDriver&)> setups[] = {
      [](FsmDriver& d) { d.start(); },
      [](FsmDriver& d) { open_stream(d); },
      [](FsmDriver& d) { open_stream(d); d.chunk(); d.chunk(); d.ok(); },
  };
  for (const auto& setup : setups) {
    ScriptedSource src("data");
    EtPutFsm fsm(src);
    FsmDriver d(fsm);
    setup(d);
    EXPECT_EQ(d.link_lost().back(), done(AtErrc::modem_restarted));
  }
}

TEST(EtPutFsm, UnexpectedGoAheadIsAProtocolError) {
  ScriptedSource src("data");
  EtPutFsm fsm(src);
  FsmDriver d(fsm);
  d.start();
  d.ok();
  EXPECT_EQ(d.go_ahead(0), (Lines{"write 0", "disarm", kQuit, kArmAbort}));
}

TEST(EtPutFsm, StateNames) {
  using S = EtPutFsm::State;
  for (auto s : {S::idle, S::opening, S::waiting_ready, S::streaming, S::waiting_result}) {
    EXPECT_STRNE(to_string(s), "?");
  }
}

}  // namespace
}  // namespace sim7080::ftp::test

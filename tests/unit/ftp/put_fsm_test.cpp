// PutFsm: AT+FTPPUT chunked upload, spec §3.15, §4.1 rule 6, §7 (5.2, 5.5, 5.6), §8 Q2, Q17.
#include "ftp/put_fsm.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "fsm_test_util.hpp"

namespace sim7080::ftp::test {
namespace {

const std::string kOpen = "send AT+FTPPUT=1";
const std::string kClose = "send AT+FTPPUT=2,0";
const std::string kQuit = "send AT+FTPQUIT";

std::string put(std::size_t n) { return "send AT+FTPPUT=2," + std::to_string(n); }

void open_session(FsmDriver& d) {
  EXPECT_EQ(d.start(), Lines{kOpen});
  EXPECT_EQ(d.ok(), Lines{kArm75});
}

TEST(PutFsm, AppNote52OneChunkThenClose) {
  const auto data = pattern(100);
  ScriptedSource src(data);
  PutFsm fsm(src);
  FsmDriver d(fsm);
  EXPECT_EQ(fsm.urc_prefixes()[0], "+FTPPUT");
  open_session(d);
  EXPECT_EQ(fsm.state_name(), "PutFsm:waiting_ready");
  EXPECT_EQ(d.urc("+FTPPUT: 1,1,1360"), (Lines{"disarm", put(100)}));
  EXPECT_EQ(fsm.state_name(), "PutFsm:writing");
  EXPECT_EQ(d.go_ahead(100), (Lines{"write 100", "progress 100"}));
  EXPECT_EQ(d.ok(), Lines{kArm75});
  EXPECT_EQ(d.urc("+FTPPUT: 1,1,1360"), (Lines{"disarm", kClose}));
  EXPECT_EQ(fsm.state_name(), "PutFsm:closing");
  EXPECT_EQ(d.ok(), Lines{kArm75});
  EXPECT_EQ(fsm.state_name(), "PutFsm:waiting_result");
  EXPECT_EQ(d.urc("+FTPPUT: 1,0"), (Lines{"disarm", done()}));  // only now is it uploaded
  EXPECT_EQ(d.written(), data);
  EXPECT_EQ(fsm.bytes_written(), 100u);
  EXPECT_EQ(fsm.max_chunk_bytes(), 1360u);
}

// Runs a whole upload where the module grants `grant(requested)` bytes per go-ahead and
// announces `max_line` after each chunk; returns the <len>s requested.
std::vector<std::size_t> upload(FsmDriver& d, const std::string& first_ready, const std::string& ready,
                                const std::function<std::size_t(std::size_t)>& grant) {
  std::vector<std::size_t> requests;
  open_session(d);
  auto lines = d.urc(first_ready);
  for (int guard = 0; guard < 1000; ++guard) {
    EXPECT_EQ(lines.size(), 2u);
    if (lines.size() != 2) break;
    if (lines[1] == kClose) {
      EXPECT_EQ(d.ok(), Lines{kArm75});
      EXPECT_EQ(d.urc("+FTPPUT: 1,0"), (Lines{"disarm", done()}));
      break;
    }
    const auto n = static_cast<std::size_t>(std::stoul(lines[1].substr(put(0).size() - 1)));
    requests.push_back(n);
    d.go_ahead(grant(n));
    EXPECT_EQ(d.ok(), Lines{kArm75});
    lines = d.urc(ready);
  }
  return requests;
}

TEST(PutFsm, ChunksFollowTheAnnouncedMaximum) {
  const auto data = pattern(3000);
  ScriptedSource src(data, 7);  // a pipe handing out 7 bytes per read: chunks stay full
  PutFsm fsm(src);
  FsmDriver d(fsm);
  const auto req = upload(d, "+FTPPUT: 1,1,1360", "+FTPPUT: 1,1,1360", [](std::size_t n) { return n; });
  EXPECT_EQ(req, (std::vector<std::size_t>{1360, 1360, 280}));
  EXPECT_EQ(d.written(), data);
}

TEST(PutFsm, ShortGoAheadKeepsTheRestForTheNextRound) {
  const auto data = pattern(3000, 3);
  ScriptedSource src(data);
  PutFsm fsm(src);
  FsmDriver d(fsm);
  const auto req = upload(d, "+FTPPUT: 1,1,1360", "+FTPPUT:1,1,1360", [](std::size_t n) { return n > 1000 ? 1000 : n; });
  EXPECT_EQ(req, (std::vector<std::size_t>{1360, 1360, 1000}));  // 360 + 1000, 360 + 1000, 360 + 640
  EXPECT_EQ(d.written(), data);
  EXPECT_EQ(fsm.bytes_written(), 3000u);
}

TEST(PutFsm, MaximumQuirks) {
  struct Case {
    const char* name;
    const char* first;
    const char* then;
    std::vector<std::size_t> requests;
  };
  const Case cases[] = {
      {"no <max> ever: 1360 (Q2)", "+FTPPUT: 1,1", "+FTPPUT: 1,1", {1360, 1360, 280}},
      {"no <max> keeps the last one", "+FTPPUT: 1,1,500", "+FTPPUT: 1,1", {500, 500, 500, 500, 500, 500}},
      {"the latest <max> wins", "+FTPPUT: 1,1,1000", "+FTPPUT: 1,1,1460", {1000, 1460, 540}},
      {"<max> above 1460 is capped", "+FTPPUT: 1,1,4096", "+FTPPUT: 1,1,4096", {1460, 1460, 80}},
      {"<max> 0 is ignored", "+FTPPUT: 1,1,0", "+FTPPUT: 1,1,0", {1360, 1360, 280}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto data = pattern(3000);
    ScriptedSource src(data);
    PutFsm fsm(src);
    FsmDriver d(fsm);
    EXPECT_EQ(upload(d, c.first, c.then, [](std::size_t n) { return n; }), c.requests);
    EXPECT_EQ(d.written(), data);
  }
}

TEST(PutFsm, EmptySourceClosesAtOnce) {
  ScriptedSource src("");
  PutFsm fsm(src);
  FsmDriver d(fsm);
  open_session(d);
  EXPECT_EQ(d.urc("+FTPPUT: 1,1,1360"), (Lines{"disarm", kClose}));
  EXPECT_EQ(d.go_ahead(0), Lines{"write 0"});  // should the channel report `2,0` as a go-ahead
  EXPECT_EQ(d.ok(), Lines{kArm75});
  EXPECT_EQ(d.urc("+FTPPUT: 1,0"), (Lines{"disarm", done()}));
}

TEST(PutFsm, UrcsOvertakingOks) {
  ScriptedSource src("hello");
  PutFsm fsm(src);
  FsmDriver d(fsm);
  EXPECT_EQ(d.start(), Lines{kOpen});
  EXPECT_EQ(d.urc("+FTPPUT: 1,1,1360"), Lines{});  // before the open's OK: an earlier session's
  EXPECT_EQ(d.ok(), Lines{kArm75});
  EXPECT_EQ(d.urc("+FTPPUT: 1,1,1360"), (Lines{"disarm", put(5)}));
  EXPECT_EQ(d.go_ahead(5), (Lines{"write 5", "progress 5"}));
  EXPECT_EQ(d.urc("+FTPPUT: 1,1,1360"), Lines{});
  EXPECT_EQ(d.ok(), Lines{kClose});
  EXPECT_EQ(d.urc("+FTPPUT: 1,0"), Lines{});
  EXPECT_EQ(d.ok(), Lines{done()});
}

TEST(PutFsm, GoAheadAboveTheRequestIsAProtocolError) {
  ScriptedSource src(pattern(100));
  PutFsm fsm(src);
  FsmDriver d(fsm);
  open_session(d);
  d.urc("+FTPPUT: 1,1,1360");
  EXPECT_EQ(d.go_ahead(150), Lines{"write 150"});  // padded, so the data phase ends
  EXPECT_EQ(d.written().substr(100), std::string(50, '\0'));
  EXPECT_EQ(d.ok(), (Lines{kQuit, kArmAbort}));
  EXPECT_EQ(d.ok(), Lines{});
  EXPECT_EQ(d.urc("+FTPPUT: 1,80"), (Lines{"disarm", done(AtErrc::protocol_error)}));
  EXPECT_EQ(fsm.bytes_written(), 0u);
}

TEST(PutFsm, FailureUrcs) {
  for (int code : {61, 64, 66, 72, 78, 80, 92}) {
    SCOPED_TRACE(code);
    {
      ScriptedSource src("data");
      PutFsm fsm(src);
      FsmDriver d(fsm);
      open_session(d);
      EXPECT_EQ(d.urc("+FTPPUT: 1," + std::to_string(code)), (Lines{"disarm", done_ftp(code)}));
      EXPECT_EQ(d.sent(), std::vector<std::string>{"AT+FTPPUT=1"});  // no write before `1,1,<max>`
    }
    {
      // Mid-write: the go-ahead is still answered in full, then the session's code is reported.
      ScriptedSource src("data");
      PutFsm fsm(src);
      FsmDriver d(fsm);
      open_session(d);
      d.urc("+FTPPUT: 1,1,1360");
      EXPECT_EQ(d.urc("+FTPPUT:1," + std::to_string(code)), Lines{});
      EXPECT_EQ(d.go_ahead(4), Lines{"write 4"});
      EXPECT_EQ(d.ok(), Lines{done_ftp(code)});
    }
    {
      // After the close.
      ScriptedSource src("");
      PutFsm fsm(src);
      FsmDriver d(fsm);
      open_session(d);
      d.urc("+FTPPUT: 1,1");
      d.ok();
      EXPECT_EQ(d.urc("+FTPPUT: 1," + std::to_string(code)), (Lines{"disarm", done_ftp(code)}));
    }
  }
}

TEST(PutFsm, ErrorRepliesAbortTheSession) {
  struct Case {
    const char* name;
    std::function<void(FsmDriver&)> to_failing_command;
    std::function<Lines(FsmDriver&)> after_quit;
    std::string result;
  };
  const Case cases[] = {
      {"=1 ERROR: nothing to quit", [](FsmDriver& d) { d.start(); }, nullptr, done(AtErrc::error_result)},
      {"=2,n ERROR, quit OK, 1,80", [](FsmDriver& d) { open_session(d); d.urc("+FTPPUT: 1,1,1360"); },
       [](FsmDriver& d) { return seq({d.ok(), d.urc("+FTPPUT: 1,80")}); }, done(AtErrc::error_result)},
      {"=2,n ERROR, quit ERROR, the session's own code", [](FsmDriver& d) { open_session(d); d.urc("+FTPPUT: 1,1,1360"); },
       [](FsmDriver& d) { return seq({d.error(), d.urc("+FTPPUT: 1,78")}); }, done_ftp(78)},
      {"=2,0 ERROR", [](FsmDriver& d) { open_session(d); d.urc("+FTPPUT: 1,1,1360"); d.go_ahead(4); d.ok(); d.urc("+FTPPUT: 1,1,1360"); },
       [](FsmDriver& d) { return seq({d.ok(), d.urc("+FTPPUT: 1,80")}); }, done(AtErrc::error_result)},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    ScriptedSource src("data");
    PutFsm fsm(src);
    FsmDriver d(fsm);
    c.to_failing_command(d);
    if (!c.after_quit) {
      EXPECT_EQ(d.error(), Lines{c.result});
      continue;
    }
    EXPECT_EQ(d.error(), (Lines{kQuit, kArmAbort}));
    const auto rest = c.after_quit(d);
    ASSERT_FALSE(rest.empty());
    EXPECT_EQ(rest.back(), c.result);
  }
}

TEST(PutFsm, CloseBeforeWeClosedIsAProtocolError) {
  ScriptedSource src("data");
  PutFsm fsm(src);
  FsmDriver d(fsm);
  open_session(d);
  EXPECT_EQ(d.urc("+FTPPUT: 1,0"), (Lines{"disarm", done(AtErrc::protocol_error)}));
}

TEST(PutFsm, SourceErrorQuitsTheSession) {
  ScriptedSource src(pattern(3000));
  src.fail_at(1360, std::make_error_code(std::errc::io_error));
  PutFsm fsm(src);
  FsmDriver d(fsm);
  open_session(d);
  EXPECT_EQ(d.urc("+FTPPUT: 1,1,1360"), (Lines{"disarm", put(1360)}));
  d.go_ahead(1360);
  d.ok();
  EXPECT_EQ(d.urc("+FTPPUT: 1,1,1360"), (Lines{"disarm", kQuit, kArmAbort}));
  d.ok();
  EXPECT_EQ(d.urc("+FTPPUT: 1,80"), (Lines{"disarm", done(std::make_error_code(std::errc::io_error))}));
}

TEST(PutFsm, DeadlinesQuitWithTimeout) {
  const std::function<void(FsmDriver&)> setups[] = {
      [](FsmDriver& d) { open_session(d); },                                                      // first `1,1`
      [](FsmDriver& d) { open_session(d); d.urc("+FTPPUT: 1,1"); d.go_ahead(4); d.ok(); },         // next `1,1`
      [](FsmDriver& d) { open_session(d); d.urc("+FTPPUT: 1,1"); d.go_ahead(4); d.ok(); d.urc("+FTPPUT: 1,1"); d.ok(); },  // `1,0`
  };
  for (const auto& setup : setups) {
    ScriptedSource src("data");
    PutFsm fsm(src);
    FsmDriver d(fsm);
    setup(d);
    EXPECT_EQ(d.deadline(), (Lines{kQuit, kArmAbort}));
    EXPECT_EQ(seq({d.ok(), d.urc("+FTPPUT: 1,80")}), (Lines{"disarm", done(AtErrc::timeout)}));
  }
}

TEST(PutFsm, CancelInEveryPhase) {
  struct Case {
    const char* name;
    std::function<void(FsmDriver&)> setup;
    std::function<Lines(FsmDriver&)> rest;
    Lines expected;  // cancel's actions and the rest's
  };
  const auto quit_80 = [](FsmDriver& d) { return seq({d.ok(), d.urc("+FTPPUT: 1,80")}); };
  const Case cases[] = {
      {"before start", [](FsmDriver&) {}, [](FsmDriver& d) { return d.start(); }, Lines{done_aborted()}},
      {"open in flight", [](FsmDriver& d) { d.start(); },
       [](FsmDriver& d) { return seq({d.ok(), d.ok(), d.urc("+FTPPUT: 1,80")}); },
       Lines{kQuit, kArmAbort, "disarm", done_aborted()}},
      {"waiting for 1,1", [](FsmDriver& d) { open_session(d); }, quit_80,
       Lines{"disarm", kQuit, kArmAbort, "disarm", done_aborted()}},
      {"writing: the go-ahead is still answered",
       [](FsmDriver& d) { open_session(d); d.urc("+FTPPUT: 1,1"); },
       [](FsmDriver& d) { return seq({d.go_ahead(4), d.ok(), d.ok(), d.urc("+FTPPUT: 1,80")}); },
       Lines{"write 4", kQuit, kArmAbort, "disarm", done_aborted()}},
      {"closing", [](FsmDriver& d) { open_session(d); d.urc("+FTPPUT: 1,1"); d.go_ahead(4); d.ok(); d.urc("+FTPPUT: 1,1"); },
       [](FsmDriver& d) { return seq({d.ok(), d.ok(), d.urc("+FTPPUT: 1,80")}); },
       Lines{kQuit, kArmAbort, "disarm", done_aborted()}},
      {"waiting for 1,0; the upload completes under the quit",
       [](FsmDriver& d) { open_session(d); d.urc("+FTPPUT: 1,1"); d.go_ahead(4); d.ok(); d.urc("+FTPPUT: 1,1"); d.ok(); },
       [](FsmDriver& d) { return seq({d.error(), d.urc("+FTPPUT: 1,0")}); },
       Lines{"disarm", kQuit, kArmAbort, "disarm", done_aborted()}},
      {"quitting", [](FsmDriver& d) { open_session(d); d.deadline(); }, quit_80,
       Lines{"disarm", done(AtErrc::timeout)}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    ScriptedSource src("data");
    PutFsm fsm(src);
    FsmDriver d(fsm);
    c.setup(d);
    EXPECT_EQ(seq({d.cancel(), c.rest(d)}), c.expected);
    EXPECT_TRUE(d.is_done());
  }
}

TEST(PutFsm, LinkLostEndsAtOnce) {
  const std::function<void(FsmDriver&)> setups[] = {
      [](FsmDriver& d) { d.start(); },
      [](FsmDriver& d) { open_session(d); },
      [](FsmDriver& d) { open_session(d); d.urc("+FTPPUT: 1,1"); },
      [](FsmDriver& d) { open_session(d); d.cancel(); },
  };
  for (const auto& setup : setups) {
    ScriptedSource src("data");
    PutFsm fsm(src);
    FsmDriver d(fsm);
    setup(d);
    const auto lines = d.link_lost();
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines.back(), done(AtErrc::modem_restarted));
  }
}

TEST(PutFsm, UnexpectedStreamChunkIsAProtocolError) {
  ScriptedSource src("data");
  PutFsm fsm(src);
  FsmDriver d(fsm);
  open_session(d);
  EXPECT_EQ(d.chunk(), (Lines{"write 0", "disarm", kQuit, kArmAbort}));
}

TEST(PutFsm, StateNames) {
  using S = PutFsm::State;
  for (auto s : {S::idle, S::opening, S::waiting_ready, S::writing, S::closing, S::waiting_result}) {
    EXPECT_STRNE(to_string(s), "?");
  }
}

}  // namespace
}  // namespace sim7080::ftp::test

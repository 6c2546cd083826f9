// ExtPutFsm: AT+FTPEXTPUT staged upload, spec §3.19, §7 (5.12), §8 Q8.
#include "ftp/extput_fsm.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "fsm_test_util.hpp"

namespace sim7080::ftp::test {
namespace {

const std::string kEnable = "send AT+FTPEXTPUT=1";
const std::string kUpload = "send AT+FTPPUT=1";
const std::string kFree = "send AT+FTPEXTPUT=0";
const std::string kQuit = "send AT+FTPQUIT";

std::string load(std::size_t pos, std::size_t len) {
  return "send AT+FTPEXTPUT=2," + std::to_string(pos) + "," + std::to_string(len) + ",10000";
}

// Loads everything (granting exactly what is asked) and stops with AT+FTPPUT=1 in flight.
void load_all(FsmDriver& d, std::size_t total) {
  EXPECT_EQ(d.start(), Lines{kEnable});
  auto lines = d.ok();
  std::size_t pos = 0;
  while (pos < total) {
    const std::size_t len = std::min<std::size_t>(4096, total - pos);
    EXPECT_EQ(lines.back(), load(pos, len));
    EXPECT_EQ(d.go_ahead(len), Lines{"write " + std::to_string(len)});
    pos += len;
    lines = d.ok();
    EXPECT_EQ(lines.front(), "progress " + std::to_string(pos));
  }
  EXPECT_EQ(lines.back(), kUpload);
}

TEST(ExtPutFsm, AppNote512StageUploadFree) {
  const auto data = pattern(1024);
  ScriptedSource src(data);
  ExtPutFsm fsm(src);
  FsmDriver d(fsm);
  EXPECT_EQ(fsm.urc_prefixes()[0], "+FTPPUT");  // the upload reports on +FTPPUT
  EXPECT_EQ(d.start(), Lines{kEnable});
  EXPECT_EQ(fsm.state_name(), "ExtPutFsm:enabling");
  EXPECT_EQ(d.ok(), Lines{load(0, 1024)});
  EXPECT_EQ(fsm.state_name(), "ExtPutFsm:loading");
  EXPECT_EQ(d.go_ahead(1024), Lines{"write 1024"});
  EXPECT_EQ(d.ok(), (Lines{"progress 1024", kUpload}));
  EXPECT_EQ(fsm.state_name(), "ExtPutFsm:opening");
  EXPECT_EQ(d.ok(), Lines{kArm75});
  EXPECT_EQ(fsm.state_name(), "ExtPutFsm:uploading");
  EXPECT_EQ(d.urc("+FTPPUT: 1,0"), (Lines{"disarm", kFree}));  // no `1,1,<max>` in between
  EXPECT_EQ(fsm.state_name(), "ExtPutFsm:cleaning_up");
  EXPECT_EQ(d.ok(), Lines{done()});
  EXPECT_EQ(d.written(), data);
  EXPECT_EQ(fsm.bytes_written(), 1024u);
}

TEST(ExtPutFsm, ContiguousChunksFromZero) {
  const auto data = pattern(10000, 5);
  ScriptedSource src(data, 1000, /*known_size=*/false);
  ExtPutFsm fsm(src);
  FsmDriver d(fsm);
  load_all(d, data.size());
  EXPECT_EQ(d.sent(), (std::vector<std::string>{"AT+FTPEXTPUT=1", "AT+FTPEXTPUT=2,0,4096,10000",
                                                "AT+FTPEXTPUT=2,4096,4096,10000", "AT+FTPEXTPUT=2,8192,1808,10000",
                                                "AT+FTPPUT=1"}));
  EXPECT_EQ(d.ok(), Lines{kArm75});
  EXPECT_EQ(d.urc("+FTPPUT:1,0"), (Lines{"disarm", kFree}));
  EXPECT_EQ(d.ok(), Lines{done()});
  EXPECT_EQ(d.written(), data);
}

TEST(ExtPutFsm, RamLimitIs300000Bytes) {
  {
    // Exactly the limit is fine.
    ScriptedSource src(pattern(ExtPutFsm::kMaxTotalBytes));
    ExtPutFsm fsm(src);
    FsmDriver d(fsm);
    load_all(d, ExtPutFsm::kMaxTotalBytes);
  }
  {
    // Known size over the limit: refused before anything is staged; `=0` still sent.
    ScriptedSource src(pattern(ExtPutFsm::kMaxTotalBytes + 1));
    ExtPutFsm fsm(src);
    FsmDriver d(fsm);
    EXPECT_EQ(d.start(), Lines{kFree});
    EXPECT_EQ(d.ok(), Lines{done(AtErrc::invalid_argument)});
  }
  {
    // Unknown size: discovered while loading.
    ScriptedSource src(pattern(ExtPutFsm::kMaxTotalBytes + 1), SIZE_MAX, /*known_size=*/false);
    ExtPutFsm fsm(src);
    FsmDriver d(fsm);
    d.start();
    auto lines = d.ok();
    std::size_t pos = 0;
    while (lines.back() != kFree) {
      ASSERT_EQ(lines.back(), load(pos, 4096));
      d.go_ahead(4096);
      pos += 4096;
      lines = d.ok();
    }
    EXPECT_EQ(pos, 299008u);  // 73 chunks; the 74th would cross the limit
    EXPECT_EQ(d.ok(), Lines{done(AtErrc::invalid_argument)});
  }
}

TEST(ExtPutFsm, GoAheadCountMustMatch) {
  for (std::size_t count : {1000u, 2000u, 0u}) {
    SCOPED_TRACE(count);
    ScriptedSource src(pattern(1024));
    ExtPutFsm fsm(src);
    FsmDriver d(fsm);
    d.start();
    d.ok();
    EXPECT_EQ(d.go_ahead(count), Lines{"write " + std::to_string(count)});
    EXPECT_EQ(d.ok(), Lines{kFree});
    EXPECT_EQ(d.ok(), Lines{done(AtErrc::protocol_error)});
  }
}

TEST(ExtPutFsm, EveryFailureSendsTheCleanup) {
  for (int code : {61, 65, 66, 77, 78, 80}) {
    SCOPED_TRACE(code);
    ScriptedSource src(pattern(10));
    ExtPutFsm fsm(src);
    FsmDriver d(fsm);
    load_all(d, 10);
    d.ok();
    EXPECT_EQ(d.urc("+FTPPUT: 1," + std::to_string(code)), (Lines{"disarm", kFree}));
    EXPECT_EQ(d.ok(), Lines{done_ftp(code)});
  }
  struct Case {
    const char* name;
    std::function<void(FsmDriver&)> setup;
    std::error_code ec;
  };
  const Case cases[] = {
      {"=1 ERROR", [](FsmDriver& d) { d.start(); }, make_error_code(AtErrc::error_result)},
      {"=2 ERROR", [](FsmDriver& d) { d.start(); d.ok(); d.go_ahead(10); }, make_error_code(AtErrc::error_result)},
      {"=2 CME before the go-ahead", [](FsmDriver& d) { d.start(); d.ok(); }, make_cme_error(765)},
      {"AT+FTPPUT=1 ERROR", [](FsmDriver& d) { load_all(d, 10); }, make_error_code(AtErrc::error_result)},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    ScriptedSource src(pattern(10));
    ExtPutFsm fsm(src);
    FsmDriver d(fsm);
    c.setup(d);
    EXPECT_EQ(d.error(c.ec), Lines{kFree});
    EXPECT_EQ(d.ok(), Lines{done(c.ec)});
  }
  {
    // Even a failing cleanup does not hide the first error.
    ScriptedSource src(pattern(10));
    ExtPutFsm fsm(src);
    FsmDriver d(fsm);
    d.start();
    d.error();
    EXPECT_EQ(d.error(make_cme_error(3)), Lines{done(AtErrc::error_result)});
  }
}

TEST(ExtPutFsm, SourceErrorWhileLoading) {
  ScriptedSource src(pattern(10000));
  src.fail_at(4096, std::make_error_code(std::errc::io_error));
  ExtPutFsm fsm(src);
  FsmDriver d(fsm);
  d.start();
  d.ok();
  d.go_ahead(4096);
  EXPECT_EQ(d.ok(), (Lines{"progress 4096", kFree}));
  EXPECT_EQ(d.ok(), Lines{done(std::make_error_code(std::errc::io_error))});
}

TEST(ExtPutFsm, DeadlineQuitsThenFrees) {
  ScriptedSource src(pattern(10));
  ExtPutFsm fsm(src);
  FsmDriver d(fsm);
  load_all(d, 10);
  d.ok();
  EXPECT_EQ(d.deadline(), (Lines{kQuit, kArmAbort}));
  EXPECT_EQ(d.ok(), Lines{});
  EXPECT_EQ(d.urc("+FTPPUT: 1,80"), (Lines{"disarm", kFree}));
  EXPECT_EQ(d.ok(), Lines{done(AtErrc::timeout)});
}

TEST(ExtPutFsm, CancelInEveryPhaseFrees) {
  struct Case {
    const char* name;
    std::function<void(FsmDriver&)> setup;
    std::function<Lines(FsmDriver&)> rest;
    Lines expected;
  };
  const Case cases[] = {
      {"before start", [](FsmDriver&) {}, [](FsmDriver& d) { return d.start(); }, Lines{done_aborted()}},
      {"enabling", [](FsmDriver& d) { d.start(); }, [](FsmDriver& d) { return seq({d.ok(), d.ok()}); },
       Lines{kFree, done_aborted()}},
      {"loading: the go-ahead is still answered", [](FsmDriver& d) { d.start(); d.ok(); },
       [](FsmDriver& d) { return seq({d.go_ahead(10), d.ok(), d.ok()}); }, Lines{"write 10", kFree, done_aborted()}},
      {"AT+FTPPUT=1 in flight", [](FsmDriver& d) { load_all(d, 10); },
       [](FsmDriver& d) { return seq({d.ok(), d.ok(), d.urc("+FTPPUT: 1,80"), d.ok()}); },
       Lines{kQuit, kArmAbort, "disarm", kFree, done_aborted()}},
      {"uploading", [](FsmDriver& d) { load_all(d, 10); d.ok(); },
       [](FsmDriver& d) { return seq({d.ok(), d.urc("+FTPPUT: 1,80"), d.ok()}); },
       Lines{"disarm", kQuit, kArmAbort, "disarm", kFree, done_aborted()}},
      {"cleaning up", [](FsmDriver& d) { load_all(d, 10); d.ok(); d.urc("+FTPPUT: 1,0"); },
       [](FsmDriver& d) { return d.ok(); }, Lines{done()}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    ScriptedSource src(pattern(10));
    ExtPutFsm fsm(src);
    FsmDriver d(fsm);
    c.setup(d);
    EXPECT_EQ(seq({d.cancel(), c.rest(d)}), c.expected);
    EXPECT_TRUE(d.is_done());
  }
}

TEST(ExtPutFsm, LinkLostEndsAtOnceWithoutCleanup) {
  const std::function<void(FsmDriver&)> setups[] = {
      [](FsmDriver& d) { d.start(); },
      [](FsmDriver& d) { d.start(); d.ok(); },
      [](FsmDriver& d) { load_all(d, 10); d.ok(); },
  };
  for (const auto& setup : setups) {
    ScriptedSource src(pattern(10));
    ExtPutFsm fsm(src);
    FsmDriver d(fsm);
    setup(d);
    EXPECT_EQ(d.link_lost().back(), done(AtErrc::modem_restarted));
  }
}

TEST(ExtPutFsm, StateNames) {
  using S = ExtPutFsm::State;
  for (auto s : {S::idle, S::enabling, S::loading, S::opening, S::uploading}) EXPECT_STRNE(to_string(s), "?");
}

}  // namespace
}  // namespace sim7080::ftp::test

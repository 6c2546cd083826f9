// Case 6: the module falls silent mid-transfer (--silent-after-bytes N: after the reply it is
// writing, its output is lost and host input ignored, until the host sends a bare AT — or, with
// --silent-ms M, for M ms). With a short FtpConfig::session_timeout the operation's deadline fires:
// AtErrc::timeout, no hang; the session's abort wrote AT+FTPQUIT into the silence (unanswered);
// then the host recovers with AT (Modem::async_initialize) and AT+FTPQUIT (FtpSession::async_quit),
// checked byte for byte on the wire, and the next transfer succeeds.
//
// What bounds each case (src/ftp/fsm.hpp, src/ftp/command_table.cpp): the wait for a session URC
// is FtpConfig::session_timeout (1 s here); the abort's AT+FTPQUIT waits kAbortTimeout (10 s) for
// the operation's final URC; EXTGET's liveness probe AT+FTPSTATE has the 5 s command deadline; the
// extended operations' cleanup (AT+FTPEXTGET=0 / AT+FTPEXTPUT=0) has the FTP commands' 75 s. So
// the silence is chosen where the host waits for a session URC (a silent module while a command
// such as AT+FTPGET=2 is in flight is detected only by that command's fixed 75 s deadline), and
// the extended methods use a timed silence (3 s) that ends before their cleanup command.
#include <fmt/format.h>

#include "faults_common.hpp"

namespace faults {
namespace {

struct SilentCase {
  std::string name;
  Transfer t;
  std::vector<std::string> knobs;
  bool quits;            ///< the abort sends AT+FTPQUIT (ETGET has no abort in data mode)
  Ms bound;              ///< the deadline must fire well within this
  std::string quit_reply;  ///< how the module answers the recovery's AT+FTPQUIT
};

void PrintTo(const SilentCase& c, std::ostream* os) { *os << c.name; }

Transfer dl(GetMethod m, std::size_t n) { return {true, m, PutMethod::put, Content::random, n}; }
Transfer ul(PutMethod m, std::size_t n) { return {false, GetMethod::get, m, Content::random, n}; }

std::vector<SilentCase> silent_cases() {
  const std::vector<std::string> until_at = {"--silent-after-bytes", "1"};
  // The operation ended during the silence (its final URC was lost): nothing to quit.
  const std::string kEnded = "\r\nERROR\r\n";
  return {
      // GET of one short read: silent after it, the host waits for `+FTPGET: 1,0`.
      {"get", dl(GetMethod::get, 1000), until_at, true, 20s, kEnded},
      // PUT: silent from the opening OK, the host waits for `+FTPPUT: 1,1,<max>`. (After a
      // chunk the module sends its OK and the next `1,1,<max>` together, and the host's next
      // AT+FTPPUT=2,<n> would meet the silence: only that command's 75 s deadline ends it.)
      {"put", ul(PutMethod::put, 5000), {"--silent-after-bytes", "0"}, true, 20s, "\r\nOK\r\n\r\n+FTPPUT: 1,80\r\n"},
      // ETPUT: silent after the stream's OK, the host waits for `+FTPETPUT: 1,0`.
      {"etput", ul(PutMethod::etput, 5000), until_at, true, 20s, kEnded},
      // ETGET: silent inside the stream (the rest of it is lost): the inactivity deadline.
      {"etget", dl(GetMethod::etget, 300000), until_at, false, 10s, kEnded},
      // EXTGET / EXTPUT: silent from the opening OK for 3 s; the wait for `+FTPEXTGET: 1,0`
      // (`+FTPPUT: 1,0`) times out.
      {"extget", dl(GetMethod::extget, 5000), {"--silent-after-bytes", "0", "--silent-ms", "3000"}, true, 30s, kEnded},
      {"extput", ul(PutMethod::extput, 5000), {"--silent-after-bytes", "0", "--silent-ms", "3000"}, true, 30s, kEnded},
  };
}

class Silent : public E2eTest, public ::testing::WithParamInterface<SilentCase> {};

TEST_P(Silent, DeadlineFiresThenAtAndQuitRecover) {
  const SilentCase& c = GetParam();
  EnvOptions o;
  o.emu_args = c.knobs;
  o.session_timeout = 1s;
  ASSERT_TRUE(start(o));
  ReadLog log;  // rx received by the time AT+FTPQUIT was written
  log.marker = "AT+FTPQUIT\r";
  env.modem->add_trace_sink(log);
  env.wire.capture = true;
  const std::string data = make_content(c.t.content, c.t.size, 12);
  const bool until_at = std::find(c.knobs.begin(), c.knobs.end(), "--silent-ms") == c.knobs.end();

  const Attempt a = run_transfer(env, c.t, "/silent-" + method_name(c.t) + ".bin", data, {}, c.bound + 30s);
  EXPECT_EQ(a.ec, sim7080::make_error_code(AtErrc::timeout)) << a.ec.message();
  EXPECT_EQ(a.ec, Condition::retryable);
  EXPECT_LT(a.took, c.bound) << "the deadline fired late";
  expect_nothing_complete(a, c.t, data);
  const std::string emu_log = env.emu.log();
  EXPECT_NE(emu_log.find("[emu] silent after"), std::string::npos) << "the module never fell silent";

  const std::size_t rx_at_error = env.wire.rx.size();
  const std::size_t tx_at_error = env.wire.tx.size();
  if (c.quits) {
    // The abort wrote AT+FTPQUIT into the silence: nothing came back (unless a timed silence
    // had ended by then, when the quit is answered).
    ASSERT_FALSE(log.marks.empty()) << "the abort sent no AT+FTPQUIT";
    if (until_at) {
      EXPECT_EQ(log.marks.front(), log.rx.size()) << "the silent module answered AT+FTPQUIT: "
                                                  << ::testing::PrintToString(log.rx.substr(log.marks.front()));
    }
  } else {
    EXPECT_TRUE(log.marks.empty()) << "AT+FTPQUIT cannot end a transparent stream";
  }

  // Recovery: AT (ends the silence), ATE0, AT+CMEE=1, then AT+FTPQUIT for whatever the module
  // may still be running; then the next transfer.
  const auto init = env.initialize();
  ASSERT_FALSE(init) << "initialize after the silence: " << init.message();
  auto quit = env.run([&](auto h) { env.session->async_quit(std::move(h)); });
  ASSERT_FALSE(quit.ec) << "async_quit: " << quit.ec.message();
  const std::string tx_after = env.wire.tx.substr(tx_at_error);
  const std::string rx_after = env.wire.rx.substr(rx_at_error);
  // On the wire: the first AT the module answered came back OK; the quit was written and
  // answered (OK with the operation's `1,80`, or ERROR when it had ended meanwhile).
  EXPECT_EQ(tx_after.rfind("AT\r", 0), 0u) << ::testing::PrintToString(tx_after);
  EXPECT_NE(tx_after.find("ATE0\rAT+CMEE=1\rAT+FTPQUIT\r"), std::string::npos) << ::testing::PrintToString(tx_after);
  if (until_at) {
    // Until a bare AT: the first bytes after the silence are the answer to it.
    EXPECT_EQ(rx_after.rfind("\r\nOK\r\n", 0), 0u) << ::testing::PrintToString(rx_after.substr(0, 200));
  }
  EXPECT_NE(env.emu.log().find("[emu] silence over"), std::string::npos);
  // The module's answer to the quit: ERROR when the operation had ended during the silence, or
  // OK and the operation's `1,80` when it was still running (the put waits for data forever).
  EXPECT_TRUE(env.run_until([&] { return env.wire.rx.ends_with(c.quit_reply); }, 5s))
      << ::testing::PrintToString(env.wire.rx.substr(env.wire.rx.size() > 200 ? env.wire.rx.size() - 200 : 0));
  auto st = env.state();
  ASSERT_FALSE(st.ec) << st.ec.message();
  EXPECT_EQ(st.value(), sim7080::FtpState::idle);
  env.modem->remove_trace_sink(log);
  env.wire.capture = false;
  check_transfer(env, c.t, "after-silence");
}

INSTANTIATE_TEST_SUITE_P(Faults, Silent, ::testing::ValuesIn(silent_cases()),
                         [](const ::testing::TestParamInfo<SilentCase>& i) { return i.param.name; });

}  // namespace
}  // namespace faults

namespace faults {
namespace {

// A module that falls silent while one of the operation's own commands is in flight — here the
// PUT's next AT+FTPPUT=2,<n> (the emulator sends a chunk's OK and the next `+FTPPUT: 1,1,<max>`
// together) — is noticed within FtpConfig::session_timeout: it caps every command's deadline
// (75 s in the table) and the abort's wait for `1,80` (10 s). Before that cap this took ~90 s.
TEST(SilentLimit, SilentWhileAnUploadCommandIsInFlightIsBoundBySessionTimeout) {
  Env env;
  EnvOptions o;
  o.emu_args = {"--silent-after-bytes", "1"};
  o.session_timeout = 1s;
  ASSERT_TRUE(env.start(o));
  const std::string data = make_content(Content::random, 5000, 13);
  const Transfer t{false, GetMethod::get, PutMethod::put, Content::random, 5000};
  const Attempt a = run_transfer(env, t, "/silent-in-flight.bin", data, {}, 150s);
  EXPECT_EQ(a.ec, sim7080::make_error_code(AtErrc::timeout)) << a.ec.message();
  EXPECT_LT(a.took, 20s) << "a silent module was noticed only after "
                         << std::chrono::duration_cast<Ms>(a.took).count() << " ms";
  ASSERT_FALSE(env.initialize());
  check_transfer(env, t, "after-silence");
}

}  // namespace
}  // namespace faults

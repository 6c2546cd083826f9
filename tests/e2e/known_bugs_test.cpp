// Library bugs found by the end-to-end suite. Fixed ones stay as regression tests (suite
// Regression); open ones are DISABLED_ tests (suite KnownBug) that state the correct behaviour
// and fail today: run them with --gtest_also_run_disabled_tests, enable each with its fix. The
// rest of the suite works around the open ones where it must.
#include <fmt/format.h>

#include "e2e_fixture.hpp"

namespace e2e {
namespace {

using sim7080::AtErrc;
using sim7080::Condition;
using sim7080::GetMethod;
using sim7080::PutMethod;

class BugTest : public E2eTest {
 protected:
  std::error_code transfer(const Transfer& t, const std::string& remote) {
    const std::string data = make_content(t.content, t.size, 11);
    sim7080::MemorySink sink;
    sim7080::MemorySource source(as_bytes(data));
    if (t.download) {
      write_file(env.server_root() / remote.substr(1), data);
      sim7080::GetOptions o;
      o.method = t.get;
      return env.get(remote, sink, o).ec;
    }
    sim7080::PutOptions o;
    o.method = t.put;
    return env.put(source, remote, o).ec;
  }
  // initialize, bearer up, then the same transfer with its bytes checked.
  void expect_recovery(const Transfer& t) {
    const auto init = env.initialize();
    ASSERT_FALSE(init) << "async_initialize after the restart: " << init.message();
    auto up = env.run<sim7080::BearerInfo>([&](auto h) {
      sim7080::BearerOptions b;
      b.cid = 0;
      env.modem->async_bearer_up(b, std::move(h));
    });
    ASSERT_FALSE(up.ec) << "async_bearer_up after the restart: " << up.ec.message();
    check_transfer(env, t, "recovered");
  }
};

class Regression : public BugTest {};
class KnownBug : public BugTest {};

// BUG 1, fixed (src/api/modem.cpp, Modem::add_trace_sink / Modem::Impl::attach): a sink added before
// open() is silently dropped (there is no TracedStream yet), and every open() builds a new
// TracedStream without the sinks added earlier.
TEST_F(Regression, TraceSinkAddedBeforeOpenSeesTraffic) {
  ASSERT_TRUE(start());
  WireTap early;
  sim7080::Modem modem(env.io.get_executor());
  modem.add_trace_sink(early);
  Emulator emu2;  // a second emulator for this modem
  ASSERT_TRUE(emu2.start({"--bearer-up"}, env.local_dir()));
  ASSERT_FALSE(modem.open(sim7080::SerialOptions{emu2.pty()}));
  bool done = false;
  std::error_code ec;
  modem.async_initialize([&](std::error_code e) {
    ec = e;
    done = true;
  });
  ASSERT_TRUE(env.run_until([&] { return done; }, 20s));
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_GT(early.tx_bytes, 0u) << "the sink added before open() saw no TX bytes";
  modem.close();
  env.io.poll();
  emu2.stop();
}

// BUG 2, fixed (src/at/command_channel.cpp, CommandChannel::on_line / restart_signal): one reboot
// emits RDY, +CFUN: 1, +CPIN: READY, SMS Ready; each is handled as a separate restart, so
// ModemStats::restarts grows by 4, "modem restarted" is traced 4 times, the link listeners run
// 4 times, and a command written between the first and the last of them is failed with
// modem_restarted although it was sent after the reboot.
TEST_F(Regression, OneRebootCountsOneRestart) {
  EnvOptions o;
  o.emu_args = {"--restart-after-bytes", "3000"};
  ASSERT_TRUE(start(o));
  env.wire.capture = true;
  const auto before = env.modem->stats().restarts;
  EXPECT_EQ(transfer({true, GetMethod::get, PutMethod::put, Content::random, 40000}, "/r.bin"),
            sim7080::make_error_code(AtErrc::modem_restarted));
  // All four boot URCs in.
  ASSERT_TRUE(env.run_until([&] { return env.wire.rx.find("SMS Ready\r\n") != std::string::npos; }, 5s));
  EXPECT_EQ(env.modem->stats().restarts, before + 1);
  EXPECT_EQ(std::count(env.wire.events.begin(), env.wire.events.end(), "modem restarted"), 1);
}

// BUG 2, consequence: with the boot URCs arriving in separate reads (--fragment), an operation
// started from the failed operation's completion handler is failed by a later URC of the same
// boot.
TEST_F(Regression, InitializeFromTheRestartHandlerSucceeds) {
  EnvOptions o;
  o.emu_args = {"--restart-after-bytes", "3000", "--fragment", "5"};
  ASSERT_TRUE(start(o));
  const std::string data = make_content(Content::random, 20000);
  write_file(env.server_root() / "f.bin", data);
  sim7080::MemorySink sink;
  std::error_code get_ec, init_ec;
  bool done = false;
  env.session->async_get("/f.bin", sink, sim7080::GetOptions{}, [&](std::error_code ec, sim7080::TransferResult) {
    get_ec = ec;
    env.modem->async_initialize([&](std::error_code e) {
      init_ec = e;
      done = true;
    });
  });
  ASSERT_TRUE(env.run_until([&] { return done; }, 30s));
  EXPECT_EQ(get_ec, sim7080::make_error_code(AtErrc::modem_restarted));
  EXPECT_FALSE(init_ec) << "initialize started after the restart failed: " << init_ec.message();
}

// BUG 3 (src/ftp/op_runner.cpp OpRunner::finish, src/ftp/session_op_base.cpp, src/at/
// command_channel.cpp fail_all): a restart during EXTGET fails the AT+FTPEXTGET=3 already on the
// wire; the FSM then (depending on which of command_done / link_lost it sees first) writes the
// cleanup AT+FTPEXTGET=0, and the runner finishes. The rebooted module answers both (ERROR,
// OK); answers the channel no longer expects shift every later reply by one: AT gets
// EXTGET=0's OK, ..., AT+CPIN? gets AT+CMEE=1's OK, async_bearer_up fails with protocol_error,
// and the trailing `+CPIN: READY` is taken for one more restart. Racy: seen in the first full
// runs of the suite, not reproducible in isolation; this test tries a few rounds.
TEST_F(KnownBug, DISABLED_ExtgetRestartLeavesChannelInSync) {
  ASSERT_TRUE(start());
  for (int round = 0; round < 5 && !HasFailure(); ++round) {
    SCOPED_TRACE(round);
    ASSERT_TRUE(env.restart_emulator({"--restart-after-bytes", "3000"}));
    const Transfer t{true, GetMethod::extget, PutMethod::put, Content::random, 40000};
    EXPECT_EQ(transfer(t, "/x.bin"), sim7080::make_error_code(AtErrc::modem_restarted));
    expect_recovery(t);  // no draining of the late answers
  }
}

// BUG 3, EXTPUT flavour: the AT+FTPEXTPUT=2,<pos>,<len>,<timeout> written just before the boot
// URCs is answered with its go-ahead by the rebooted module; the library has failed it and
// sends AT+FTPEXTPUT=0 and the AT probes of async_initialize, which the module swallows as
// upload data until its data phase times out: initialize fails with AtErrc::timeout.
TEST_F(KnownBug, DISABLED_ExtputRestartThenInitializeSucceeds) {
  EnvOptions o;
  o.emu_args = {"--restart-after-bytes", "3000"};
  ASSERT_TRUE(start(o));
  const Transfer t{false, GetMethod::get, PutMethod::extput, Content::random, 40000};
  EXPECT_EQ(transfer(t, "/x.bin"), sim7080::make_error_code(AtErrc::modem_restarted));
  expect_recovery(t);
}

// BUG 4 (src/at/tokenizer.hpp Tokenizer::disarm_payload, src/ftp/op_runner.cpp
// OpRunner::finish): when an ETGET stream ends without its ETX (here: the module reboots
// inside the stream, its boot URCs are read as payload), the operation only ends by the session
// deadline (AtErrc::timeout, not modem_restarted) and the tokenizer STAYS in transparent mode:
// every later reply is eaten as stream payload, every later command times out, the Modem is
// unusable until it is closed and reopened.
TEST_F(KnownBug, DISABLED_EtgetStreamCutByRestartIsLinkLostAndChannelRecovers) {
  EnvOptions o;
  o.emu_args = {"--restart-after-bytes", "3000"};
  o.session_timeout = 3s;
  ASSERT_TRUE(start(o));
  const Transfer t{true, GetMethod::etget, PutMethod::put, Content::random, 40000};
  const auto ec = transfer(t, "/x.bin");
  EXPECT_EQ(ec, Condition::link_lost) << ec.message();
  expect_recovery(t);
}

// BUG 4, the narrow part: whatever ended the stream, the channel must leave stream mode.
TEST_F(KnownBug, DISABLED_ChannelLeavesStreamModeAfterEtgetDeadline) {
  EnvOptions o;
  o.emu_args = {"--restart-after-bytes", "3000"};
  o.session_timeout = 3s;
  ASSERT_TRUE(start(o));
  const auto ec = transfer({true, GetMethod::etget, PutMethod::put, Content::random, 40000}, "/x.bin");
  EXPECT_EQ(ec, sim7080::make_error_code(AtErrc::timeout)) << ec.message();
  auto state = env.run<std::vector<std::string>>([&](auto h) { env.modem->async_command("AT", 2s, std::move(h)); }, 10s);
  EXPECT_FALSE(state.ec) << "plain AT after the stream: " << state.ec.message();
}

}  // namespace
}  // namespace e2e

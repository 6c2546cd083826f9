// Case 3: the module restarts (--restart-after-bytes N: RDY, +CFUN: 1, +CPIN: READY, SMS Ready;
// settings lost, bearer down) at the start (N = 1), the middle (size/2) and the end (N = size:
// every payload byte crossed, the completion did not) of each of the six methods. The transfer
// ends with AtErrc::modem_restarted (link_lost) — for ETGET, whose reboot happens inside the
// transparent stream where `RDY` is data, with AtErrc::timeout at the session deadline — nothing
// partial looks complete, and after initialize + bearer up the same transfer succeeds.
#include <fmt/format.h>

#include "faults_common.hpp"

namespace faults {
namespace {

// Large enough that ETGET's stream leaves the module in several pieces (its buffer is 64 KiB).
constexpr std::size_t kSize = 200000;
constexpr std::string_view kBoot = "\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n\r\nSMS Ready\r\n";

class RestartAt : public E2eTest, public ::testing::WithParamInterface<Transfer> {};

TEST_P(RestartAt, StartMiddleEnd) {
  const Transfer t = GetParam();
  EnvOptions o;
  o.session_timeout = 3s;  // bounds the ETGET case (a reboot inside the stream is invisible)
  ASSERT_TRUE(start(o));
  const std::string data = make_content(Content::random, kSize, 21);
  for (auto [where, n] : {std::pair{"start", std::size_t{1}}, std::pair{"middle", kSize / 2}, std::pair{"end", kSize}}) {
    SCOPED_TRACE(fmt::format("{}: restart after {} payload bytes", where, n));
    ASSERT_TRUE(env.restart_emulator({"--restart-after-bytes", std::to_string(n)}));
    env.wire.clear();
    env.wire.capture = true;
    const auto restarts = env.modem->stats().restarts;
    const Attempt a = run_transfer(env, t, fmt::format("/restart-{}-{}.bin", method_name(t), where), data, {}, 30s);
    if (t.download && t.get == GetMethod::etget) {
      EXPECT_EQ(a.ec, sim7080::make_error_code(AtErrc::timeout)) << a.ec.message();
    } else {
      EXPECT_EQ(a.ec, sim7080::make_error_code(AtErrc::modem_restarted)) << a.ec.message();
      EXPECT_EQ(a.ec, Condition::link_lost);
      EXPECT_EQ(env.modem->stats().restarts, restarts + 1);
    }
    if (t.download && t.get == GetMethod::etget) {
      // Inside the transparent stream the boot URCs are data: the sink got a valid prefix, then
      // the reboot's text, and was abandoned (nothing presented as complete).
      ASSERT_TRUE(std::string_view(a.delivered).ends_with(kBoot)) << "no reboot text at the end of the stream";
      const std::string prefix = a.delivered.substr(0, a.delivered.size() - kBoot.size());
      std::string valid = prefix + std::string(kBoot);
      expect_nothing_complete(a, t, data, &valid);
      EXPECT_EQ(prefix, data.substr(0, prefix.size())) << "the stream before the reboot is not a prefix of the file";
      EXPECT_LE(prefix.size(), data.size());
    } else {
      expect_nothing_complete(a, t, data);
    }
    std::cerr << where << ": " << a.ec.message() << " after "
              << std::chrono::duration_cast<Ms>(a.took).count() << " ms, " << a.delivered.size() << " bytes delivered\n";
    EXPECT_NE(env.wire.rx.find("\r\nRDY\r\n"), std::string::npos) << "the module did not reboot";
    env.wire.capture = false;

    // Re-initialise (the reboot forgot ATE0, CMEE and every FTP setting), bring the bearer up
    // again, and the same transfer goes through.
    const auto recovery = std::chrono::steady_clock::now();
    const auto init = env.initialize();
    ASSERT_FALSE(init) << "initialize after the restart: " << init.message();
    ASSERT_TRUE(bearer_up(env));
    check_transfer(env, t, fmt::format("after-{}", where));
    std::cerr << where << ": recovered in "
              << std::chrono::duration_cast<Ms>(std::chrono::steady_clock::now() - recovery).count() << " ms\n";
    if (HasFatalFailure()) return;
  }
}

INSTANTIATE_TEST_SUITE_P(Faults, RestartAt, ::testing::ValuesIn(all_methods(Content::random, kSize)),
                         [](const ::testing::TestParamInfo<Transfer>& i) { return method_name(i.param); });

}  // namespace
}  // namespace faults

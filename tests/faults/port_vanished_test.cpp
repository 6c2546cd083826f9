// Case 4: the serial port vanishes mid-transfer: the emulator is killed from the transfer's
// progress callback once a third of the bytes moved (its pty master closes, the host's reads
// fail with EIO as when a USB modem re-enumerates). The transfer ends at once with
// TransportErrc::port_vanished (retryable, link_lost), nothing partial looks complete, and on a
// new emulator (Modem::open again, initialize) the same transfer succeeds.
#include <fmt/format.h>

#include "faults_common.hpp"

namespace faults {
namespace {

constexpr std::size_t kSize = 60000;

class PortVanished : public E2eTest, public ::testing::WithParamInterface<Transfer> {};

TEST_P(PortVanished, MidTransferThenNewPort) {
  const Transfer t = GetParam();
  ASSERT_TRUE(start());
  const std::string data = make_content(Content::etx_dle, kSize, 4);
  bool killed = false;
  std::uint64_t killed_at = 0;
  auto progress = [&](const sim7080::Progress& p) {
    if (killed || p.bytes_done < kSize / 3) return;
    killed = true;
    killed_at = p.bytes_done;
    env.emu.stop();  // SIGTERM (SIGKILL after 3 s): the pty master goes away
  };
  const Attempt a = run_transfer(env, t, fmt::format("/vanish-{}.bin", method_name(t)), data, progress, 30s);
  ASSERT_TRUE(killed) << "the transfer never reached a third: " << a.ec.message();
  EXPECT_FALSE(env.emu.running());
  EXPECT_EQ(a.ec, sim7080::make_error_code(TransportErrc::port_vanished)) << a.ec.message() << " (killed at "
                                                                           << killed_at << " bytes)";
  EXPECT_EQ(a.ec, Condition::link_lost);
  EXPECT_EQ(a.ec, Condition::retryable);
  EXPECT_LT(a.took, 10s) << "the vanished port was noticed late";
  expect_nothing_complete(a, t, data);

  // The session is not stuck: another operation on the dead port fails at once, typed.
  auto sz = env.size("/anything.bin", 10s);
  EXPECT_TRUE(sz.completed);
  EXPECT_TRUE(sz.ec == TransportErrc::port_vanished || sz.ec == TransportErrc::not_open ||
              sz.ec == AtErrc::channel_closed)
      << sz.ec.message();

  ASSERT_TRUE(env.restart_emulator({}));
  check_transfer(env, t, "after-vanish");
}

INSTANTIATE_TEST_SUITE_P(Faults, PortVanished, ::testing::ValuesIn(all_methods(Content::etx_dle, kSize)),
                         [](const ::testing::TestParamInfo<Transfer>& i) { return method_name(i.param); });

}  // namespace
}  // namespace faults

// `-b RATE`: the module is switched with AT+IPR when it does not already answer at RATE, and a
// later run finds it there (AT+IPR is saved). The emulator's --strict-baud drops host bytes
// sent at another speed than the module's, as a real UART would.
#include "cli_harness.hpp"

namespace cli_test {
namespace {

class CliBaud : public OwnRigTest {};

TEST_F(CliBaud, UpgradesWithIprAndFindsTheRateNextTime) {
  ASSERT_TRUE(rig.start({.emu_args = {"--baud", "115200", "--strict-baud"}}));
  const auto first = rig.ftp({"-b", "921600", "--record", (rig.local_dir() / "t1.at").string(), "state"});
  ASSERT_TRUE(exited(first, 0)) << first;
  EXPECT_EQ(first.out, "idle\n");
  const std::string trace = read_file(rig.local_dir() / "t1.at");
  EXPECT_NE(trace.find("> AT+IPR=921600\n"), std::string::npos) << trace;
  // The module now runs at 921600: a second run talks to it at once, with no AT+IPR.
  const auto second = rig.ftp({"-b", "921600", "--record", (rig.local_dir() / "t2.at").string(), "state"});
  ASSERT_TRUE(exited(second, 0)) << second;
  EXPECT_EQ(read_file(rig.local_dir() / "t2.at").find("AT+IPR"), std::string::npos);
  EXPECT_LT(second.seconds, first.seconds);
}

}  // namespace
}  // namespace cli_test

// `get --retries N`: a download broken by a dropped connection is resumed by the library from
// the byte reached and ends with the whole file (and no part file).
#include "cli_harness.hpp"

namespace cli_test {
namespace {

class CliRetries : public OwnRigTest {};

TEST_F(CliRetries, ResumesAfterADroppedConnection) {
  ASSERT_TRUE(rig.start({.emu_args = {"--drop-after-bytes", "5000"}}));
  std::string data(100 * 1024, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>((i * 131 + 7) % 251);
  write_file(rig.server_dir() / "r.bin", data);
  const auto r = rig.ftp({"get", "/r.bin", "r.bin", "--retries", "2"});
  ASSERT_TRUE(exited(r, 0)) << r;
  EXPECT_EQ(read_file(rig.local_dir() / "r.bin"), data);
  EXPECT_FALSE(fs::exists(rig.local_dir() / "r.bin.part"));
}

}  // namespace
}  // namespace cli_test

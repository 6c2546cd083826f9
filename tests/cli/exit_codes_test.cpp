// Exit codes: 0 ok, 1 FTP/modem error, 2 usage, 3 serial transport error, 4 timeout (the last in
// options_test.cpp); an interrupted download leaves no file behind.
#include <signal.h>

#include "cli_harness.hpp"

namespace cli_test {
namespace {

std::vector<std::string> cli(std::vector<std::string> args) {
  args.insert(args.begin(), SIM7080_FTP_BINARY);
  return args;
}

SpawnOptions clean_env() {
  SpawnOptions o;
  o.env = {{"SIM7080_DEVICE", std::nullopt}, {"FTP_PASSWORD", "x"}};
  o.cwd = fs::temp_directory_path();
  return o;
}

// No modem needed: the command line is rejected before the device is opened.
TEST(CliUsage, BadCommandLinesExit2WithAMessage) {
  struct Row { const char* why; std::vector<std::string> args; const char* message; };
  const Row rows[] = {
      {"unknown option", {"-d", "/dev/null", "--bogus", "state"}, "--bogus"},
      {"unknown command", {"-d", "/dev/null", "fetch", "/a"}, "subcommand"},
      {"no command", {"-d", "/dev/null"}, "subcommand"},
      {"get without REMOTE", {"-d", "/dev/null", "get"}, "REMOTE"},
      {"put without REMOTE", {"-d", "/dev/null", "put", "a.bin"}, "REMOTE"},
      {"mv without TO", {"-d", "/dev/null", "mv", "/a"}, "TO"},
      {"size without REMOTE", {"-d", "/dev/null", "size"}, "REMOTE"},
      {"option without value", {"-d", "/dev/null", "state", "--timeout"}, ""},
      {"-s without value", {"-d", "/dev/null", "-s"}, ""},
      {"no device", {"-s", "127.0.0.1", "state"}, "no device"},
      {"bad --method", {"-d", "/dev/null", "get", "/a", "--method", "ftpget"}, "--method"},
      {"put --method of get", {"-d", "/dev/null", "put", "a", "/a", "--method", "etget"}, "--method"},
      {"--append with --unique", {"-d", "/dev/null", "put", "a", "/a", "--append", "--unique"}, "--unique"},
      {"--cid out of range", {"-d", "/dev/null", "--cid", "4", "state"}, "--cid"},
      {"bad bearer action", {"-d", "/dev/null", "bearer", "sideways"}, "sideways"},
      {"port out of range", {"-d", "/dev/null", "-P", "70000", "state"}, "--port"},
      {"--offset not a number", {"-d", "/dev/null", "get", "/a", "--offset", "ten"}, "--offset"},
      {"--password on the command line", {"-d", "/dev/null", "--password", "pw", "state"}, "--password"},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.why);
    const auto r = run(cli(row.args), clean_env(), 10s);
    ASSERT_TRUE(exited(r, 2));
    EXPECT_NE(r.err.find(row.message), std::string::npos) << r.err;
    EXPECT_NE(r.err, "");
  }
}

TEST(CliUsage, NoSuchDeviceExits3NamingTheDevice) {
  for (const char* device : {"/dev/does-not-exist", "/nonexistent/dir/ttyUSB9"}) {
    SCOPED_TRACE(device);
    const auto r = run(cli({"-d", device, "-s", "127.0.0.1", "-u", "u", "state"}), clean_env(), 10s);
    ASSERT_TRUE(exited(r, 3));
    EXPECT_NE(r.err.find(device), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");
  }
  // The same through $SIM7080_DEVICE.
  auto o = clean_env();
  o.env["SIM7080_DEVICE"] = "/dev/does-not-exist";
  EXPECT_TRUE(exited(run(cli({"state"}), o, 10s), 3));
}

class CliErrors : public SharedRigTest {};

TEST_F(CliErrors, FtpErrorsExit1NamingTheErrorAndItsNumber) {
  write_file(rig().server_dir() / "e.txt", "exists");
  write_file(rig().local_dir() / "up.txt", "up");
  struct Row { std::vector<std::string> args; std::map<std::string, std::optional<std::string>> env; const char* message; };
  const Row rows[] = {
      {{"size", "/e.txt"}, {{"FTP_PASSWORD", "wrong"}}, "FTP password error (72)"},
      {{"size", "/missing.txt"}, {}, "(77)"},
      {{"mdtm", "/missing.txt"}, {}, "(77)"},
      {{"get", "/missing.txt", "missing.txt"}, {}, "(77)"},
      {{"rm", "/missing.txt"}, {}, "(77)"},
      {{"rmdir", "/missing-dir"}, {}, "(77)"},
      {{"mv", "/missing.txt", "/other.txt"}, {}, "(77)"},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.args[0] + " " + row.args[1] + (row.env.empty() ? "" : " (wrong password)"));
    const auto r = rig().ftp(row.args, Call{.env = row.env});
    ASSERT_TRUE(exited(r, 1));
    EXPECT_NE(r.err.find(row.message), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("sim7080-ftp: " + row.args[0] + ": "), std::string::npos) << r.err;
  }
  EXPECT_FALSE(fs::exists(rig().local_dir() / "missing.txt"));
  EXPECT_FALSE(fs::exists(rig().local_dir() / "missing.txt.part"));
  EXPECT_FALSE(fs::exists(rig().local_dir() / "e.txt"));
}

TEST_F(CliErrors, PutOfAMissingLocalFileIsRejected) {
  const auto r = rig().ftp({"put", "no-such-local.bin", "/x.bin"});
  EXPECT_TRUE(exited(r, 2));
  EXPECT_NE(r.err.find("no-such-local.bin"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(rig().server_dir() / "x.bin"));
}

class CliTransport : public OwnRigTest {};

// The emulator paced at 115200 baud needs ~90 s for 1 MiB: it is killed after the first bytes.
TEST_F(CliTransport, EmulatorKilledMidTransferExits3AndLeavesNoFile) {
  ASSERT_TRUE(rig.start({.emu_args = {"--baud", "115200"}}));
  write_file(rig.server_dir() / "big.bin", random_bytes(1 << 20, 5));
  const fs::path part = rig.local_dir() / "big.bin.part";
  Proc ftp;
  ASSERT_TRUE(ftp.start(rig.argv({.args = {"--baud", "115200", "get", "/big.bin", "big.bin"}}), rig.spawn_options({})));
  std::error_code ec;
  const bool started = ftp.pump_until([&] { return fs::exists(part, ec) && fs::file_size(part, ec) > 0; }, 20s);
  ASSERT_TRUE(started) << "no byte arrived in big.bin.part within 20 s\n" << ftp.wait(1s);
  rig.emulator().kill(SIGKILL);
  const auto r = ftp.wait(20s);
  ASSERT_TRUE(exited(r, 3));
  EXPECT_NE(r.err.find("vanished"), std::string::npos) << r.err;
  EXPECT_LT(r.seconds, 30.0);
  EXPECT_FALSE(fs::exists(rig.local_dir() / "big.bin"));
  EXPECT_FALSE(fs::exists(part));
}

// --timeout while bytes still flow (1 MiB at 115200 baud): exit 4 soon after the deadline.
TEST_F(CliTransport, TimeoutDuringATransferExits4AndLeavesNoFile) {
  ASSERT_TRUE(rig.start({.emu_args = {"--baud", "115200"}}));
  write_file(rig.server_dir() / "big.bin", random_bytes(1 << 20, 5));
  const auto r = rig.ftp({"--timeout", "2", "get", "/big.bin", "big.bin"});
  ASSERT_TRUE(exited(r, 4));
  EXPECT_LT(r.seconds, 8.0);
  EXPECT_FALSE(fs::exists(rig.local_dir() / "big.bin"));
  EXPECT_FALSE(fs::exists(rig.local_dir() / "big.bin.part"));
}

class CliInterrupted : public OwnRigTest {};

// The emulator's FTP data connection dies after 5000 bytes (once): error 79, no file; a retry
// then succeeds and the file appears whole.
TEST_F(CliInterrupted, DroppedDownloadExits1AndLeavesNeitherLocalNorPart) {
  ASSERT_TRUE(rig.start({.emu_args = {"--drop-after-bytes", "5000"}}));
  const std::string data = random_bytes(100 * 1024, 6);
  write_file(rig.server_dir() / "f.bin", data);
  auto r = rig.ftp({"get", "/f.bin", "f.bin"});
  ASSERT_TRUE(exited(r, 1));
  EXPECT_NE(r.err.find("(79)"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(rig.local_dir() / "f.bin"));
  EXPECT_FALSE(fs::exists(rig.local_dir() / "f.bin.part"));
  r = rig.ftp({"get", "/f.bin", "f.bin"});
  ASSERT_TRUE(exited(r, 0));
  EXPECT_EQ(sha256_hex(read_file(rig.local_dir() / "f.bin")), sha256_hex(data));
  EXPECT_FALSE(fs::exists(rig.local_dir() / "f.bin.part"));
}

TEST_F(CliInterrupted, DroppedDownloadKeepsAnExistingLocalFileUntouched) {
  ASSERT_TRUE(rig.start({.emu_args = {"--drop-after-bytes", "5000"}}));
  write_file(rig.server_dir() / "f.bin", random_bytes(100 * 1024, 6));
  write_file(rig.local_dir() / "f.bin", "previous version");
  ASSERT_TRUE(exited(rig.ftp({"get", "/f.bin", "f.bin"}), 1));
  EXPECT_EQ(read_file(rig.local_dir() / "f.bin"), "previous version");
  EXPECT_FALSE(fs::exists(rig.local_dir() / "f.bin.part"));
}

}  // namespace
}  // namespace cli_test

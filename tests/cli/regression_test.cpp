// CLI bugs found by these tests, each kept as a regression test now that it is fixed. The
// comment above each test says what was wrong.
#include <signal.h>

#include "cli_harness.hpp"

namespace cli_test {
namespace {

class CliRegression : public OwnRigTest {};

// main.cpp: the --timeout deadline is armed in cli::run_command (cli_run.cpp arm_deadline), i.e.
// only after Modem::async_initialize; with a 3 s latency initialisation alone takes ~9-12 s.
TEST_F(CliRegression, TimeoutAlsoBoundsInitialisation) {
  ASSERT_TRUE(rig.start({.emu_args = {"--latency-ms", "3000"}}));
  const auto r = rig.ftp({"--timeout", "1", "state"}, Call{.limit = 40s});
  ASSERT_TRUE(exited(r, 4));
  EXPECT_LT(r.seconds, 5.0);
}

// main.cpp: trace_out.open() / record_out.open() are not checked: an unwritable FILE is ignored
// silently and the run "succeeds" without the requested trace or transcript.
TEST_F(CliRegression, UnwritableTraceOrRecordFileIsAnError) {
  ASSERT_TRUE(rig.start());
  for (const char* opt : {"--trace", "--record"}) {
    SCOPED_TRACE(opt);
    const auto r = rig.ftp({opt, "/nonexistent-dir/file.txt", "state"});
    EXPECT_NE(r.exit, 0) << r;
    EXPECT_NE(r.err.find("/nonexistent-dir/file.txt"), std::string::npos) << r;
  }
}

// main.cpp: with --json, a device that cannot be opened (and a failed initialisation) prints
// only a text message on stderr and no JSON object on stdout.
TEST(CliRegressionNoRig, JsonReportsDeviceErrorsAsAnObject) {
  SpawnOptions o;
  o.env = {{"SIM7080_DEVICE", std::nullopt}};
  const auto r = run({SIM7080_FTP_BINARY, "--json", "-d", "/dev/does-not-exist", "state"}, o, 10s);
  ASSERT_TRUE(exited(r, 3));
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 1u) << r;
  const auto json = parse_json(lines[0]);
  ASSERT_TRUE(json && json->find("ok") && json->find("category")) << r;
  EXPECT_FALSE(json->find("ok")->boolean);
  EXPECT_EQ(json->find("category")->string, "sim7080.transport");
}

// main.cpp: no SIGINT/SIGTERM handling: Ctrl-C during a download leaves LOCAL.part behind (and
// the module mid-session). Fix: an asio::signal_set that emits the run's cancellation signal.
TEST_F(CliRegression, SigtermDuringADownloadRemovesThePartFile) {
  ASSERT_TRUE(rig.start({.emu_args = {"--baud", "115200"}}));
  write_file(rig.server_dir() / "big.bin", random_bytes(1 << 20, 5));
  const fs::path part = rig.local_dir() / "big.bin.part";
  Proc ftp;
  ASSERT_TRUE(ftp.start(rig.argv({.args = {"get", "/big.bin", "big.bin"}}), rig.spawn_options({})));
  std::error_code ec;
  ASSERT_TRUE(ftp.pump_until([&] { return fs::exists(part, ec) && fs::file_size(part, ec) > 0; }, 20s));
  ftp.kill(SIGTERM);
  const auto r = ftp.wait(10s);
  EXPECT_FALSE(r.timed_out);
  EXPECT_FALSE(fs::exists(part)) << r;
  EXPECT_FALSE(fs::exists(rig.local_dir() / "big.bin"));
}

// progress_bar.cpp: with an unknown total (every download), the last update is throttled away
// and finish() only prints "\n": the bar ends showing a stale count (e.g. "1460 B").
TEST_F(CliRegression, ProgressBarEndsWithTheFinalByteCount) {
  ASSERT_TRUE(rig.start());
  write_file(rig.server_dir() / "p.bin", random_bytes(200 * 1024, 4));
  const auto r = rig.ftp({"get", "/p.bin", "p.bin"}, Call{.stderr_pty = true});
  ASSERT_TRUE(exited(r, 0));
  EXPECT_NE(r.err.find("204800 B"), std::string::npos) << r.err;
}

// cli_run.cpp start_get: argument problems found while starting a download surface as the
// library's generic "invalid argument: it cannot be sent on an AT command line", which names
// neither the option nor the problem (--offset with --method extget/etget; a REMOTE ending in
// "/", whose base name, the default LOCAL, is empty).
TEST_F(CliRegression, GetArgumentErrorsNameTheProblem) {
  ASSERT_TRUE(rig.start());
  write_file(rig.server_dir() / "d" / "f.bin", "data");
  struct Row { std::vector<std::string> args; const char* message; };
  for (const Row& row : {Row{{"get", "/d/f.bin", "f.bin", "--method", "etget", "--offset", "2"}, "--offset"},
                         Row{{"get", "/d/f.bin", "f.bin", "--method", "extget", "--offset", "2"}, "--offset"},
                         Row{{"get", "/d/"}, "LOCAL"}}) {
    SCOPED_TRACE(row.args[1] + " " + row.args.back());
    const auto r = rig.ftp(row.args);
    EXPECT_TRUE(exited(r, 2));
    EXPECT_NE(r.err.find(row.message), std::string::npos) << r.err;
  }
}

// cli_run.cpp start_get: LOCAL naming an existing directory makes FileSink rename LOCAL.part onto
// the directory: "sim7080-ftp: get: Device or resource busy", exit 1. Expected: the file lands
// in the directory under REMOTE's base name (like cp), or a usage error naming the directory.
TEST_F(CliRegression, GetIntoAnExistingDirectory) {
  ASSERT_TRUE(rig.start());
  write_file(rig.server_dir() / "f.bin", "data");
  fs::create_directories(rig.local_dir() / "into");
  const auto r = rig.ftp({"get", "/f.bin", "into"});
  EXPECT_TRUE(exited(r, 0));
  EXPECT_EQ(read_file(rig.local_dir() / "into" / "f.bin"), "data");
  EXPECT_EQ(r.err.find("busy"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace cli_test

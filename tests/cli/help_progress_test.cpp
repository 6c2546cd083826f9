// --help texts, and the progress bar (only on a terminal).
#include "cli_harness.hpp"

namespace cli_test {
namespace {

Result help(std::vector<std::string> args) {
  args.insert(args.begin(), SIM7080_FTP_BINARY);
  SpawnOptions o;
  o.env = {{"SIM7080_DEVICE", std::nullopt}};
  return run(args, o, 10s);
}

TEST(CliHelp, ListsEveryGlobalOptionAndEveryCommand) {
  for (const char* flag : {"--help", "-h"}) {
    SCOPED_TRACE(flag);
    const auto r = help({flag});
    ASSERT_TRUE(exited(r, 0));
    for (const char* s : {"-d,--device", "-b,--baud", "--rtscts", "-s,--server", "-P,--port", "-u,--user", "--password-env",
                          "--active", "--ascii", "--cid", "--timeout", "--trace", "--record", "--json", "-q,--quiet",
                          "SIM7080_DEVICE", "FTP_PASSWORD"})
      EXPECT_NE(r.out.find(s), std::string::npos) << s << " missing from\n" << r.out;
    for (const char* cmd : {"get", "put", "ls", "size", "mdtm", "rm", "mkdir", "rmdir", "mv", "state", "bearer"})
      EXPECT_NE(r.out.find(std::string("\n  ") + cmd + " "), std::string::npos) << cmd << " missing from\n" << r.out;
  }
}

TEST(CliHelp, EachCommandDocumentsItsArgumentsAndOptions) {
  struct Row { const char* command; std::vector<const char*> strings; };
  const Row rows[] = {
      {"get", {"REMOTE", "LOCAL", "--method", "--offset", "extget", "etget"}},
      {"put", {"LOCAL", "REMOTE", "--method", "--append", "--unique", "extput", "etput"}},
      {"ls", {"PATH"}},
      {"size", {"REMOTE"}},
      {"mdtm", {"REMOTE"}},
      {"rm", {"REMOTE"}},
      {"mkdir", {"PATH"}},
      {"rmdir", {"PATH"}},
      {"mv", {"FROM", "TO"}},
      {"state", {}},
      {"bearer", {"ACTION", "up", "down", "status", "--apn"}},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.command);
    const auto r = help({row.command, "--help"});
    ASSERT_TRUE(exited(r, 0));
    for (const char* s : row.strings) EXPECT_NE(r.out.find(s), std::string::npos) << s << " missing from\n" << r.out;
  }
}

// The tests' stderr is a pipe: no bar. With a pseudo-terminal as stderr: a bar.
class CliProgress : public SharedRigTest {};

TEST_F(CliProgress, ABarOnlyWhenStderrIsATerminal) {
  const std::string data = random_bytes(200 * 1024, 4);
  write_file(rig().server_dir() / "p.bin", data);
  write_file(rig().local_dir() / "p-up.bin", data);
  struct Row { std::vector<std::string> args; bool pty; bool bar; };
  const Row rows[] = {
      {{"get", "/p.bin", "p1.bin"}, false, false},
      {{"put", "p-up.bin", "/p-up1.bin"}, false, false},
      {{"get", "/p.bin", "p2.bin"}, true, true},
      {{"put", "p-up.bin", "/p-up2.bin", "--method", "etput"}, true, true},
      {{"-q", "get", "/p.bin", "p3.bin"}, true, false},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.args[0] + (row.pty ? " on a pty" : " on a pipe"));
    const auto r = rig().ftp(row.args, Call{.stderr_pty = row.pty});
    ASSERT_TRUE(exited(r, 0));
    const bool bar = r.err.find("KiB/s") != std::string::npos || r.err.find('%') != std::string::npos;
    EXPECT_EQ(bar, row.bar) << r.err;
    EXPECT_EQ(r.err.find('\r') != std::string::npos, row.bar) << r.err;
  }
  for (const char* f : {"p1.bin", "p2.bin", "p3.bin"}) EXPECT_EQ(read_file(rig().local_dir() / f), data) << f;
  for (const char* f : {"p-up1.bin", "p-up2.bin"}) EXPECT_EQ(read_file(rig().server_dir() / f), data) << f;
}

}  // namespace
}  // namespace cli_test

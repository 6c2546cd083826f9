// Every command of the CLI contract, its effect checked on the server's disk or the local file.
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <regex>

#include "cli_harness.hpp"

namespace cli_test {
namespace {

class CliCommands : public SharedRigTest {
 protected:
  fs::path server(const std::string& remote) { return rig().server_dir() / remote.substr(1); }
  fs::path local(const std::string& name) { return rig().local_dir() / name; }
};

TEST_F(CliCommands, GetEachMethodDownloadsTheExactBytesThroughAPartFile) {
  for (const char* method : {"get", "extget", "etget"}) {
    SCOPED_TRACE(method);
    const std::string data = random_bytes(50'000, 7), remote = std::string("/dl/") + method + ".bin";
    write_file(server(remote), data);
    const std::string name = std::string("got-") + method + ".bin";
    const auto r = rig().ftp({"get", remote, name, "--method", method});
    ASSERT_TRUE(exited(r, 0));
    EXPECT_EQ(sha256_hex(read_file(local(name))), sha256_hex(data));
    EXPECT_FALSE(fs::exists(local(name + ".part")));
    EXPECT_NE(r.err.find("downloaded 50000 bytes"), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");
  }
}

TEST_F(CliCommands, GetWithoutLocalWritesTheBaseNameIntoTheWorkingDirectory) {
  const std::string data = random_bytes(3000, 8);
  write_file(server("/deep/dir/base-name.dat"), data);
  const fs::path cwd = rig().local_dir() / "cwd";
  fs::create_directories(cwd);
  Call call;
  call.cwd = cwd;
  ASSERT_TRUE(exited(rig().ftp({"get", "/deep/dir/base-name.dat"}, call), 0));
  EXPECT_EQ(read_file(cwd / "base-name.dat"), data);
  EXPECT_EQ(std::distance(fs::directory_iterator(cwd), fs::directory_iterator()), 1);
}

TEST_F(CliCommands, GetOffsetResumesByAppendingToTheLocalFile) {
  const std::string data = random_bytes(60'000, 9);
  write_file(server("/resume.bin"), data);
  for (std::size_t offset : {std::size_t{1}, std::size_t{20'000}, std::size_t{59'999}}) {
    SCOPED_TRACE(offset);
    write_file(local("resume.bin"), data.substr(0, offset));
    const auto r = rig().ftp({"get", "/resume.bin", "resume.bin", "--offset", std::to_string(offset)});
    ASSERT_TRUE(exited(r, 0));
    EXPECT_EQ(sha256_hex(read_file(local("resume.bin"))), sha256_hex(data));
    EXPECT_FALSE(fs::exists(local("resume.bin.part")));
  }
}

TEST_F(CliCommands, PutEachMethodUploadsTheExactBytes) {
  fs::create_directories(server("/up"));
  for (const char* method : {"put", "extput", "etput"}) {
    SCOPED_TRACE(method);
    const std::string data = random_bytes(50'000, 10), name = std::string("up-") + method + ".bin";
    write_file(local(name), data);
    const auto r = rig().ftp({"put", name, "/up/" + name, "--method", method});
    ASSERT_TRUE(exited(r, 0));
    EXPECT_EQ(sha256_hex(read_file(server("/up/" + name))), sha256_hex(data));
    EXPECT_NE(r.err.find("uploaded 50000 bytes"), std::string::npos) << r.err;
  }
}

TEST_F(CliCommands, PutAppendExtendsTheRemoteFile) {
  for (const char* method : {"put", "extput", "etput"}) {
    SCOPED_TRACE(method);
    const std::string remote = std::string("/append-") + method + ".txt";
    write_file(server(remote), "head-");
    write_file(local("tail.txt"), "tail\r\n");
    ASSERT_TRUE(exited(rig().ftp({"put", "tail.txt", remote, "--append", "--method", method}), 0));
    EXPECT_EQ(read_file(server(remote)), "head-tail\r\n");
  }
}

TEST_F(CliCommands, PutUniqueCreatesANewFileAndKeepsTheOriginal) {
  write_file(server("/uniq/file.txt"), "original");
  write_file(local("new.txt"), "new content");
  ASSERT_TRUE(exited(rig().ftp({"put", "new.txt", "/uniq/file.txt", "--unique"}), 0));
  EXPECT_EQ(read_file(server("/uniq/file.txt")), "original");
  std::vector<std::string> created;
  for (const auto& e : fs::directory_iterator(server("/uniq")))
    if (e.path().filename() != "file.txt") created.push_back(e.path().filename().string());
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(read_file(server("/uniq/" + created[0])), "new content");
}

TEST_F(CliCommands, LsPrintsOneLinePerEntry) {
  write_file(server("/lsdir/a.txt"), "abc");
  write_file(server("/lsdir/b.bin"), random_bytes(1234, 1));
  fs::create_directories(server("/lsdir/sub"));
  struct Row { std::vector<std::string> args; fs::path dir; };
  for (const Row& row : {Row{{"ls", "/lsdir"}, server("/lsdir")}, Row{{"ls"}, rig().server_dir()}}) {
    SCOPED_TRACE(row.args.size() == 1 ? "ls" : "ls /lsdir");
    const auto r = rig().ftp(row.args);
    ASSERT_TRUE(exited(r, 0));
    std::vector<std::string> names, want;
    for (const auto& l : lines_of(r.out)) {
      const std::string name = l.substr(l.rfind(' ') + 1);
      names.push_back(name);
      EXPECT_EQ(l[0] == 'd', fs::is_directory(row.dir / name)) << l;  // ls -l style lines
      if (name == "b.bin") {
        EXPECT_NE(l.find(" 1234 "), std::string::npos) << l;
      }
    }
    for (const auto& e : fs::directory_iterator(row.dir)) want.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    std::sort(want.begin(), want.end());
    EXPECT_EQ(names, want) << r.out;
  }
}

TEST_F(CliCommands, SizePrintsTheNumberOfBytes) {
  for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{123'457}}) {
    write_file(server("/size.bin"), random_bytes(n, 2));
    const auto r = rig().ftp({"size", "/size.bin"});
    ASSERT_TRUE(exited(r, 0));
    EXPECT_EQ(r.out, std::to_string(n) + "\n");
  }
}

TEST_F(CliCommands, MdtmPrintsTheServersModificationTimeInIso8601Utc) {
  write_file(server("/mdtm.txt"), "x");
  for (std::int64_t t : {std::int64_t{1'582'977'600} /* 2020-02-29T12:00:00Z */, std::int64_t{946'684'799}}) {
    const timespec times[2] = {{t, 0}, {t, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, server("/mdtm.txt").c_str(), times, 0), 0);
    struct stat st{};
    ASSERT_EQ(::stat(server("/mdtm.txt").c_str(), &st), 0);
    const auto r = rig().ftp({"mdtm", "/mdtm.txt"});
    ASSERT_TRUE(exited(r, 0));
    EXPECT_TRUE(std::regex_match(r.out, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n)"))) << r.out;
    EXPECT_EQ(r.out, iso8601(st.st_mtime) + "\n");
  }
  EXPECT_EQ(iso8601(1'582'977'600), "2020-02-29T12:00:00Z");
}

TEST_F(CliCommands, MkdirMvRmRmdirChangeTheServersDisk) {
  write_file(server("/ops-file.txt"), "payload");
  struct Step { std::vector<std::string> args; std::function<bool()> effect; };
  const Step steps[] = {
      {{"mkdir", "/ops"}, [&] { return fs::is_directory(server("/ops")); }},
      {{"mv", "/ops-file.txt", "/ops-renamed.txt"},
       [&] { return !fs::exists(server("/ops-file.txt")) && read_file(server("/ops-renamed.txt")) == "payload"; }},
      {{"rm", "/ops-renamed.txt"}, [&] { return !fs::exists(server("/ops-renamed.txt")); }},
      {{"rmdir", "/ops"}, [&] { return !fs::exists(server("/ops")); }},
  };
  for (const auto& s : steps) {
    SCOPED_TRACE(s.args[0]);
    const auto r = rig().ftp(s.args);
    ASSERT_TRUE(exited(r, 0));
    EXPECT_TRUE(s.effect());
    EXPECT_NE(r.err.find("done"), std::string::npos) << r.err;
  }
}

TEST_F(CliCommands, StatePrintsIdle) {
  const auto r = rig().ftp({"state"});
  ASSERT_TRUE(exited(r, 0));
  EXPECT_EQ(r.out, "idle\n");
}

// `bearer` against an emulator whose PDP context starts inactive.
class CliBearer : public OwnRigTest {};

std::string field(const std::string& out, const std::string& key) {
  for (const auto& l : lines_of(out))
    if (l.rfind(key + ": ", 0) == 0) return l.substr(key.size() + 2);
  return "<no " + key + ">";
}

TEST_F(CliBearer, UpActivatesStatusShowsTheAddressDownDeactivates) {
  ASSERT_TRUE(rig.start({.emu_args = {}, .bearer_up = false}));
  write_file(rig.server_dir() / "b.txt", "bearer");
  auto r = rig.ftp({"bearer", "status"});
  ASSERT_TRUE(exited(r, 0));
  EXPECT_EQ(field(r.out, "active"), "no") << r.out;
  EXPECT_TRUE(exited(rig.ftp({"size", "/b.txt"}), 1)) << "FTP without a bearer";

  struct Row { std::vector<std::string> args; const char* active; const char* address; };
  for (const Row& row : {Row{{"bearer", "up"}, "yes", "10.94.36.44"}, Row{{"bearer", "status"}, "yes", "10.94.36.44"}}) {
    r = rig.ftp(row.args);
    ASSERT_TRUE(exited(r, 0));
    EXPECT_EQ(field(r.out, "active"), row.active) << r.out;
    EXPECT_EQ(field(r.out, "address"), row.address) << r.out;
    EXPECT_EQ(field(r.out, "sim"), "READY") << r.out;
  }
  r = rig.ftp({"size", "/b.txt"});
  ASSERT_TRUE(exited(r, 0));
  EXPECT_EQ(r.out, "6\n");

  r = rig.ftp({"bearer", "down"});
  ASSERT_TRUE(exited(r, 0));
  EXPECT_EQ(field(r.out, "active"), "no") << r.out;
  EXPECT_EQ(field(rig.ftp({"bearer", "status"}).out, "active"), "no");
}

TEST_F(CliBearer, UpWithApnConfiguresTheApnFirst) {
  ASSERT_TRUE(rig.start({.emu_args = {}, .bearer_up = false}));
  const auto r = rig.ftp({"--record", "apn.at", "bearer", "up", "--apn", "iot.example"});
  ASSERT_TRUE(exited(r, 0));
  EXPECT_EQ(field(r.out, "active"), "yes") << r.out;
  const std::string at = read_file(rig.local_dir() / "apn.at");
  const auto apn = at.find("iot.example"), activate = at.find("> AT+CNACT=0,1");
  EXPECT_NE(apn, std::string::npos) << at;
  EXPECT_LT(apn, activate) << at;
}

}  // namespace
}  // namespace cli_test

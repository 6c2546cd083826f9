// ls, size, mdtm, rm, mkdir, rmdir, mv through the module, checked against the server's disk.
#include <fmt/format.h>

#include <map>
#include <set>

#include "e2e_fixture.hpp"

namespace e2e {
namespace {

using sim7080::AtErrc;
using sim7080::Condition;
using sim7080::FtpErrc;
using sim7080::ListEntry;
using SimpleOp = sim7080::FtpSession::SimpleOp;

class RemoteOps : public SharedEnvTest {
 protected:
  fs::path disk(const std::string& remote) { return env().server_root() / remote.substr(1); }
};

std::string kind_name(ListEntry::Kind k) {
  switch (k) {
    case ListEntry::Kind::file: return "file";
    case ListEntry::Kind::directory: return "dir";
    case ListEntry::Kind::symlink: return "symlink";
    case ListEntry::Kind::other: return "other";
    case ListEntry::Kind::unknown: return "unknown";
  }
  return "?";
}

// name -> "kind size" as the server's disk has it.
std::map<std::string, std::string> disk_listing(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& de : fs::directory_iterator(dir)) {
    out[de.path().filename().string()] =
        de.is_directory() ? "dir" : fmt::format("file {}", fs::file_size(de.path()));
  }
  return out;
}

std::map<std::string, std::string> module_listing(const std::vector<ListEntry>& entries) {
  std::map<std::string, std::string> out;
  for (const auto& en : entries) {
    out[en.name] = en.kind == ListEntry::Kind::directory
                       ? "dir"
                       : fmt::format("{} {}", kind_name(en.kind), en.size_bytes ? std::to_string(*en.size_bytes) : "?");
  }
  return out;
}

TEST_F(RemoteOps, ListMatchesTheServersDirectories) {
  Env& e = env();
  fs::create_directories(disk("/ls/sub/deeper"));
  write_file(disk("/ls/a.txt"), "0123456789");
  write_file(disk("/ls/b.bin"), make_content(Content::random, 1461));
  write_file(disk("/ls/empty"), "");
  write_file(disk("/ls/sub/c.txt"), make_content(Content::crlf, 4096));
  fs::create_directories(disk("/ls/emptydir"));

  for (const std::string dir : {"/ls", "/ls/sub", "/ls/emptydir"}) {
    SCOPED_TRACE(dir);
    auto r = e.list(dir);
    ASSERT_FALSE(r.ec) << r.ec.message();
    EXPECT_EQ(module_listing(r.value()), disk_listing(disk(dir)));
    for (const auto& en : r.value()) {
      EXPECT_FALSE(en.raw.empty());
      EXPECT_EQ(en.raw.find('\n'), std::string::npos);
      EXPECT_EQ(en.raw.find('\r'), std::string::npos);
      if (en.modified) {
        // The listing has minute resolution; the files were written moments ago.
        const auto on_disk = fs::file_time_type::clock::to_sys(fs::last_write_time(disk(dir + "/" + en.name)));
        const auto diff = std::chrono::abs(std::chrono::duration_cast<std::chrono::seconds>(on_disk - *en.modified));
        EXPECT_LE(diff, std::chrono::seconds(120)) << en.raw;
      }
    }
  }
  // One file.
  auto one = e.list("/ls/a.txt");
  ASSERT_FALSE(one.ec) << one.ec.message();
  ASSERT_EQ(one.value().size(), 1u);
  EXPECT_EQ(one.value()[0].name, "a.txt");
  EXPECT_EQ(one.value()[0].size_bytes, std::optional<std::uint64_t>(10));
  // The root, relative and absolute spellings.
  auto root = e.list("/");
  ASSERT_FALSE(root.ec) << root.ec.message();
  EXPECT_EQ(module_listing(root.value()), disk_listing(e.server_root()));
  // A missing directory.
  auto missing = e.list("/ls/no-such-dir");
  EXPECT_EQ(missing.ec, sim7080::make_error_code(FtpErrc::operate_error)) << missing.ec.message();
  EXPECT_EQ(missing.ec, Condition::not_found);
}

TEST_F(RemoteOps, SizeMatchesTheServersFiles) {
  Env& e = env();
  fs::create_directories(disk("/size/sub"));
  for (std::size_t n : {0u, 1u, 1460u, 1461u, 300001u, 1048576u}) {
    SCOPED_TRACE(n);
    const std::string remote = fmt::format("/size/sub/f{}.bin", n);
    write_file(disk(remote), make_content(Content::nul_ff, n));
    auto r = e.size(remote);
    ASSERT_FALSE(r.ec) << r.ec.message();
    EXPECT_EQ(r.value(), fs::file_size(disk(remote)));
    EXPECT_EQ(r.value(), n);
  }
  auto missing = e.size("/size/none.bin");
  EXPECT_EQ(missing.ec, sim7080::make_error_code(FtpErrc::operate_error)) << missing.ec.message();
  EXPECT_EQ(missing.ec, Condition::not_found);
}

TEST_F(RemoteOps, MdtmIsTheFilesModificationTimeUtc) {
  Env& e = env();
  fs::create_directories(disk("/mdtm/x"));
  using namespace std::chrono;
  const sys_seconds times[] = {sys_days{2021y / March / 4} + 5h + 6min + 7s, sys_days{1999y / December / 31} + 23h + 59min + 59s,
                               sys_days{2038y / January / 19} + 3h + 14min + 8s};
  int i = 0;
  for (auto t : times) {
    const std::string remote = fmt::format("/mdtm/x/t{}.txt", i++);
    write_file(disk(remote), "time");
    fs::last_write_time(disk(remote), fs::file_time_type::clock::from_sys(t));
    auto r = e.mdtm(remote);
    ASSERT_FALSE(r.ec) << r.ec.message();
    EXPECT_EQ(r.value(), t) << remote;
  }
  auto missing = e.mdtm("/mdtm/none.txt");
  EXPECT_EQ(missing.ec, sim7080::make_error_code(FtpErrc::operate_error)) << missing.ec.message();
  EXPECT_EQ(missing.ec, Condition::not_found);
}

TEST_F(RemoteOps, RemoveDeletesFromDisk) {
  Env& e = env();
  fs::create_directories(disk("/rm/d"));
  write_file(disk("/rm/one.txt"), "1");
  write_file(disk("/rm/d/two.bin"), make_content(Content::random, 5000));
  write_file(disk("/rm/keep.txt"), "keep");
  for (const std::string remote : {"/rm/one.txt", "/rm/d/two.bin"}) {
    SCOPED_TRACE(remote);
    EXPECT_FALSE(e.simple(SimpleOp::remove, remote));
    EXPECT_FALSE(fs::exists(disk(remote)));
    const auto again = e.simple(SimpleOp::remove, remote);
    EXPECT_EQ(again, sim7080::make_error_code(FtpErrc::operate_error)) << again.message();
    EXPECT_EQ(again, Condition::not_found);
  }
  EXPECT_EQ(read_file(disk("/rm/keep.txt")), "keep");
  // A directory is not a file.
  const auto dir = e.simple(SimpleOp::remove, "/rm/d");
  EXPECT_EQ(dir, sim7080::make_error_code(FtpErrc::operate_error)) << dir.message();
  EXPECT_TRUE(fs::is_directory(disk("/rm/d")));
}

TEST_F(RemoteOps, MkdirAndRmdirChangeTheDisk) {
  Env& e = env();
  EXPECT_FALSE(e.simple(SimpleOp::mkdir, "/mk"));
  EXPECT_TRUE(fs::is_directory(disk("/mk")));
  EXPECT_FALSE(e.simple(SimpleOp::mkdir, "/mk/inner"));
  EXPECT_TRUE(fs::is_directory(disk("/mk/inner")));
  EXPECT_FALSE(e.simple(SimpleOp::mkdir, "/mk/inner/third/"));  // trailing slash
  EXPECT_TRUE(fs::is_directory(disk("/mk/inner/third")));

  auto exists = e.simple(SimpleOp::mkdir, "/mk/inner");
  EXPECT_EQ(exists, sim7080::make_error_code(FtpErrc::operate_error)) << exists.message();

  // A non-empty directory cannot go; an empty one can.
  auto busy = e.simple(SimpleOp::rmdir, "/mk/inner");
  EXPECT_EQ(busy, sim7080::make_error_code(FtpErrc::operate_error)) << busy.message();
  EXPECT_TRUE(fs::is_directory(disk("/mk/inner")));
  EXPECT_FALSE(e.simple(SimpleOp::rmdir, "/mk/inner/third"));
  EXPECT_FALSE(fs::exists(disk("/mk/inner/third")));
  EXPECT_FALSE(e.simple(SimpleOp::rmdir, "/mk/inner"));
  EXPECT_FALSE(e.simple(SimpleOp::rmdir, "/mk"));
  EXPECT_FALSE(fs::exists(disk("/mk")));

  auto gone = e.simple(SimpleOp::rmdir, "/mk");
  EXPECT_EQ(gone, sim7080::make_error_code(FtpErrc::operate_error)) << gone.message();
  EXPECT_EQ(gone, Condition::not_found);

  // The root can be neither made nor removed: refused before anything is written.
  for (auto op : {SimpleOp::mkdir, SimpleOp::rmdir}) {
    const auto tx = e.wire.tx_bytes;
    EXPECT_EQ(e.simple(op, "/"), sim7080::make_error_code(AtErrc::invalid_argument));
    EXPECT_EQ(e.wire.tx_bytes, tx);
  }
}

TEST_F(RemoteOps, RenameWithinADirectory) {
  Env& e = env();
  fs::create_directories(disk("/mv/other"));
  const std::string data = make_content(Content::etx_dle, 3000);
  write_file(disk("/mv/old.bin"), data);

  EXPECT_FALSE(e.rename("/mv/old.bin", "new.bin"));  // bare name: same directory
  EXPECT_FALSE(fs::exists(disk("/mv/old.bin")));
  EXPECT_EQ(sha256_file(disk("/mv/new.bin")), sha256_hex(data));

  EXPECT_FALSE(e.rename("/mv/new.bin", "/mv/newer.bin"));  // full path, same directory
  EXPECT_FALSE(fs::exists(disk("/mv/new.bin")));
  EXPECT_EQ(sha256_file(disk("/mv/newer.bin")), sha256_hex(data));

  auto missing = e.rename("/mv/absent.bin", "x.bin");
  EXPECT_EQ(missing, sim7080::make_error_code(FtpErrc::operate_error)) << missing.message();
  EXPECT_EQ(missing, Condition::not_found);
  EXPECT_FALSE(fs::exists(disk("/mv/x.bin")));

  // Another directory: the module cannot, the library refuses before writing anything.
  const auto tx = e.wire.tx_bytes;
  EXPECT_EQ(e.rename("/mv/newer.bin", "/mv/other/moved.bin"), sim7080::make_error_code(AtErrc::invalid_argument));
  EXPECT_EQ(e.wire.tx_bytes, tx);
  EXPECT_TRUE(fs::exists(disk("/mv/newer.bin")));
  EXPECT_FALSE(fs::exists(disk("/mv/other/moved.bin")));
}

TEST_F(RemoteOps, UploadModesAppendAndUnique) {
  Env& e = env();
  fs::create_directories(disk("/modes"));
  const std::string a = make_content(Content::random, 2000, 1), b = make_content(Content::crlf, 1500, 2);
  for (auto method : {sim7080::PutMethod::put, sim7080::PutMethod::etput}) {
    SCOPED_TRACE(name(method));
    const std::string remote = fmt::format("/modes/app-{}.bin", name(method));
    sim7080::MemorySource first(as_bytes(a)), second(as_bytes(b));
    sim7080::PutOptions o;
    o.method = method;
    ASSERT_FALSE(e.put(first, remote, o).ec);
    o.mode = sim7080::PutMode::append;
    auto r = e.put(second, remote, o);
    ASSERT_FALSE(r.ec) << r.ec.message();
    EXPECT_EQ(sha256_file(disk(remote)), sha256_hex(a + b));
  }
  // STOU: the emulator stores under <name>.<epoch-ms>; the original name stays untouched.
  write_file(disk("/modes/u.bin"), "original");
  sim7080::MemorySource src(as_bytes(a));
  sim7080::PutOptions o;
  o.mode = sim7080::PutMode::unique;
  auto r = e.put(src, "/modes/u.bin", o);
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(read_file(disk("/modes/u.bin")), "original");
  int unique_files = 0;
  for (const auto& de : fs::directory_iterator(disk("/modes"))) {
    if (de.path().filename().string().rfind("u.bin.", 0) == 0) {
      ++unique_files;
      EXPECT_EQ(sha256_file(de.path()), sha256_hex(a));
    }
  }
  EXPECT_EQ(unique_files, 1);
}

}  // namespace
}  // namespace e2e

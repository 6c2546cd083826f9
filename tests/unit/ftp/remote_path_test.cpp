// Remote paths split and checked the way docs/session-protocol.md and spec §3.10–§3.13 say.
#include "ftp/remote_path.hpp"

#include <gtest/gtest.h>

#include <string>

#include "sim7080/error.hpp"

namespace sim7080::ftp {
namespace {

const std::error_code kInvalid = make_error_code(AtErrc::invalid_argument);

RemotePath split_ok(std::string_view path) {
  RemotePath p;
  const auto ec = split_remote_path(path, p);
  EXPECT_FALSE(ec) << path << ": " << ec.message();
  return p;
}

TEST(SplitRemotePath, DocumentedExamples) {
  auto p = split_ok("/a/b/file");
  EXPECT_EQ(p.directory, "/a/b");
  EXPECT_EQ(p.name, "file");
  p = split_ok("/file");
  EXPECT_EQ(p.directory, "/");
  EXPECT_EQ(p.name, "file");
  p = split_ok("file");
  EXPECT_EQ(p.directory, "/");
  EXPECT_EQ(p.name, "file");
}

TEST(SplitRemotePath, AppNoteSamples) {
  auto p = split_ok("/simftp.txt");
  EXPECT_EQ(p.directory, "/");
  EXPECT_EQ(p.name, "simftp.txt");
}

TEST(SplitRemotePath, RelativePathsAreTakenFromTheRoot) {
  const auto p = split_ok("a/b/file");
  EXPECT_EQ(p.directory, "/a/b");
  EXPECT_EQ(p.name, "file");
}

TEST(SplitRemotePath, DotsAreKeptAsGiven) {
  auto p = split_ok("/a/../b/./file");
  EXPECT_EQ(p.directory, "/a/../b/.");
  EXPECT_EQ(p.name, "file");
  p = split_ok("/a/..");
  EXPECT_EQ(p.directory, "/a");
  EXPECT_EQ(p.name, "..");
  p = split_ok(".");
  EXPECT_EQ(p.directory, "/");
  EXPECT_EQ(p.name, ".");
}

TEST(SplitRemotePath, RepeatedSlashesBeforeTheNameCollapse) {
  auto p = split_ok("/a//file");
  EXPECT_EQ(p.directory, "/a");
  p = split_ok("//file");
  EXPECT_EQ(p.directory, "/");
  EXPECT_EQ(p.name, "file");
}

TEST(SplitRemotePath, SpacesAndCommasAreFine) {
  const auto p = split_ok("/my dir/a, b.txt");
  EXPECT_EQ(p.directory, "/my dir");
  EXPECT_EQ(p.name, "a, b.txt");
}

TEST(SplitRemotePath, TrailingSlashOrEmptyIsNotAFile) {
  RemotePath p{"keep", "me"};
  EXPECT_EQ(split_remote_path("/a/b/", p), kInvalid);
  EXPECT_EQ(split_remote_path("/", p), kInvalid);
  EXPECT_EQ(split_remote_path("", p), kInvalid);
  EXPECT_EQ(split_remote_path("file/", p), kInvalid);
  EXPECT_EQ(p.directory, "keep");  // untouched on error
  EXPECT_EQ(p.name, "me");
}

TEST(SplitRemotePath, LengthLimits) {
  RemotePath p;
  const std::string name64(64, 'n');
  EXPECT_FALSE(split_remote_path("/" + name64, p));
  EXPECT_EQ(p.name, name64);
  EXPECT_EQ(split_remote_path("/" + std::string(65, 'n'), p), kInvalid);

  // "/" + 254 characters = a 255-character directory: the limit.
  const std::string dir255 = "/" + std::string(254, 'd');
  EXPECT_FALSE(split_remote_path(dir255 + "/f", p));
  EXPECT_EQ(p.directory, dir255);
  EXPECT_EQ(split_remote_path(dir255 + "d/f", p), kInvalid);
  // A relative directory gets its leading "/" before the check.
  EXPECT_EQ(split_remote_path(std::string(255, 'd') + "/f", p), kInvalid);
}

TEST(SplitRemotePath, QuoteRulesApplyToBothParts) {
  RemotePath p;
  const std::string bads[] = {"/a\"b/file", "/dir/fi\"le", "/dir/file\r", "/dir\n/file", "/d/f\x01",
                              "/d\xc3\xa9/f", "/d/\x7f", std::string("/d/f\0x", 5)};
  for (const auto& bad : bads) {
    EXPECT_EQ(split_remote_path(bad, p), kInvalid) << testing::PrintToString(bad);
  }
}

TEST(ValidateName, Rules) {
  EXPECT_FALSE(validate_name("simftp.txt"));
  EXPECT_EQ(validate_name(""), kInvalid);  // [AN] 5.5: empty GETNAME → error 66
  EXPECT_EQ(validate_name("a/b"), kInvalid);
  EXPECT_EQ(validate_name(std::string(65, 'x')), kInvalid);
  EXPECT_FALSE(validate_name(std::string(64, 'x')));
  EXPECT_EQ(validate_name("x\""), kInvalid);
}

TEST(ValidateDirectory, Rules) {
  EXPECT_FALSE(validate_directory("/"));
  EXPECT_FALSE(validate_directory(std::string(255, 'd')));
  EXPECT_EQ(validate_directory(std::string(256, 'd')), kInvalid);
  EXPECT_EQ(validate_directory("/a\r"), kInvalid);
}

TEST(DirectoryPath, Normalises) {
  struct Case {
    const char* in;
    const char* out;
  };
  const Case cases[] = {
      {"", "/"},         {"/", "/"},     {"//", "/"},         {"/test", "/test"}, {"/test/", "/test"},
      {"/a/b//", "/a/b"}, {"test", "/test"}, {"a/b/", "/a/b"}, {"/a/../b", "/a/../b"}, {".", "/."},
  };
  for (const auto& c : cases) {
    std::string out = "x";
    EXPECT_FALSE(directory_path(c.in, out)) << c.in;
    EXPECT_EQ(out, c.out) << c.in;
  }
}

TEST(DirectoryPath, Refuses) {
  std::string out = "keep";
  EXPECT_EQ(directory_path("/a\"b", out), kInvalid);
  EXPECT_EQ(directory_path("/a\nAT+FTPQUIT", out), kInvalid);
  EXPECT_EQ(directory_path("/" + std::string(255, 'd'), out), kInvalid);  // 256 characters
  EXPECT_EQ(out, "keep");
  EXPECT_FALSE(directory_path("/" + std::string(254, 'd'), out));
  EXPECT_FALSE(directory_path("/" + std::string(254, 'd') + "/", out));  // the trailing "/" goes first
  EXPECT_EQ(out.size(), 255u);
}

}  // namespace
}  // namespace sim7080::ftp

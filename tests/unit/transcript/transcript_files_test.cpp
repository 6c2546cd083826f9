// Every `.at` file in tests/transcripts parses, carries the required headers, and follows the
// session's canonical opening (docs/session-protocol.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "sim7080/transcript.hpp"
#include "support/transcript_files.hpp"

namespace fs = std::filesystem;
namespace tr = sim7080::transcript;

namespace {

using sim7080::test::transcript_files;
std::string slurp(const fs::path& p) { return sim7080::test::read_text(p); }

// The session settings every fresh FtpSession writes first, in this order.
const std::vector<std::string> session_settings = {
    "AT+FTPCID=0",       "AT+FTPSERV=\"112.74.93.163\"", "AT+FTPPORT=21",     "AT+FTPUN=\"simcomtest\"",
    "AT+FTPPW=<redacted>", "AT+FTPMODE=1",               "AT+FTPTYPE=\"I\""};

}  // namespace

TEST(TranscriptFiles, ThereAreTranscripts) { EXPECT_GE(transcript_files().size(), 20u); }

TEST(TranscriptFiles, EveryFileParsesWithRequiredHeaders) {
  const std::regex expect_re(R"(ok|timeout|cancelled|error [0-9]+|error [a-z_]+)");
  const std::regex sha_re("[0-9a-f]{64}");
  for (const auto& path : transcript_files()) {
    SCOPED_TRACE(path.filename().string());
    const auto t = tr::parse_transcript(slurp(path));
    ASSERT_TRUE(t.ok()) << t.error.message;
    for (const char* key : {"title", "source", "expect"}) {
      const auto v = t->header(key);
      EXPECT_TRUE(v && !v->empty()) << "missing header " << key;
    }
    // A conversation no library call produces yet names the call it is waiting for.
    EXPECT_TRUE(t->header("call") || t->header("x-planned-call")) << "missing header call";
    EXPECT_TRUE(std::regex_match(t->header("expect").value_or(""), expect_re)) << *t->header("expect");
    if (const auto sha = t->header("expect-sha256")) {
      EXPECT_TRUE(std::regex_match(*sha, sha_re)) << *sha;
    }
    if (const auto out = t->header("expect-output")) {
      EXPECT_TRUE(tr::unescape_bytes(*out).has_value()) << *out;
    }
    EXPECT_FALSE(t->entries.empty());
    // Passwords are never recorded.
    for (const auto& e : t->entries) {
      if (e.kind == tr::EntryKind::host_line && e.bytes.starts_with("AT+FTPPW=")) {
        EXPECT_EQ(e.bytes, "AT+FTPPW=<redacted>");
      }
    }
  }
}

TEST(TranscriptFiles, SessionTranscriptsOpenWithTheSessionSettings) {
  for (const auto& path : transcript_files()) {
    SCOPED_TRACE(path.filename().string());
    const auto t = tr::parse_transcript(slurp(path));
    ASSERT_TRUE(t.ok()) << t.error.message;
    const std::string call = t->header("call").value_or(t->header("x-planned-call").value_or(""));
    // Bearer and certificate calls are Modem operations, not FtpSession ones; `state` needs no
    // FTP setting.
    if (call.starts_with("bearer") || call.starts_with("cert") || call == "state") continue;
    std::vector<std::string> host;
    for (const auto& e : t->entries) {
      if (e.kind == tr::EntryKind::host_line) host.push_back(e.bytes);
    }
    ASSERT_GE(host.size(), session_settings.size());
    // Implicit FTPS (5.2.3) sets port 990 instead of 21.
    std::vector<std::string> want = session_settings;
    if (host[2] == "AT+FTPPORT=990") want[2] = host[2];
    EXPECT_EQ(std::vector<std::string>(host.begin(), host.begin() + static_cast<std::ptrdiff_t>(want.size())), want);
  }
}

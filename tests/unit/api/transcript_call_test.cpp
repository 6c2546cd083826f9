// Data-driven transcript tests: every tests/transcripts/*.at file with a `#! call:` header is
// replayed through the real Modem, FtpSession and CLI command code on the replay transport —
// whole, byte by byte and in random splits — and must end as its `#! expect*` headers say.
// A transcript added to the folder is a new test with no code change.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "asio/error.hpp"
#include "asio/io_context.hpp"
#include "at/response_fields.hpp"
#include "cli_command.hpp"
#include "cli_run.hpp"
#include "sim7080/sim7080.hpp"
#include "sim7080/transcript.hpp"
#include "support/replay_stream.hpp"
#include "support/sha256.hpp"
#include "support/transcript_files.hpp"
#include "support/virtual_clock.hpp"

namespace sim7080::test {
namespace {

namespace fs = std::filesystem;

struct CallCase {
  std::string name;
  fs::path path;
};

std::vector<CallCase> call_transcripts() {
  std::vector<CallCase> out;
  for (const auto& path : transcript_files()) {
    const auto parsed = transcript::parse_transcript(read_text(path));
    if (!parsed || !parsed->header("call")) continue;
    std::string name = path.stem().string();
    for (char& c : name) {
      if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    }
    out.push_back({name, path});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

// The session configuration a transcript was recorded with, read from its own setter lines.
FtpConfig config_from(const transcript::Transcript& t) {
  FtpConfig c;
  c.password = "any-password";  // recorded as <redacted>; replay accepts any
  for (const auto& e : t.entries) {
    if (e.kind != transcript::EntryKind::host_line) continue;
    const std::string_view line = e.bytes;
    auto value = [&](std::string_view prefix) -> std::optional<std::string> {
      if (line.rfind(prefix, 0) != 0) return std::nullopt;
      std::string_view v = line.substr(prefix.size());
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      return std::string(v);
    };
    if (auto v = value("AT+FTPCID=")) c.cid = std::stoi(*v);
    if (auto v = value("AT+FTPSERV=")) c.server = *v;
    if (auto v = value("AT+FTPPORT=")) c.port = static_cast<std::uint16_t>(std::stoi(*v));
    if (auto v = value("AT+FTPUN=")) c.user = *v;
    if (auto v = value("AT+FTPMODE=")) c.passive = *v == "1";
    if (auto v = value("AT+FTPTYPE=")) c.binary = *v == "I";
    if (auto v = value("AT+FTPSSL=")) {
      // <type>,<ctx>,"<ca>","<cert>"
      const std::string reply = "+FTPSSL: " + *v;  // parse_response returns views into it
      const auto f = at::parse_response(reply);
      if (f && f->count == 4) {
        c.tls = static_cast<TlsMode>(f->number(0).value_or(0));
        c.ssl_context = static_cast<int>(f->number(1).value_or(0));
        c.ca_file = std::string(f->text(2));
        c.cert_file = std::string(f->text(3));
      }
    }
  }
  return c;
}

// `expect: error NAME` names an enumerator of AtErrc or FtpErrc.
std::optional<std::error_code> named_error(const std::string& name) {
  static const std::map<std::string, std::error_code> names{
      {"timeout", make_error_code(AtErrc::timeout)},
      {"error_result", make_error_code(AtErrc::error_result)},
      {"protocol_error", make_error_code(AtErrc::protocol_error)},
      {"modem_restarted", make_error_code(AtErrc::modem_restarted)},
      {"modem_powered_down", make_error_code(AtErrc::modem_powered_down)},
      {"invalid_argument", make_error_code(AtErrc::invalid_argument)},
      {"truncated", make_error_code(AtErrc::truncated)},
      {"busy", make_error_code(AtErrc::busy)},
      {"password_error", make_error_code(FtpErrc::password_error)},
      {"operation_not_allowed", make_error_code(FtpErrc::operation_not_allowed)},
      {"operate_error", make_error_code(FtpErrc::operate_error)},
      {"manual_quit", make_error_code(FtpErrc::manual_quit)},
      {"cancelled", std::error_code(asio::error::operation_aborted)},
  };
  if (auto it = names.find(name); it != names.end()) return it->second;
  return std::nullopt;
}

void check_result(const std::string& expect, std::error_code ec) {
  if (expect == "ok") {
    EXPECT_FALSE(ec) << "expected success, got " << ec.message();
  } else if (expect == "timeout") {
    EXPECT_EQ(ec, make_error_code(AtErrc::timeout)) << ec.message();
  } else if (expect == "cancelled") {
    EXPECT_EQ(ec, std::error_code(asio::error::operation_aborted)) << ec.message();
  } else if (expect.rfind("error ", 0) == 0) {
    const std::string what = expect.substr(6);
    if (const auto n = at::parse_unsigned(what)) {
      EXPECT_EQ(ec, make_ftp_error(static_cast<int>(*n))) << ec.message();
    } else {
      const auto named = named_error(what);
      ASSERT_TRUE(named) << "unknown error name in expect: " << what;
      EXPECT_EQ(ec, *named) << ec.message();
    }
  } else {
    ADD_FAILURE() << "unknown expect: " << expect;
  }
}

class TranscriptCall : public ::testing::TestWithParam<CallCase> {
 protected:
  void replay(Chunking chunking) {
    const auto parsed = transcript::parse_transcript(read_text(GetParam().path));
    ASSERT_TRUE(parsed) << parsed.error.message;
    const transcript::Transcript& t = *parsed;

    cli::Command cmd;
    std::string parse_error;
    ASSERT_TRUE(cli::parse_call(*t.header("call"), cmd, parse_error)) << parse_error;

    asio::io_context io;
    VirtualClock clock(io.get_executor());
    ReplayStream stream(t, io.get_executor(), clock, chunking);
    Modem modem(stream, clock.make_timer(), [&clock] { return clock.make_timer(); });
    FtpSession session(modem, config_from(t));
    MemorySink sink;
    cli::RunOptions options;
    options.quiet = true;
    options.inline_data = true;
    options.sink_override = &sink;
    std::ostringstream out;
    std::ostringstream err;
    std::optional<std::error_code> result;
    cli::run_command(modem, session, cmd, options, out, err, [&](std::error_code ec) { result = ec; });
    if (!t.header("then-call")) {
      io.run_for(std::chrono::seconds(3));  // virtual time: a real run takes milliseconds
    } else {
      // The transcript goes on after the first call: run only until it completes.
      const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(3);
      while (!result && std::chrono::steady_clock::now() < limit) io.run_one_for(std::chrono::milliseconds(100));
    }

    // `#! then-call:` runs a second command on the same modem and session once the first has
    // completed (what a client does next: recovery after a timeout, a retry after a restart).
    std::optional<std::error_code> then_result;
    MemorySink then_sink;
    if (auto then = t.header("then-call")) {
      ASSERT_TRUE(result.has_value()) << "the call did not complete; left in the transcript:\n" << stream.leftover();
      cli::Command then_cmd;
      ASSERT_TRUE(cli::parse_call(*then, then_cmd, parse_error)) << parse_error;
      options.sink_override = &then_sink;
      io.restart();  // run_one_for() may have run out of work, which stops the io_context
      cli::run_command(modem, session, then_cmd, options, out, err, [&](std::error_code ec) { then_result = ec; });
      io.run_for(std::chrono::seconds(3));
    }

    ASSERT_FALSE(stream.failed()) << stream.failure();
    ASSERT_TRUE(result.has_value()) << "the call did not complete; left in the transcript:\n" << stream.leftover();
    EXPECT_TRUE(stream.fully_consumed()) << stream.leftover();
    check_result(t.header("expect").value_or("ok"), *result);
    if (t.header("then-call")) {
      ASSERT_TRUE(then_result.has_value()) << "the then-call did not complete; left:\n" << stream.leftover();
      check_result(t.header("then-expect").value_or("ok"), *then_result);
      if (auto sha = t.header("then-expect-sha256")) {
        EXPECT_EQ(sha256_hex(std::span<const std::byte>(then_sink.data())), *sha);
      }
    }
    if (auto sha = t.header("expect-sha256")) {
      EXPECT_EQ(sha256_hex(std::span<const std::byte>(sink.data())), *sha);
    }
    if (auto output = t.header("expect-output")) {
      const auto want = transcript::unescape_bytes(*output);
      ASSERT_TRUE(want) << "bad escapes in expect-output";
      EXPECT_EQ(out.str(), *want);
    }
  }
};

TEST_P(TranscriptCall, Whole) { replay(Chunking::whole()); }
TEST_P(TranscriptCall, ByteByByte) { replay(Chunking::bytewise()); }
TEST_P(TranscriptCall, RandomSplits) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    replay(Chunking::random(seed, 13));
    if (HasFatalFailure()) return;
  }
}

INSTANTIATE_TEST_SUITE_P(Transcripts, TranscriptCall, ::testing::ValuesIn(call_transcripts()),
                         [](const ::testing::TestParamInfo<CallCase>& p) { return p.param.name; });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(TranscriptCall);

TEST(TranscriptCalls, FolderHasTheApplicationNoteSamples) {
  // The samples every suite must cover (spec §7); a missing one is a failure, not a skip.
  const auto cases = call_transcripts();
  EXPECT_GE(cases.size(), 20u);
}

}  // namespace
}  // namespace sim7080::test

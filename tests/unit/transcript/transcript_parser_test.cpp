// parse_transcript: every marker, escapes, headers, comments, pauses, and each error with its
// line number.
#include <gtest/gtest.h>

#include "sim7080/transcript.hpp"
#include "support/replay_stream.hpp"  // GoogleTest printers for Entry and Transcript

namespace tr = sim7080::transcript;
using namespace std::chrono_literals;

namespace {

tr::Transcript parse_ok(std::string_view text) {
  auto r = tr::parse_transcript(text);
  EXPECT_TRUE(r.ok()) << r.error.message;
  return r.ok() ? *std::move(r) : tr::Transcript{};
}

tr::ParseError parse_error(std::string_view text) {
  auto r = tr::parse_transcript(text);
  EXPECT_FALSE(r.ok()) << "parsed unexpectedly: " << text;
  return r.error;
}

}  // namespace

TEST(TranscriptParser, EveryMarker) {
  const auto t = parse_ok(
      "#! title: all markers\n"
      "# a comment\n"
      "> AT+FTPGET=1\n"
      ">> hello\n"
      "< OK\n"
      "<< 0123\n"
      "~ 200ms\n"
      "<\n");
  ASSERT_EQ(t.entries.size(), 6u);
  EXPECT_EQ(t.entries[0].kind, tr::EntryKind::host_line);
  EXPECT_EQ(t.entries[0].bytes, "AT+FTPGET=1");
  EXPECT_EQ(t.entries[0].line, 3u);
  EXPECT_EQ(t.entries[1].kind, tr::EntryKind::host_data);
  EXPECT_EQ(t.entries[1].bytes, "hello");
  EXPECT_EQ(t.entries[2].kind, tr::EntryKind::modem_line);
  EXPECT_EQ(t.entries[2].bytes, "OK");
  EXPECT_EQ(t.entries[3].kind, tr::EntryKind::modem_raw);
  EXPECT_EQ(t.entries[3].bytes, "0123");
  EXPECT_EQ(t.entries[4].kind, tr::EntryKind::pause);
  EXPECT_EQ(t.entries[4].pause, 200ms);
  EXPECT_EQ(t.entries[4].line, 7u);
  EXPECT_EQ(t.entries[5].kind, tr::EntryKind::modem_line);
  EXPECT_EQ(t.entries[5].bytes, "");
  EXPECT_EQ(tr::wire_bytes(t.entries[5]), "\r\n\r\n");
}

TEST(TranscriptParser, Escapes) {
  const auto t = parse_ok("<< a\\r\\n\\t\\\\b\\x00\\xFF\\x7f\\x20c\n>> #not a comment \\x20\n");
  ASSERT_EQ(t.entries.size(), 2u);
  EXPECT_EQ(t.entries[0].bytes, std::string("a\r\n\t\\b\0\xff\x7f c", 11));
  EXPECT_EQ(t.entries[1].bytes, "#not a comment  ");
}

TEST(TranscriptParser, OtherBytesStandForThemselves) {
  const auto t = parse_ok("<<  two leading spaces\xc3\xa9\n");
  ASSERT_EQ(t.entries.size(), 1u);
  EXPECT_EQ(t.entries[0].bytes, " two leading spaces\xc3\xa9");
}

TEST(TranscriptParser, TrailingBlanksAreDroppedAndCrlfFilesReadTheSame) {
  const auto t = parse_ok("#! title: crlf  \r\n> AT  \r\n< OK\\x20\t\r\n\r\n");
  ASSERT_EQ(t.entries.size(), 2u);
  EXPECT_EQ(t.header("title"), "crlf");
  EXPECT_EQ(t.entries[0].bytes, "AT");
  EXPECT_EQ(t.entries[1].bytes, "OK ");
}

TEST(TranscriptParser, BareMarkersHaveEmptyPayloads) {
  const auto t = parse_ok(">\n>>\n<<\n<\n");
  ASSERT_EQ(t.entries.size(), 4u);
  EXPECT_EQ(tr::wire_bytes(t.entries[0]), "\r");
  EXPECT_EQ(tr::wire_bytes(t.entries[1]), "");
  EXPECT_EQ(tr::wire_bytes(t.entries[2]), "");
  EXPECT_EQ(tr::wire_bytes(t.entries[3]), "\r\n\r\n");
}

TEST(TranscriptParser, HeadersInOrderWithLookup) {
  const auto t = parse_ok(
      "# comments and blank lines may precede headers\n"
      "\n"
      "#! title: download: a file\n"
      "#!source:   application note V1.01 §5.1\n"
      "#! expect-sha256: abc\n"
      "#! empty:\n"
      "#! title: second title\n"
      "> AT\n");
  ASSERT_EQ(t.headers.size(), 5u);
  EXPECT_EQ(t.headers[0], (tr::Header{"title", "download: a file"}));
  EXPECT_EQ(t.headers[1], (tr::Header{"source", "application note V1.01 §5.1"}));
  EXPECT_EQ(t.header("expect-sha256"), "abc");
  EXPECT_EQ(t.header("empty"), "");
  EXPECT_EQ(t.header("title"), "download: a file");  // the first one
  EXPECT_FALSE(t.header("call").has_value());
  EXPECT_FALSE(t.header("Title").has_value());
}

TEST(TranscriptParser, PauseUnits) {
  const auto t = parse_ok("~ 0ms\n~ 75s\n~ 1500ms\n~ 1s   \n");
  ASSERT_EQ(t.entries.size(), 4u);
  EXPECT_EQ(t.entries[0].pause, 0ms);
  EXPECT_EQ(t.entries[1].pause, 75s);
  EXPECT_EQ(t.entries[2].pause, 1500ms);
  EXPECT_EQ(t.entries[3].pause, 1s);
}

TEST(TranscriptParser, EmptyInputIsAnEmptyTranscript) {
  const auto t = parse_ok("");
  EXPECT_TRUE(t.headers.empty());
  EXPECT_TRUE(t.entries.empty());
}

struct ErrorCase {
  const char* text;
  tr::TranscriptErrc code;
  std::size_t line;
  const char* in_message;
};

class TranscriptParserError : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(TranscriptParserError, NamesTheLine) {
  const auto& c = GetParam();
  const auto err = parse_error(c.text);
  EXPECT_EQ(err.code, make_error_code(c.code)) << err.message;
  EXPECT_EQ(err.line, c.line) << err.message;
  EXPECT_NE(err.message.find("line " + std::to_string(c.line) + ":"), std::string::npos) << err.message;
  EXPECT_NE(err.message.find(c.in_message), std::string::npos) << err.message;
  EXPECT_EQ(err.code.category().name(), std::string("sim7080.transcript"));
  EXPECT_FALSE(err.code.message().empty());
}

INSTANTIATE_TEST_SUITE_P(
    All, TranscriptParserError,
    ::testing::Values(
        ErrorCase{"> AT\nAT+FTPGET=1\n", tr::TranscriptErrc::unknown_marker, 2, "unknown marker"},
        ErrorCase{"> AT\n>>> x\n", tr::TranscriptErrc::unknown_marker, 2, ">>>"},
        ErrorCase{"<> x\n", tr::TranscriptErrc::unknown_marker, 1, "unknown marker"},
        ErrorCase{"  > AT\n", tr::TranscriptErrc::unknown_marker, 1, "unknown marker"},
        ErrorCase{"\n\n>AT\n", tr::TranscriptErrc::missing_space, 3, "space after `>`"},
        ErrorCase{"<< ab\\q\n", tr::TranscriptErrc::bad_escape, 1, "column 6"},
        ErrorCase{"#! t: x\n> a\n<< \\x4\n", tr::TranscriptErrc::bad_escape, 3, "bad escape"},
        ErrorCase{"<< \\xZZ\n", tr::TranscriptErrc::bad_escape, 1, "bad escape"},
        ErrorCase{"> trailing backslash\\\n", tr::TranscriptErrc::bad_escape, 1, "bad escape"},
        ErrorCase{"#! title: x\n> AT\n#! source: late\n", tr::TranscriptErrc::misplaced_header, 3, "header"},
        ErrorCase{"#! no colon here\n", tr::TranscriptErrc::bad_header, 1, "#! key: value"},
        ErrorCase{"#! : empty key\n", tr::TranscriptErrc::bad_header, 1, "bad header"},
        ErrorCase{"#! two words: x\n", tr::TranscriptErrc::bad_header, 1, "bad header"},
        ErrorCase{"~ 200\n", tr::TranscriptErrc::bad_pause, 1, "bad pause"},
        ErrorCase{"> a\n~ 2m\n", tr::TranscriptErrc::bad_pause, 2, "~ <digits>ms"},
        ErrorCase{"~ 1.5s\n", tr::TranscriptErrc::bad_pause, 1, "bad pause"},
        ErrorCase{"~ -5ms\n", tr::TranscriptErrc::bad_pause, 1, "bad pause"},
        ErrorCase{"~\n", tr::TranscriptErrc::bad_pause, 1, "bad pause"},
        ErrorCase{"~ 5 s\n", tr::TranscriptErrc::bad_pause, 1, "bad pause"},
        ErrorCase{"~ 99999999999999999999s\n", tr::TranscriptErrc::bad_pause, 1, "bad pause"}));

TEST(TranscriptParser, UnescapeBytes) {
  EXPECT_EQ(tr::unescape_bytes("a\\x41\\n"), "aA\n");
  EXPECT_FALSE(tr::unescape_bytes("\\").has_value());
  EXPECT_FALSE(tr::unescape_bytes("\\x1").has_value());
  EXPECT_FALSE(tr::unescape_bytes("\\a").has_value());
}

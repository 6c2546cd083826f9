// format_transcript, escape_bytes and wire_bytes; parse(format(t)) == t.
#include <gtest/gtest.h>

#include <random>

#include "sim7080/transcript.hpp"
#include "support/replay_stream.hpp"  // GoogleTest printers for Entry and Transcript

namespace tr = sim7080::transcript;
using namespace std::chrono_literals;

namespace {

tr::Entry entry(tr::EntryKind kind, std::string bytes, std::chrono::milliseconds pause = 0ms) {
  tr::Entry e;
  e.kind = kind;
  e.bytes = std::move(bytes);
  e.pause = pause;
  return e;
}

}  // namespace

TEST(TranscriptFormat, EscapeRules) {
  EXPECT_EQ(tr::escape_bytes("AT+FTPGET=1"), "AT+FTPGET=1");
  EXPECT_EQ(tr::escape_bytes("\r\n\t\\"), "\\r\\n\\t\\\\");
  EXPECT_EQ(tr::escape_bytes(std::string("\0\x03\x10\x7f\x80\xff", 6)), "\\x00\\x03\\x10\\x7f\\x80\\xff");
  EXPECT_EQ(tr::escape_bytes("a b "), "a b\\x20");
  EXPECT_EQ(tr::escape_bytes(" "), "\\x20");
  EXPECT_EQ(tr::escape_bytes(""), "");
}

TEST(TranscriptFormat, WritesEveryKind) {
  tr::Transcript t;
  t.headers = {{"title", "all kinds"}, {"expect", "ok"}, {"empty", ""}};
  t.entries = {entry(tr::EntryKind::host_line, "AT+FTPGET=1"),  entry(tr::EntryKind::host_data, "ab\x03"),
               entry(tr::EntryKind::modem_line, "OK"),            entry(tr::EntryKind::modem_line, ""),
               entry(tr::EntryKind::modem_raw, "x \r\n"),         entry(tr::EntryKind::pause, "", 75s),
               entry(tr::EntryKind::pause, "", 1500ms),           entry(tr::EntryKind::pause, "", 0ms),
               entry(tr::EntryKind::modem_raw, "trailing ")};
  EXPECT_EQ(tr::format_transcript(t),
            "#! title: all kinds\n"
            "#! expect: ok\n"
            "#! empty:\n"
            "> AT+FTPGET=1\n"
            ">> ab\\x03\n"
            "< OK\n"
            "<\n"
            "<< x \\r\\n\n"
            "~ 75s\n"
            "~ 1500ms\n"
            "~ 0ms\n"
            "<< trailing\\x20\n");
}

TEST(TranscriptFormat, WireBytes) {
  EXPECT_EQ(tr::wire_bytes(entry(tr::EntryKind::host_line, "AT")), "AT\r");
  EXPECT_EQ(tr::wire_bytes(entry(tr::EntryKind::host_data, "AT")), "AT");
  EXPECT_EQ(tr::wire_bytes(entry(tr::EntryKind::modem_line, "OK")), "\r\nOK\r\n");
  EXPECT_EQ(tr::wire_bytes(entry(tr::EntryKind::modem_line, "")), "\r\n\r\n");
  EXPECT_EQ(tr::wire_bytes(entry(tr::EntryKind::modem_raw, "\x03")), "\x03");
  EXPECT_EQ(tr::wire_bytes(entry(tr::EntryKind::pause, "", 5s)), "");
  EXPECT_EQ(tr::marker(tr::EntryKind::modem_raw), "<<");
}

TEST(TranscriptFormat, RoundTripsTheSpecExample) {
  const std::string text =
      "#! title: download a small file with AT+FTPGET\n"
      "#! source: application note 5.1.1\n"
      "#! call: get /file.txt\n"
      "#! expect: ok\n"
      "> AT+FTPGET=2,1460\n"
      "< +FTPGET: 2,10\n"
      "<< 0123456789\n"
      "< OK\n"
      "< +FTPGET: 1,0\n";
  const auto t = tr::parse_transcript(text);
  ASSERT_TRUE(t.ok()) << t.error.message;
  EXPECT_EQ(tr::format_transcript(*t), text);
}

TEST(TranscriptFormat, EqualityIgnoresLineNumbers) {
  auto a = tr::parse_transcript("# comment\n\n> AT\n");
  auto b = tr::parse_transcript("> AT\n");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->entries[0].line, b->entries[0].line);
  EXPECT_EQ(*a, *b);
}

// Random transcripts of every kind with arbitrary payload bytes survive format then parse.
TEST(TranscriptFormat, RandomRoundTrip) {
  std::mt19937 rng(7);
  for (int round = 0; round < 300; ++round) {
    tr::Transcript t;
    const int headers = static_cast<int>(rng() % 3);
    for (int h = 0; h < headers; ++h) t.headers.emplace_back("key-" + std::to_string(h), "value " + std::to_string(rng()));
    const int n = static_cast<int>(rng() % 8);
    for (int i = 0; i < n; ++i) {
      const auto kind = static_cast<tr::EntryKind>(rng() % 5);
      if (kind == tr::EntryKind::pause) {
        t.entries.push_back(entry(kind, "", std::chrono::milliseconds(rng() % 100000)));
        continue;
      }
      std::string bytes;
      const std::size_t len = rng() % 12;
      for (std::size_t k = 0; k < len; ++k) {
        // Bias towards the interesting bytes: space, backslash, CR, LF, tab, x, digits.
        static constexpr char special[] = {' ', '\\', '\r', '\n', '\t', 'x', '0', 'f', '#', '>', '<', '~'};
        bytes.push_back(rng() % 2 ? special[rng() % sizeof special] : static_cast<char>(rng() % 256));
      }
      t.entries.push_back(entry(kind, bytes));
    }
    const std::string text = tr::format_transcript(t);
    const auto back = tr::parse_transcript(text);
    ASSERT_TRUE(back.ok()) << back.error.message << "\n" << text;
    EXPECT_EQ(*back, t) << text;
    EXPECT_EQ(tr::format_transcript(*back), text);
  }
}

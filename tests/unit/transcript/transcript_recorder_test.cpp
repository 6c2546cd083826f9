// TranscriptRecorder: traffic in, `.at` text out; independent of RX chunking; passwords never
// written; gaps become `~` lines; what it writes parses back to the same wire bytes.
#include <gtest/gtest.h>

#include <random>
#include <sstream>

#include "sim7080/transcript.hpp"
#include "support/split_feed.hpp"

namespace tr = sim7080::transcript;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

std::span<const std::byte> bytes(std::string_view s) { return std::as_bytes(std::span<const char>(s.data(), s.size())); }

// A conversation as (direction, bytes, time offset) steps; RX steps may be re-split.
struct Step {
  bool tx;
  std::string data;
  std::chrono::milliseconds at{0};
};

// Feeds `steps` to a recorder; each RX step is cut into pieces by `split` (nullptr: whole).
std::string record(const std::vector<Step>& steps, std::vector<tr::Header> headers = {},
                   const std::function<std::vector<std::string>(const std::string&)>& split = nullptr) {
  std::ostringstream out;
  {
    tr::TranscriptRecorder rec(out, std::move(headers));
    const auto t0 = Clock::time_point{} + 1h;
    for (const auto& s : steps) {
      if (s.tx) {
        rec.on_tx(bytes(s.data), t0 + s.at);
        continue;
      }
      for (const auto& piece : split ? split(s.data) : std::vector<std::string>{s.data}) rec.on_rx(bytes(piece), t0 + s.at);
    }
  }
  return out.str();
}

std::vector<std::string> random_pieces(const std::string& s, std::mt19937& rng) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = 1 + rng() % 9;
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

const std::vector<Step> get_conversation = {
    {true, "AT+FTPGET=1\r"},
    {false, "\r\nOK\r\n\r\n+FTPGET: 1,1\r\n"},
    {true, "AT+FTPGET=2,1460\r"},
    {false, "\r\n+FTPGET: 2,10\r\n0123456789\r\nOK\r\n\r\n+FTPGET:1,0\r\n"},
};

const char* const get_text =
    "> AT+FTPGET=1\n"
    "< OK\n"
    "< +FTPGET: 1,1\n"
    "> AT+FTPGET=2,1460\n"
    "< +FTPGET: 2,10\n"
    "<< 0123456789\n"
    "< OK\n"
    "< +FTPGET:1,0\n";

}  // namespace

TEST(TranscriptRecorder, WritesHeadersThenLines) {
  EXPECT_EQ(record(get_conversation, {{"title", "a get"}, {"call", "get /a"}}),
            std::string("#! title: a get\n#! call: get /a\n") + get_text);
}

TEST(TranscriptRecorder, SameTextForEveryRxSplit) {
  const std::string whole = record(get_conversation);
  EXPECT_EQ(whole, get_text);
  EXPECT_EQ(record(get_conversation, {}, [](const std::string& s) {
              std::vector<std::string> out;
              for (char c : s) out.emplace_back(1, c);
              return out;
            }),
            whole);
  for (std::uint32_t seed = 0; seed < 50; ++seed) {
    std::mt19937 rng(seed);
    EXPECT_EQ(record(get_conversation, {}, [&](const std::string& s) { return random_pieces(s, rng); }), whole)
        << "seed " << seed;
  }
}

TEST(TranscriptRecorder, HostChunks) {
  const std::string text = record({{true, "at+ftpstate\r"},
                                    {true, "AT+FTPGET=2,"},  // a command split over two writes
                                    {true, "1460\r"},
                                    {true, "0123456789"},
                                    {true, "AT\r\r"},
                                    {true, "A\x10\x03" "B\x03"}});
  EXPECT_EQ(text,
            "> at+ftpstate\n"
            ">> AT+FTPGET=2,\n"
            ">> 1460\\r\n"
            ">> 0123456789\n"
            ">> AT\\r\\r\n"
            ">> A\\x10\\x03B\\x03\n");
}

TEST(TranscriptRecorder, EchoPayloadAndStrayBytesAreRaw) {
  const std::string text = record({{true, "AT+FTPLIST=2,1460\r"},
                                    {false, "AT+FTPLIST=2,1460\r\r\n+FTPLIST: 2,12\r\nline one\r\n\r\nOK\r\n"},
                                    {true, "AT\r"},
                                    {false, "\r\n\r\n\x01\x02\r\nOK\r\n\r\nunterminated"}});
  EXPECT_EQ(text,
            "> AT+FTPLIST=2,1460\n"
            "<< AT+FTPLIST=2,1460\\r\n"
            "< +FTPLIST: 2,12\n"
            "<< line one\\r\\n\n"
            "< OK\n"
            "> AT\n"
            "<< \\r\\n\\r\\n\n"
            "<< \\x01\\x02\n"
            "< OK\n"
            "<< \\r\\nunterminated\n");
}

TEST(TranscriptRecorder, ModemBytesBeforeAWriteAreWrittenBeforeIt) {
  // The URC was half received when the host wrote: the file keeps wire order.
  const std::string text = record({{false, "\r\n+FTPGET: 1,"}, {true, "AT+FTPSTATE\r"}, {false, "1\r\n"}});
  EXPECT_EQ(text, "<< \\r\\n+FTPGET: 1,\n> AT+FTPSTATE\n<< 1\\r\\n\n");
}

TEST(TranscriptRecorder, LongRawRunsWrap) {
  std::string payload(150, 'a');
  const std::string text = record({{false, "\r\n+FTPGET: 2,150\r\n" + payload + "\r\nOK\r\n"}});
  EXPECT_EQ(text, "< +FTPGET: 2,150\n<< " + std::string(64, 'a') + "\n<< " + std::string(64, 'a') + "\n<< " +
                      std::string(22, 'a') + "\n< OK\n");
}

TEST(TranscriptRecorder, OverlongLinesAreRaw) {
  const std::string line(1100, 'x');
  const std::string text = record({{false, "\r\n" + line + "\r\n\r\nOK\r\n"}});
  const auto t = tr::parse_transcript(text);
  ASSERT_TRUE(t.ok());
  std::string wire;
  for (const auto& e : t->entries) {
    EXPECT_NE(e.kind == tr::EntryKind::modem_line, e.bytes != "OK") << "only OK is a line";
    wire += tr::wire_bytes(e);
  }
  EXPECT_EQ(wire, "\r\n" + line + "\r\n\r\nOK\r\n");
}

TEST(TranscriptRecorder, PasswordNeverWritten) {
  for (const char* form : {"AT+FTPPW=\"hunter2\"\r", "at+ftppw=\"hunter2\"\r", "AT+FTPPW=<redacted>\r"}) {
    const std::string text =
        record({{true, "AT+FTPUN=\"simcomtest\"\r"}, {false, "\r\nOK\r\n"}, {true, form},
                {false, std::string(form) + "\r\nOK\r\n"}});  // echoed too
    EXPECT_EQ(text.find("hunter2"), std::string::npos) << text;
    EXPECT_NE(text.find("\n> AT+FTPPW=<redacted>\n"), std::string::npos) << text;
    const auto t = tr::parse_transcript(text);
    ASSERT_TRUE(t.ok()) << t.error.message;
  }
  // Split over several writes and reads, byte by byte: still masked.
  std::ostringstream out;
  {
    tr::TranscriptRecorder rec(out);
    const std::string secret = "AT+FTPPW=\"hunter2\"\r";
    for (char c : secret) rec.on_tx(bytes(std::string(1, c)), Clock::time_point{});
    for (char c : secret) rec.on_rx(bytes(std::string(1, c)), Clock::time_point{});
  }
  EXPECT_EQ(out.str().find("hunter2"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("<redacted>"), std::string::npos) << out.str();
}

TEST(TranscriptRecorder, GapsBecomePauses) {
  const std::string text = record({{true, "AT+FTPGET=1\r", 0ms},
                                    {false, "\r\nOK\r\n", 100ms},
                                    {false, "\r\n+FTPGET: 1,64\r\n", 75100ms},
                                    {true, "AT\r", 76600ms}});
  EXPECT_EQ(text, "> AT+FTPGET=1\n< OK\n~ 75s\n< +FTPGET: 1,64\n~ 1500ms\n> AT\n");
  const auto t = tr::parse_transcript(text);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->entries[2].pause, 75s);
}

TEST(TranscriptRecorder, PausesCanBeTurnedOff) {
  std::ostringstream out;
  {
    tr::RecorderOptions opt;
    opt.record_pauses = false;
    tr::TranscriptRecorder rec(out, {}, opt);
    rec.on_tx(bytes("AT\r"), Clock::time_point{});
    rec.on_rx(bytes("\r\nOK\r\n"), Clock::time_point{} + 10s);
  }
  EXPECT_EQ(out.str(), "> AT\n< OK\n");
}

TEST(TranscriptRecorder, EventsAreComments) {
  std::ostringstream out;
  {
    tr::TranscriptRecorder rec(out);
    rec.on_event("command timed out\n", Clock::time_point{});
  }
  EXPECT_EQ(out.str(), "# event: command timed out\\n\n");
}

TEST(TranscriptRecorder, FlushWritesHeldBytes) {
  std::ostringstream out;
  tr::TranscriptRecorder rec(out);
  rec.on_rx(bytes("\r\n+FTPGET: 1,"), Clock::time_point{});
  EXPECT_EQ(out.str(), "");
  rec.flush();
  EXPECT_EQ(out.str(), "<< \\r\\n+FTPGET: 1,\n");
}

// Whatever bytes flow, the file parses and gives back exactly the bytes of each direction.
TEST(TranscriptRecorder, RandomTrafficRoundTripsToTheSameWireBytes) {
  for (std::uint32_t seed = 0; seed < 200; ++seed) {
    std::mt19937 rng(seed);
    static constexpr const char* pieces[] = {"\r\n", "\r", "\n", "OK", "+FTPGET: 1,1", " ", "\x03", "\x10", "AT", "x", "\xff"};
    std::string rx, tx;
    std::vector<Step> steps;
    for (int i = 0; i < 20; ++i) {
      std::string chunk;
      const int n = static_cast<int>(rng() % 6);
      for (int k = 0; k < n; ++k) chunk += pieces[rng() % std::size(pieces)];
      const bool is_tx = rng() % 4 == 0;
      (is_tx ? tx : rx) += chunk;
      steps.push_back({is_tx, chunk});
    }
    const std::string text = record(steps);
    const auto t = tr::parse_transcript(text);
    ASSERT_TRUE(t.ok()) << t.error.message << "\n" << text;
    std::string got_rx, got_tx;
    for (const auto& e : t->entries) (tr::is_host(e.kind) ? got_tx : got_rx) += tr::wire_bytes(e);
    EXPECT_EQ(got_rx, rx) << "seed " << seed << "\n" << text;
    EXPECT_EQ(got_tx, tx) << "seed " << seed << "\n" << text;
  }
}

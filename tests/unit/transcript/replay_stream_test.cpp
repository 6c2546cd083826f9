// ReplayStream: the modem side of a transcript, gated on host writes, checked byte for byte.
#include <gtest/gtest.h>

#include <array>
#include <asio/error.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <memory>
#include <string>
#include <vector>

#include "support/replay_stream.hpp"
#include "support/virtual_clock.hpp"

namespace tr = sim7080::transcript;
using namespace std::chrono_literals;
using sim7080::test::Chunking;
using sim7080::test::HostOrder;
using sim7080::test::ReplayStream;
using sim7080::test::VirtualClock;

namespace {

tr::Transcript parse(std::string_view text) {
  auto r = tr::parse_transcript(text);
  EXPECT_TRUE(r.ok()) << r.error.message;
  return r.ok() ? *std::move(r) : tr::Transcript{};
}

std::span<const std::byte> bytes(const std::string& s) { return std::as_bytes(std::span<const char>(s.data(), s.size())); }

// A stand-in for the command channel: keeps one read pending, collects what arrives.
struct Reader {
  explicit Reader(ReplayStream& s) : stream(s) {}
  void start() {
    stream.async_read_some(buf, [this](std::error_code e, std::size_t n) {
      if (e) {
        ec = e;
        return;
      }
      got.append(reinterpret_cast<const char*>(buf.data()), n);
      sizes.push_back(n);
      if (on_data) on_data();
      start();
    });
  }
  ReplayStream& stream;
  std::array<std::byte, 256> buf{};
  std::string got;
  std::vector<std::size_t> sizes;
  std::error_code ec;
  std::function<void()> on_data;
};

// Writes `data` (kept alive until completion) and stores the result.
struct Writer {
  void write(ReplayStream& s, std::string data) {
    auto keep = std::make_shared<std::string>(std::move(data));
    s.async_write(bytes(*keep), [this, keep](std::error_code e, std::size_t n) {
      results.emplace_back(e, n);
    });
  }
  std::vector<std::pair<std::error_code, std::size_t>> results;
};

}  // namespace

TEST(ReplayStream, DeliversModemBytesOnlyAfterTheHostBytesBeforeThem) {
  asio::io_context io;
  VirtualClock clock(io.get_executor());
  ReplayStream s(parse("< RDY\n> AT\n< OK\n> AT+FTPSTATE\n< +FTPSTATE: 0\n< OK\n"), io.get_executor(), clock);
  Reader r(s);
  Writer w;
  r.start();
  io.run();  // returns although a read is pending
  EXPECT_EQ(r.got, "\r\nRDY\r\n");
  w.write(s, "AT\r");
  io.restart();
  io.run();
  EXPECT_EQ(r.got, "\r\nRDY\r\n\r\nOK\r\n");
  w.write(s, "AT+FTPSTATE\r");
  io.restart();
  io.run();
  EXPECT_EQ(r.got, "\r\nRDY\r\n\r\nOK\r\n\r\n+FTPSTATE: 0\r\n\r\nOK\r\n");
  EXPECT_FALSE(r.ec);
  ASSERT_EQ(w.results.size(), 2u);
  EXPECT_FALSE(w.results[0].first);
  EXPECT_EQ(w.results[1].second, 12u);
  EXPECT_TRUE(s.fully_consumed());
  EXPECT_EQ(s.leftover(), "");
  EXPECT_FALSE(s.failed());
}

TEST(ReplayStream, CompletionsArePostedNeverInline) {
  asio::io_context io;
  VirtualClock clock(io.get_executor());
  ReplayStream s(parse("< OK\n"), io.get_executor(), clock);
  Reader r(s);
  Writer w;
  r.start();
  w.write(s, "");
  EXPECT_TRUE(r.got.empty());
  EXPECT_TRUE(w.results.empty());
  io.run();
  EXPECT_EQ(r.got, "\r\nOK\r\n");
  EXPECT_EQ(w.results.size(), 1u);
}

TEST(ReplayStream, HostWritesMayBeSplitAnyway) {
  for (std::size_t piece = 1; piece <= 8; ++piece) {
    asio::io_context io;
    VirtualClock clock(io.get_executor());
    ReplayStream s(parse("> AT+FTPGET=1\n>> hello\n< OK\n"), io.get_executor(), clock);
    Reader r(s);
    Writer w;
    r.start();
    const std::string all = "AT+FTPGET=1\rhello";
    for (std::size_t i = 0; i < all.size(); i += piece) w.write(s, all.substr(i, piece));
    io.run();
    EXPECT_FALSE(s.failed()) << s.failure();
    EXPECT_EQ(r.got, "\r\nOK\r\n");
    EXPECT_TRUE(s.fully_consumed());
  }
}

TEST(ReplayStream, MismatchShowsTheFirstDifference) {
  asio::io_context io;
  VirtualClock clock(io.get_executor());
  ReplayStream s(parse("#! title: x\n> AT+FTPGETPATH=\"/\"\n< OK\n> AT+FTPGETNAME=\"simftp.txt\"\n< OK\n> AT+FTPGET=1\n< OK\n"),
                 io.get_executor(), clock);
  Reader r(s);
  Writer w;
  r.start();
  w.write(s, "AT+FTPGETPATH=\"/\"\r");
  io.run();
  w.write(s, "AT+FTPGETNAME=\"simftp2.txt\"\r");
  io.restart();
  io.run();
  ASSERT_TRUE(s.failed());
  ASSERT_EQ(w.results.size(), 2u);
  EXPECT_EQ(w.results[1].first, std::make_error_code(std::errc::protocol_error));
  EXPECT_EQ(w.results[1].second, 21u);
  const std::string& f = s.failure();
  EXPECT_NE(f.find("host byte 39"), std::string::npos) << f;  // 18 + 21
  EXPECT_NE(f.find("line 4"), std::string::npos) << f;
  EXPECT_NE(f.find("> AT+FTPGETNAME=\"simftp.txt\""), std::string::npos) << f;
  // 20 bytes of common history, then each side from the first difference on.
  EXPECT_NE(f.find("  expected: T+FTPGETNAME=\"simftp.txt\"\\rAT+FTPGET=1\\r\n"), std::string::npos) << f;
  EXPECT_NE(f.find("  written:  T+FTPGETNAME=\"simftp2.txt\"\\r\n"), std::string::npos) << f;
  EXPECT_NE(f.find("\n" + std::string(12 + 20, ' ') + "^"), std::string::npos) << f;  // under the 1st difference
  // Nothing further is delivered, and later writes fail too.
  EXPECT_EQ(r.got, "\r\nOK\r\n");
  w.write(s, "AT+FTPGET=1\r");
  io.restart();
  io.run();
  EXPECT_EQ(w.results.back().first, std::make_error_code(std::errc::protocol_error));
  EXPECT_EQ(r.got, "\r\nOK\r\n");
  EXPECT_FALSE(s.fully_consumed());
  EXPECT_NE(s.leftover().find("line 4: > AT+FTPGETNAME=\"simftp.txt\" (partly written"), std::string::npos)
      << s.leftover();
}

TEST(ReplayStream, WritingBeyondTheEndFails) {
  asio::io_context io;
  VirtualClock clock(io.get_executor());
  ReplayStream s(parse("> AT\n< OK\n"), io.get_executor(), clock);
  Writer w;
  w.write(s, "AT\rAT+FTPQUIT\r");
  io.run();
  ASSERT_TRUE(s.failed());
  EXPECT_NE(s.failure().find("more than the transcript"), std::string::npos) << s.failure();
  EXPECT_NE(s.failure().find("<end of transcript>"), std::string::npos) << s.failure();
  EXPECT_NE(s.failure().find("AT+FTPQUIT\\r"), std::string::npos) << s.failure();
}

TEST(ReplayStream, RedactedPasswordMatchesAnyPassword) {
  for (const std::string pw : {"simcomtest", "", "p,w;d <x> \\ ' !"}) {
    asio::io_context io;
    VirtualClock clock(io.get_executor());
    ReplayStream s(parse("> AT+FTPPW=<redacted>\n< OK\n> AT+FTPMODE=1\n"), io.get_executor(), clock,
                   Chunking::bytewise());
    Reader r(s);
    Writer w;
    r.start();
    const std::string line = "AT+FTPPW=\"" + pw + "\"\r";
    for (char c : line) w.write(s, std::string(1, c));
    io.run();
    w.write(s, "AT+FTPMODE=1\r");
    io.restart();
    io.run();
    EXPECT_FALSE(s.failed()) << s.failure();
    EXPECT_EQ(r.got, "\r\nOK\r\n");
    EXPECT_TRUE(s.fully_consumed());
  }
}

TEST(ReplayStream, RedactedPasswordRejectsBrokenLines) {
  struct Case {
    std::string written;
    const char* expected_shown;
  };
  for (const auto& c : std::vector<Case>{{"AT+FTPPW=\"abc\r", "expected: AT+FTPPW=\"***<password>\"\\r"},
                                         {"AT+FTPPW=nope\r", "expected: AT+FTPPW=\"<password>\"\\r"},
                                         {"AT+FTPPW=\"abc\"x\r", "expected: AT+FTPPW=\"***\"\\r"},
                                         {"AT+FTPPW=\"abc\nb\"\r", "written:  AT+FTPPW=\"***\\nb\"\\r"},
                                         {"AT+FTPPW=<redacted>\r", "written:  AT+FTPPW=<redacted>\\r"}}) {
    asio::io_context io;
    VirtualClock clock(io.get_executor());
    ReplayStream s(parse("> AT+FTPPW=<redacted>\n< OK\n"), io.get_executor(), clock);
    Writer w;
    w.write(s, c.written);
    io.run();
    ASSERT_TRUE(s.failed()) << c.written;
    EXPECT_NE(s.failure().find("line 1"), std::string::npos) << s.failure();
    EXPECT_NE(s.failure().find(c.expected_shown), std::string::npos) << s.failure();
    EXPECT_EQ(s.failure().find("abc"), std::string::npos) << "password bytes are masked: " << s.failure();
  }
}

// The same conversation gives the same bytes under every chunking; only the cuts differ.
TEST(ReplayStream, EveryChunkingDeliversTheSameBytes) {
  const char* text =
      "> AT+FTPGET=2,1460\n"
      "< +FTPGET: 2,10\n"
      "<< 0123456789\n"
      "< OK\n"
      "< +FTPGET: 1,0\n"
      "> AT\n"
      "<< \\x00\\x01\\x02\n";
  const std::string expected_first = "\r\n+FTPGET: 2,10\r\n0123456789\r\nOK\r\n\r\n+FTPGET: 1,0\r\n";
  std::vector<Chunking> policies = {Chunking::whole(), Chunking::bytewise(), Chunking::fixed(3), Chunking::fixed(100)};
  for (std::uint64_t seed = 0; seed < 20; ++seed) policies.push_back(Chunking::random(seed, 7));
  for (const auto& policy : policies) {
    asio::io_context io;
    VirtualClock clock(io.get_executor());
    ReplayStream s(parse(text), io.get_executor(), clock, policy);
    Reader r(s);
    Writer w;
    r.start();
    w.write(s, "AT+FTPGET=2,1460\r");
    io.run();
    EXPECT_EQ(r.got, expected_first) << policy.name();
    w.write(s, "AT\r");
    io.restart();
    io.run();
    EXPECT_EQ(r.got, expected_first + std::string("\0\1\2", 3)) << policy.name();
    EXPECT_TRUE(s.fully_consumed()) << policy.name() << "\n" << s.leftover();
    // Fixed chunks never span entries (of 17, 10, 6, 16 and 3 wire bytes).
    auto fixed_sizes = [](std::size_t n) {
      std::vector<std::size_t> out;
      for (std::size_t len : {17, 10, 6, 16, 3}) {
        for (std::size_t left = len; left > 0; left -= std::min(n, left)) out.push_back(std::min(n, left));
      }
      return out;
    };
    if (policy.mode == Chunking::Mode::whole) {
      EXPECT_EQ(r.sizes, (std::vector<std::size_t>{expected_first.size(), 3})) << "whole spans entries";
    } else if (policy.mode == Chunking::Mode::fixed) {
      EXPECT_EQ(r.sizes, fixed_sizes(policy.max_bytes)) << policy.name();
    } else {
      for (auto n : r.sizes) EXPECT_LE(n, 7u);
    }
  }
}

TEST(ReplayStream, RandomChunkingIsReproducible) {
  std::vector<std::size_t> first;
  for (int run = 0; run < 2; ++run) {
    asio::io_context io;
    VirtualClock clock(io.get_executor());
    ReplayStream s(parse("<< 0123456789abcdefghijklmnopqrstuvwxyz\n"), io.get_executor(), clock, Chunking::random(42, 5));
    Reader r(s);
    r.start();
    io.run();
    if (run == 0) first = r.sizes;
    else EXPECT_EQ(r.sizes, first);
    for (auto n : r.sizes) EXPECT_LE(n, 5u);
  }
}

// `~ 75s` fires a deadline the driver armed on the bytes before it, and later modem bytes
// arrive only after the expiry ran.
TEST(ReplayStream, PauseAdvancesTheClockAndFiresTimers) {
  asio::io_context io;
  VirtualClock clock(io.get_executor());
  ReplayStream s(parse("> AT+FTPGET=1\n< OK\n~ 75s\n> AT+FTPQUIT\n< OK\n< +FTPGET: 1,80\n"), io.get_executor(), clock,
                 Chunking::bytewise());
  Reader r(s);
  Writer w;
  auto timer = clock.make_timer();
  std::vector<std::string> log;
  r.on_data = [&] {
    if (r.got == "\r\nOK\r\n") {  // as a driver would: OK seen, now wait 75 s for the URC
      log.push_back("armed at " + std::to_string(clock.now().count()));
      timer->arm(75s, [&] {
        log.push_back("expired at " + std::to_string(clock.now().count()));
        w.write(s, "AT+FTPQUIT\r");
      });
    }
  };
  r.start();
  w.write(s, "AT+FTPGET=1\r");
  io.run();
  EXPECT_FALSE(s.failed()) << s.failure();
  EXPECT_EQ(log, (std::vector<std::string>{"armed at 0", "expired at 75000"}));
  EXPECT_EQ(r.got, "\r\nOK\r\n\r\nOK\r\n\r\n+FTPGET: 1,80\r\n");
  EXPECT_EQ(clock.now(), 75s);
  EXPECT_TRUE(s.fully_consumed()) << s.leftover();
}

TEST(ReplayStream, PauseWithoutTimersJustPasses) {
  asio::io_context io;
  VirtualClock clock(io.get_executor());
  ReplayStream s(parse("~ 200ms\n< RDY\n~ 1s\n"), io.get_executor(), clock);
  Reader r(s);
  r.start();
  io.run();
  EXPECT_EQ(r.got, "\r\nRDY\r\n");
  EXPECT_EQ(clock.now(), 1200ms);
  EXPECT_TRUE(s.fully_consumed());
}

TEST(ReplayStream, StrictOrderCatchesAnEarlyWrite) {
  const char* text = "> AT+FTPGET=1\n< OK\n< +FTPGET: 1,1\n> AT+FTPGET=2,1460\n< +FTPGET: 2,0\n< OK\n";
  for (auto order : {HostOrder::strict, HostOrder::lenient}) {
    asio::io_context io;
    VirtualClock clock(io.get_executor());
    ReplayStream s(parse(text), io.get_executor(), clock, Chunking::whole(), order);
    Reader r(s);
    Writer w;
    w.write(s, "AT+FTPGET=1\r");
    w.write(s, "AT+FTPGET=2,1460\r");  // before reading `+FTPGET: 1,1`
    r.start();
    io.run();
    if (order == HostOrder::strict) {
      ASSERT_TRUE(s.failed());
      EXPECT_NE(s.failure().find("before line 2 (`< OK`) was delivered"), std::string::npos) << s.failure();
    } else {
      EXPECT_FALSE(s.failed()) << s.failure();
      EXPECT_EQ(r.got, "\r\nOK\r\n\r\n+FTPGET: 1,1\r\n\r\n+FTPGET: 2,0\r\n\r\nOK\r\n");
      EXPECT_TRUE(s.fully_consumed());
    }
  }
}

// A driver's tokenizer may end a line at its CR: writing before the LF arrives is in order.
TEST(ReplayStream, StrictOrderAllowsActingOnALineAtItsCr) {
  asio::io_context io;
  VirtualClock clock(io.get_executor());
  ReplayStream s(parse("> AT\n< OK\n<\n> AT+FTPSTATE\n< OK\n"), io.get_executor(), clock, Chunking::bytewise());
  Reader r(s);
  Writer w;
  r.on_data = [&] {
    if (r.got == "\r\nOK\r") w.write(s, "AT+FTPSTATE\r");  // `\n` and the bare `<` still pending
  };
  r.start();
  w.write(s, "AT\r");
  io.run();
  EXPECT_FALSE(s.failed()) << s.failure();
  EXPECT_EQ(r.got, "\r\nOK\r\n\r\n\r\n\r\nOK\r\n");
  EXPECT_TRUE(s.fully_consumed()) << s.leftover();
}

TEST(ReplayStream, CancelAbortsThePendingRead) {
  asio::io_context io;
  VirtualClock clock(io.get_executor());
  ReplayStream s(parse("> AT\n< OK\n"), io.get_executor(), clock);
  Reader r(s);
  r.start();
  io.run();
  s.cancel();
  io.restart();
  io.run();
  EXPECT_EQ(r.ec, asio::error::operation_aborted);
  s.close();
  EXPECT_FALSE(s.is_open());
  Writer w;
  w.write(s, "AT\r");
  io.restart();
  io.run();
  EXPECT_EQ(w.results.at(0).first, asio::error::bad_descriptor);
}

TEST(ReplayStream, LeftoverListsWhatIsMissing) {
  asio::io_context io;
  VirtualClock clock(io.get_executor());
  ReplayStream s(parse("> AT\n< OK\n~ 5s\n> AT+FTPQUIT\n"), io.get_executor(), clock, Chunking::fixed(2));
  Reader r(s);
  Writer w;
  w.write(s, "AT\r");
  io.run();  // no read yet: OK not delivered
  EXPECT_FALSE(s.fully_consumed());
  EXPECT_EQ(s.leftover(),
            "line 2: < OK (not delivered)\n"
            "line 3: ~ 5000ms (pause not elapsed)\n"
            "line 4: > AT+FTPQUIT (not written)\n");
  r.start();
  io.restart();
  io.poll_one();  // the first 2-byte chunk only
  EXPECT_NE(s.leftover().find("line 2: < OK (4 of 6 bytes delivered)"), std::string::npos) << s.leftover();
}

TEST(ReplayStream, DestroyedWithCompletionsPostedDropsThem) {
  asio::io_context io;
  VirtualClock clock(io.get_executor());
  bool called = false;
  {
    ReplayStream s(parse("< OK\n"), io.get_executor(), clock);
    std::array<std::byte, 8> buf{};
    s.async_read_some(buf, [&](std::error_code, std::size_t) { called = true; });
  }
  io.run();
  EXPECT_FALSE(called);
}

// TracedStream over a real pseudo-terminal: traffic passes unchanged, sinks get it redacted,
// and the password never reaches a sink whatever the split of writes and reads.
#include "transport/traced_stream.hpp"

#include <gtest/gtest.h>

#include <random>
#include <sstream>

#include "asio/error.hpp"
#include "pty_helpers.hpp"
#include "sim7080/error.hpp"
#include "transport/serial_port.hpp"

namespace sim7080::transport {
namespace {

using namespace test;

class RecordingSink final : public TraceSink {
 public:
  void on_tx(std::span<const std::byte> bytes, std::chrono::steady_clock::time_point) override {
    tx_chunks.push_back(string_of(bytes));
    tx += tx_chunks.back();
  }
  void on_rx(std::span<const std::byte> bytes, std::chrono::steady_clock::time_point) override {
    rx_chunks.push_back(string_of(bytes));
    rx += rx_chunks.back();
  }
  void on_event(std::string_view text, std::chrono::steady_clock::time_point) override {
    events.emplace_back(text);
  }
  bool saw(std::string_view needle) const {
    auto has = [&](const std::string& s) { return s.find(needle) != std::string::npos; };
    return has(tx) || has(rx) || std::any_of(events.begin(), events.end(), has);
  }

  std::string tx, rx;
  std::vector<std::string> tx_chunks, rx_chunks, events;
};

constexpr std::string_view command = "AT+FTPPW=\"secret\"\r";
constexpr std::string_view reply = "AT+FTPPW=\"secret\"\r\r\nOK\r\n";  // echo on

class TracedStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(pty_.ok());
    ASSERT_FALSE(port_.open({pty_.slave_path(), 115200, false}));
  }

  // Writes `pieces` one after another through the traced stream; the far side reads them all.
  void write_pieces(const std::vector<std::string>& pieces) {
    std::size_t total = 0;
    for (const auto& p : pieces) total += p.size();
    std::size_t next = 0;
    bool failed = false;
    std::vector<std::byte> current;
    WriteHandler on_write;
    auto start = [&] {
      current = bytes_of(pieces[next]);
      traced_.async_write(current, on_write);
    };
    on_write = [&](std::error_code ec, std::size_t) {
      failed = failed || static_cast<bool>(ec);
      if (!failed && ++next < pieces.size()) start();
    };
    if (!pieces.empty()) start();
    ASSERT_TRUE(run_until(io_, [&] { return failed || next >= pieces.size(); }));
    ASSERT_FALSE(failed);
    std::string joined;
    for (const auto& p : pieces) joined += p;
    EXPECT_EQ(string_of(pty_.read_exact(total, Clock::now() + 5s)), joined);
  }

  // The far side sends `pieces` one at a time, each after the host has read the previous one
  // completely, so every piece boundary is a read boundary; returns what the host read.
  std::string far_sends(const std::vector<std::string>& pieces, std::size_t read_buffer_bytes = 256) {
    std::string got;
    std::vector<std::byte> buf(read_buffer_bytes);
    std::size_t next = 0;
    std::size_t due = 0;
    bool failed = false;
    ReadHandler on_read;
    auto send_next = [&] {
      while (next < pieces.size() && pieces[next].empty()) ++next;
      if (next == pieces.size()) return;
      due += pieces[next].size();
      failed = failed || !pty_.write_all(pieces[next++], Clock::now() + 5s);
    };
    on_read = [&](std::error_code ec, std::size_t n) {
      if (ec) {
        failed = true;
        return;
      }
      got += string_of(std::span(buf).first(n));
      if (got.size() == due) send_next();
      if (got.size() < due) traced_.async_read_some(buf, on_read);
    };
    send_next();
    if (due > 0) traced_.async_read_some(buf, on_read);
    EXPECT_TRUE(run_until(io_, [&] { return failed || (next == pieces.size() && got.size() == due); }));
    EXPECT_FALSE(failed);
    return got;
  }

  asio::io_context io_;
  Pty pty_;
  SerialPort port_{io_};
  TracedStream traced_{port_};
  RecordingSink sink_;
};

TEST_F(TracedStreamTest, PassesTrafficThroughAndShowsItToTheSink) {
  traced_.add_sink(sink_);
  write_pieces({"AT+FTPGET=2,1024\r"});
  EXPECT_EQ(far_sends({"\r\n+FTPGET: 2,3\r\nabc\r\nOK\r\n"}), "\r\n+FTPGET: 2,3\r\nabc\r\nOK\r\n");
  traced_.event("transfer done");
  EXPECT_EQ(sink_.tx, "AT+FTPGET=2,1024\r");
  EXPECT_EQ(sink_.rx, "\r\n+FTPGET: 2,3\r\nabc\r\nOK\r\n");
  EXPECT_EQ(sink_.events, std::vector<std::string>{"transfer done"});
}

TEST_F(TracedStreamTest, PasswordReachesTheModemButNotTheSinkWhole) {
  traced_.add_sink(sink_);
  write_pieces({std::string(command)});  // the far side checks the real bytes arrive
  EXPECT_EQ(far_sends({std::string(reply)}), reply);
  traced_.close();
  EXPECT_EQ(sink_.tx, "AT+FTPPW=<redacted>\r");
  EXPECT_EQ(sink_.rx, "AT+FTPPW=<redacted>\r\r\nOK\r\n");
  EXPECT_FALSE(sink_.saw("secret"));
}

TEST_F(TracedStreamTest, PasswordNeverReachesTheSinkAtAnyTwoWaySplit) {
  traced_.add_sink(sink_);
  for (std::size_t i = 1; i < command.size(); ++i) {
    write_pieces({std::string(command.substr(0, i)), std::string(command.substr(i))});
  }
  for (std::size_t i = 1; i < reply.size(); ++i) {
    EXPECT_EQ(far_sends({std::string(reply.substr(0, i)), std::string(reply.substr(i))}), reply);
  }
  traced_.close();
  EXPECT_FALSE(sink_.saw("secret"));
  std::string tx_expected, rx_expected;
  for (std::size_t i = 1; i < command.size(); ++i) tx_expected += "AT+FTPPW=<redacted>\r";
  for (std::size_t i = 1; i < reply.size(); ++i) rx_expected += "AT+FTPPW=<redacted>\r\r\nOK\r\n";
  EXPECT_EQ(sink_.tx, tx_expected);
  EXPECT_EQ(sink_.rx, rx_expected);
}

TEST_F(TracedStreamTest, PasswordNeverReachesTheSinkByteByByteOrInRandomSplits) {
  traced_.add_sink(sink_);
  std::vector<std::string> single;
  for (char c : reply) single.emplace_back(1, c);
  write_pieces(single);
  EXPECT_EQ(far_sends(single), reply);
  EXPECT_EQ(far_sends({std::string(reply)}, 1), reply);  // 1-byte reads
  for (unsigned seed = 1; seed <= 20; ++seed) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<std::size_t> len(1, 6);
    std::vector<std::string> pieces;
    for (std::size_t at = 0; at < reply.size();) {
      const std::size_t n = std::min(len(rng), reply.size() - at);
      pieces.emplace_back(reply.substr(at, n));
      at += n;
    }
    write_pieces(pieces);
    EXPECT_EQ(far_sends(pieces), reply);
  }
  traced_.close();
  EXPECT_FALSE(sink_.saw("secret"));
  for (const auto& c : sink_.tx_chunks) EXPECT_EQ(c.find("secret"), std::string::npos);
  EXPECT_EQ(sink_.tx.size(), 21 * std::string("AT+FTPPW=<redacted>\r\r\nOK\r\n").size());
}

TEST_F(TracedStreamTest, SinkAddedMidLineSeesNoPasswordTail) {
  write_pieces({"AT+FTPPW=\"sec"});  // nobody watching yet
  traced_.add_sink(sink_);
  write_pieces({"ret\"\r", "AT\r"});
  EXPECT_EQ(sink_.tx, "\rAT\r");
  ASSERT_EQ(sink_.events.size(), 1u);
  EXPECT_NE(sink_.events[0].find("mid-line"), std::string::npos);
  EXPECT_FALSE(sink_.saw("ret\""));
}

TEST_F(TracedStreamTest, SinkAddedAtLineStartSeesEverything) {
  write_pieces({"ATE0\r"});
  traced_.add_sink(sink_);
  write_pieces({"AT+FTPPW=\"secret\"\r"});
  EXPECT_EQ(sink_.tx, "AT+FTPPW=<redacted>\r");
  EXPECT_TRUE(sink_.events.empty());
}

TEST_F(TracedStreamTest, EverySinkGetsTheTrafficAndRemovedSinksNoMore) {
  RecordingSink second;
  traced_.add_sink(sink_);
  traced_.add_sink(second);
  traced_.add_sink(second);  // registering twice does not double the output
  write_pieces({"AT\r"});
  traced_.remove_sink(second);
  write_pieces({"ATE0\r"});
  traced_.event("bye");
  EXPECT_EQ(sink_.tx, "AT\rATE0\r");
  EXPECT_EQ(second.tx, "AT\r");
  EXPECT_TRUE(second.events.empty());
  EXPECT_TRUE(traced_.has_sinks());
  traced_.remove_sink(sink_);
  EXPECT_FALSE(traced_.has_sinks());
}

TEST_F(TracedStreamTest, WithoutSinksDataStillFlows) {
  write_pieces({"AT+FTPPW=\"secret\"\r"});
  EXPECT_EQ(far_sends({"\r\nOK\r\n"}), "\r\nOK\r\n");
  EXPECT_FALSE(traced_.has_sinks());
}

TEST_F(TracedStreamTest, CloseFlushesHeldBytes) {
  traced_.add_sink(sink_);
  write_pieces({"AT+FTP"});
  EXPECT_EQ(sink_.tx, "AT");  // "+FTP" could still become "+FTPPW="
  traced_.close();
  EXPECT_EQ(sink_.tx, "AT+FTP");
  EXPECT_FALSE(traced_.is_open());
}

TEST_F(TracedStreamTest, VanishedPortIsReportedToCallerAndSink) {
  traced_.add_sink(sink_);
  std::vector<std::byte> buf(16);
  std::error_code result;
  int completions = 0;
  traced_.async_read_some(buf, [&](std::error_code ec, std::size_t) {
    ++completions;
    result = ec;
  });
  pty_.close_master();
  ASSERT_TRUE(run_until(io_, [&] { return completions > 0; }));
  EXPECT_EQ(result, TransportErrc::port_vanished);
  ASSERT_EQ(sink_.events.size(), 1u);
  EXPECT_NE(sink_.events[0].find("read failed"), std::string::npos);
}

TEST(TracedStreamOwning, OwnsItsPortAndFeedsTheTextTrace) {
  asio::io_context io;
  Pty pty;
  ASSERT_TRUE(pty.ok());
  auto port = std::make_unique<SerialPort>(io);
  ASSERT_FALSE(port->open({pty.slave_path(), 115200, false}));
  TracedStream traced{std::move(port)};
  std::ostringstream text;
  auto sink = make_text_trace(text);
  traced.add_sink(*sink);
  const auto cmd = bytes_of("AT+FTPPW=\"secret\"\r");
  bool done = false;
  traced.async_write(cmd, [&](std::error_code ec, std::size_t) { done = !ec; });
  ASSERT_TRUE(run_until(io, [&] { return done; }));
  EXPECT_EQ(string_of(pty.read_exact(cmd.size(), Clock::now() + 5s)), "AT+FTPPW=\"secret\"\r");
  EXPECT_EQ(text.str().substr(8),  // after the time column
            " TX 00000000 41 54 2b 46 54 50 50 57 3d 3c 72 65 64 61 63 74  AT+FTPPW=<redact\n"
            "0.000000 TX 00000010 65 64 3e 0d  ed>.\n");
  EXPECT_EQ(text.str().find("secret"), std::string::npos);
  EXPECT_EQ(text.str().find("73 65 63 72 65 74"), std::string::npos);  // "secret" in hex
}

}  // namespace
}  // namespace sim7080::transport

// The command channel over the transcript replay transport and a virtual clock: one command
// in flight, FIFO, deadlines (75 s in microseconds), replies vs URCs by the table, restarts,
// data phases, cancellation, and the injection guard — each also replayed byte by byte.
#include "at/command_channel.hpp"

#include <gtest/gtest.h>

#include "asio/error.hpp"
#include "asio/io_context.hpp"
#include "ftp/command_table.hpp"
#include "sim7080/transcript.hpp"
#include "support/replay_stream.hpp"
#include "support/virtual_clock.hpp"

namespace sim7080::test {
namespace {

using ftp::CommandId;
using ftp::command_spec;

// Records what the channel reports for one request.
struct Recorder final : at::RequestObserver {
  std::vector<std::string> lines;
  std::string payload;
  int payload_ends = 0;
  std::optional<std::error_code> result;
  std::string data;               // bytes handed out on go-ahead
  std::vector<std::string> chunks;  // transparent chunks to hand out
  std::size_t next_chunk = 0;
  std::size_t go_ahead_count = 0;

  void on_reply_line(std::string_view l) override { lines.emplace_back(l); }
  void on_payload(std::span<const std::byte> b) override { payload.append(reinterpret_cast<const char*>(b.data()), b.size()); }
  void on_payload_end() override { ++payload_ends; }
  std::span<const std::byte> on_go_ahead(std::size_t count) override {
    go_ahead_count = count;
    return std::as_bytes(std::span<const char>(data.data(), std::min(count, data.size())));
  }
  std::span<const std::byte> on_stream_chunk() override {
    if (next_chunk == chunks.size()) return {};
    const auto& c = chunks[next_chunk++];
    return std::as_bytes(std::span<const char>(c.data(), c.size()));
  }
  void on_complete(std::error_code ec) override { result = ec; }
};

class Harness {
 public:
  Harness(const std::string& text, Chunking chunking)
      : clock_(io_.get_executor()),
        stream_(parse(text), io_.get_executor(), clock_, chunking),
        channel_(std::make_shared<at::CommandChannel>(stream_, clock_.make_timer())) {
    channel_->start();
  }
  static transcript::Transcript parse(const std::string& text) {
    auto r = transcript::parse_transcript(text);
    EXPECT_TRUE(r) << r.error.message;
    return r ? *r : transcript::Transcript{};
  }
  at::Request& request(std::string line, CommandId id, Recorder& rec) {
    requests_.push_back(std::make_unique<at::Request>());
    auto& r = *requests_.back();
    r.line = std::move(line);
    r.spec = &command_spec(id);
    r.observer = &rec;
    return r;
  }
  void run() {
    io_.restart();  // a drained io_context runs nothing until restarted
    io_.run_for(std::chrono::seconds(2));
  }
  at::CommandChannel& channel() { return *channel_; }
  ReplayStream& stream() { return stream_; }
  void expect_clean() {
    EXPECT_FALSE(stream_.failed()) << stream_.failure();
    EXPECT_TRUE(stream_.fully_consumed()) << stream_.leftover();
  }

 private:
  asio::io_context io_;
  VirtualClock clock_;
  ReplayStream stream_;
  std::shared_ptr<at::CommandChannel> channel_;
  std::vector<std::unique_ptr<at::Request>> requests_;
};

class Channel : public ::testing::TestWithParam<Chunking> {};

TEST_P(Channel, RepliesBelongToTheCommandUrcsGoToSubscribers) {
  Harness h(R"(> AT+FTPSTATE
< +FTPGET: 1,1
< +FTPSTATE: 1
< +CEREG: 1,5
< OK
)", GetParam());
  Recorder rec;
  std::vector<std::string> urcs;
  auto sub = h.channel().urcs().subscribe("+FTPGET", [&](std::string_view l) { urcs.emplace_back(l); });
  std::vector<std::string> unknown;
  h.channel().urcs().set_unknown_hook([&](std::string_view l) { unknown.emplace_back(l); });
  h.channel().submit(h.request("AT+FTPSTATE", CommandId::ftpstate, rec));
  h.run();
  h.expect_clean();
  ASSERT_TRUE(rec.result);
  EXPECT_FALSE(*rec.result);
  EXPECT_EQ(rec.lines, std::vector<std::string>{"+FTPSTATE: 1"});
  EXPECT_EQ(urcs, std::vector<std::string>{"+FTPGET: 1,1"});
  EXPECT_EQ(unknown, std::vector<std::string>{"+CEREG: 1,5"});
  EXPECT_EQ(h.channel().stats().unknown_urcs, 1u);
}

TEST_P(Channel, SamePrefixUrcAndReplyAreToldApartByFirstField) {
  // `+FTPGET: 1,0` is a URC even while AT+FTPGET=2 is in flight; `+FTPGET: 2,3` is its reply.
  Harness h(R"(> AT+FTPGET=2,1460
< +FTPGET:1,1
< +FTPGET: 2,3
<< abc
< OK
< +FTPGET: 1,0
)", GetParam());
  Recorder rec;
  std::vector<std::string> urcs;
  auto sub = h.channel().urcs().subscribe("+FTPGET", [&](std::string_view l) { urcs.emplace_back(l); });
  h.channel().submit(h.request("AT+FTPGET=2,1460", CommandId::ftpget, rec));
  h.run();
  h.expect_clean();
  EXPECT_EQ(rec.lines, std::vector<std::string>{"+FTPGET: 2,3"});
  EXPECT_EQ(rec.payload, "abc");
  EXPECT_EQ(rec.payload_ends, 1);
  EXPECT_EQ(urcs, (std::vector<std::string>{"+FTPGET:1,1", "+FTPGET: 1,0"}));
}

TEST_P(Channel, OneCommandInFlightFifo) {
  Harness h(R"(> AT+FTPCID=0
< OK
> AT+FTPPORT=21
< ERROR
> AT+FTPMODE=1
< +CME ERROR: 3
)", GetParam());
  Recorder a, b, c;
  h.channel().submit(h.request("AT+FTPCID=0", CommandId::ftpcid, a));
  h.channel().submit(h.request("AT+FTPPORT=21", CommandId::ftpport, b));
  h.channel().submit(h.request("AT+FTPMODE=1", CommandId::ftpmode, c));
  h.run();
  h.expect_clean();
  EXPECT_EQ(a.result.value_or(make_error_code(AtErrc::channel_closed)), std::error_code{});
  EXPECT_EQ(b.result.value_or(make_error_code(AtErrc::channel_closed)), make_error_code(AtErrc::error_result));
  EXPECT_EQ(c.result.value_or(make_error_code(AtErrc::channel_closed)), make_error_code(CmeErrc::operation_not_allowed));
}

TEST_P(Channel, SeventyFiveSecondDeadlineOnTheVirtualClock) {
  Harness h(R"(> AT+FTPGET=1
~ 74s
~ 2s
)", GetParam());
  Recorder rec;
  h.channel().submit(h.request("AT+FTPGET=1", CommandId::ftpget, rec));
  const auto started = std::chrono::steady_clock::now();
  h.run();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(1));
  h.expect_clean();
  ASSERT_TRUE(rec.result);
  EXPECT_EQ(rec.result.value_or(make_error_code(AtErrc::channel_closed)), make_error_code(AtErrc::timeout));
}

TEST_P(Channel, DeadlineNotReachedKeepsWaiting) {
  Harness h(R"(> AT+FTPGET=1
~ 74s
< OK
)", GetParam());
  Recorder rec;
  h.channel().submit(h.request("AT+FTPGET=1", CommandId::ftpget, rec));
  h.run();
  h.expect_clean();
  EXPECT_EQ(rec.result.value_or(make_error_code(AtErrc::channel_closed)), std::error_code{});
}

TEST_P(Channel, RequestTimeoutShortensTheSpecsDeadline) {
  Harness h(R"(> AT+FTPGET=1
~ 1s
~ 2s
)", GetParam());
  Recorder rec;
  auto& r = h.request("AT+FTPGET=1", CommandId::ftpget, rec);
  r.timeout = std::chrono::seconds(2);  // FtpConfig::session_timeout caps the 75 s
  h.channel().submit(r);
  h.run();
  h.expect_clean();
  EXPECT_EQ(rec.result.value_or(make_error_code(AtErrc::channel_closed)), make_error_code(AtErrc::timeout));
}

TEST_P(Channel, RequestTimeoutNeverLengthensTheSpecsDeadline) {
  Harness h(R"(> AT+FTPCID=0
~ 6s
)", GetParam());
  Recorder rec;
  auto& r = h.request("AT+FTPCID=0", CommandId::ftpcid, rec);
  r.timeout = std::chrono::seconds(100);  // a quick command keeps its 5 s
  h.channel().submit(r);
  h.run();
  h.expect_clean();
  EXPECT_EQ(rec.result.value_or(make_error_code(AtErrc::channel_closed)), make_error_code(AtErrc::timeout));
}

TEST_P(Channel, RestartEndsEveryPendingCommand) {
  Harness h(R"(> AT+FTPGET=2,1460
< RDY
< +CFUN: 1
< +CPIN: READY
< SMS Ready
)", GetParam());
  Recorder a, b;
  std::vector<std::error_code> link;
  h.channel().add_link_listener([&](std::error_code ec) { link.push_back(ec); });
  h.channel().submit(h.request("AT+FTPGET=2,1460", CommandId::ftpget, a));
  h.channel().submit(h.request("AT+FTPSTATE", CommandId::ftpstate, b));
  h.run();
  EXPECT_FALSE(h.stream().failed()) << h.stream().failure();
  EXPECT_EQ(a.result.value_or(make_error_code(AtErrc::channel_closed)), make_error_code(AtErrc::modem_restarted));
  EXPECT_EQ(b.result.value_or(make_error_code(AtErrc::channel_closed)), make_error_code(AtErrc::modem_restarted));
  ASSERT_GE(link.size(), 1u);
  EXPECT_EQ(link.front(), make_error_code(AtErrc::modem_restarted));
  EXPECT_GE(h.channel().stats().restarts, 1u);
}

TEST_P(Channel, PowerDownIsTyped) {
  Harness h(R"(> AT+CSQ
< NORMAL POWER DOWN
)", GetParam());
  Recorder rec;
  h.channel().submit(h.request("AT+CSQ", CommandId::csq, rec));
  h.run();
  EXPECT_EQ(rec.result.value_or(make_error_code(AtErrc::channel_closed)), make_error_code(AtErrc::modem_powered_down));
}

TEST_P(Channel, CpinAfterCfunIsNotARestart) {
  Harness h(R"(> AT+CFUN=0
< +CPIN: NOT READY
< OK
> AT+CFUN=1
< OK
< +CPIN: READY
> AT+CGATT?
< +CGATT: 1
< OK
)", GetParam());
  Recorder a, b, c;
  h.channel().submit(h.request("AT+CFUN=0", CommandId::cfun, a));
  h.channel().submit(h.request("AT+CFUN=1", CommandId::cfun, b));
  h.run();
  h.channel().submit(h.request("AT+CGATT?", CommandId::cgatt, c));
  h.run();
  h.expect_clean();
  EXPECT_EQ(a.result.value_or(make_error_code(AtErrc::channel_closed)), std::error_code{});
  EXPECT_EQ(b.result.value_or(make_error_code(AtErrc::channel_closed)), std::error_code{});
  EXPECT_EQ(c.result.value_or(make_error_code(AtErrc::channel_closed)), std::error_code{});
  EXPECT_EQ(c.lines, std::vector<std::string>{"+CGATT: 1"});
  EXPECT_EQ(h.channel().stats().restarts, 0u);
}

TEST_P(Channel, CountedUploadWritesExactlyTheGoAheadCount) {
  // The module may grant fewer bytes than asked (§3.15): exactly the granted count is written.
  Harness h(R"(> AT+FTPPUT=2,10
< +FTPPUT: 2,5
>> hello
< OK
)", GetParam());
  Recorder rec;
  rec.data = "helloworld";
  auto& req = h.request("AT+FTPPUT=2,10", CommandId::ftpput, rec);
  req.data_length = 10;
  h.channel().submit(req);
  h.run();
  h.expect_clean();
  EXPECT_EQ(rec.go_ahead_count, 5u);
  EXPECT_EQ(rec.result.value_or(make_error_code(AtErrc::channel_closed)), std::error_code{});
}

TEST_P(Channel, GoAheadOverTheRequestIsAProtocolErrorAndNothingIsWritten) {
  Harness h(R"(> AT+FTPPUT=2,5
< +FTPPUT: 2,50
~ 10s
< ERROR
)", GetParam());
  Recorder rec;
  rec.data = "hello";
  auto& req = h.request("AT+FTPPUT=2,5", CommandId::ftpput, rec);
  req.data_length = 5;
  h.channel().submit(req);
  h.run();
  h.expect_clean();
  EXPECT_EQ(rec.result.value_or(make_error_code(AtErrc::channel_closed)), make_error_code(AtErrc::protocol_error));
}

TEST_P(Channel, StagedUpload) {
  Harness h(R"(> AT+FTPEXTPUT=2,0,4,10000
< +FTPEXTPUT: 0,4
>> \x00\x01\r\n
< OK
)", GetParam());
  Recorder rec;
  rec.data = std::string("\x00\x01\r\n", 4);
  h.channel().submit(h.request("AT+FTPEXTPUT=2,0,4,10000", CommandId::ftpextput, rec));
  h.run();
  h.expect_clean();
  EXPECT_EQ(rec.result.value_or(make_error_code(AtErrc::channel_closed)), std::error_code{});
}

TEST_P(Channel, TransparentUploadEscapesDleAndEtx) {
  // Spec §4.2: 41 03 42 10 43 goes out as 41 10 03 42 10 10 43, then a bare ETX; the OK
  // before the go-ahead ([AN] order) is not the final result.
  Harness h(R"(> AT+FTPETPUT=2
< OK
< +FTPETPUT: 2,1
>> A\x10\x03B\x10\x10C
>> \x10\x10\x03
< OK
)", GetParam());
  Recorder rec;
  rec.chunks = {"A\x03" "B\x10" "C", std::string("\x10", 1)};
  h.channel().submit(h.request("AT+FTPETPUT=2", CommandId::ftpetput, rec));
  h.run();
  h.expect_clean();
  EXPECT_EQ(rec.result.value_or(make_error_code(AtErrc::channel_closed)), std::error_code{});
}

TEST_P(Channel, TransparentUploadManualOrderWithoutFirstOk) {
  Harness h(R"(> AT+FTPETPUT=2
< +FTPETPUT:2,1
>> xy\x03
< OK
)", GetParam());
  Recorder rec;
  rec.chunks = {"xy"};
  h.channel().submit(h.request("AT+FTPETPUT=2", CommandId::ftpetput, rec));
  h.run();
  h.expect_clean();
  EXPECT_EQ(rec.result.value_or(make_error_code(AtErrc::channel_closed)), std::error_code{});
}

TEST_P(Channel, PromptDataPhase) {
  Harness h(R"(> AT+CFSWFILE=3,"ca.cer",0,4,1000
< DOWNLOAD
>> \x30\x82\x01\x0a
< OK
)", GetParam());
  Recorder rec;
  rec.data = std::string("\x30\x82\x01\x0a", 4);
  auto& req = h.request(R"(AT+CFSWFILE=3,"ca.cer",0,4,1000)", CommandId::cfswfile, rec);
  req.data_length = 4;
  h.channel().submit(req);
  h.run();
  h.expect_clean();
  EXPECT_EQ(rec.result.value_or(make_error_code(AtErrc::channel_closed)), std::error_code{});
}

TEST_P(Channel, EchoIsRecognisedNotAReply) {
  Harness h(R"(> AT+FTPSTATE
<< AT+FTPSTATE\r
< +FTPSTATE: 0
< OK
)", GetParam());
  Recorder rec;
  h.channel().submit(h.request("AT+FTPSTATE", CommandId::ftpstate, rec));
  h.run();
  h.expect_clean();
  EXPECT_EQ(rec.lines, std::vector<std::string>{"+FTPSTATE: 0"});
  EXPECT_EQ(h.channel().stats().unknown_urcs, 0u);
}

TEST_P(Channel, CancelQueuedAndInFlight) {
  Harness h(R"(> AT+FTPGET=1
< OK
)", GetParam());
  Recorder first, second;
  auto& r1 = h.request("AT+FTPGET=1", CommandId::ftpget, first);
  auto& r2 = h.request("AT+FTPSTATE", CommandId::ftpstate, second);
  h.channel().submit(r1);
  h.channel().submit(r2);
  h.channel().cancel(r2);  // queued: leaves the queue, never written
  h.channel().cancel(r1);  // in flight: completes aborted at its final result
  h.run();
  h.expect_clean();
  EXPECT_EQ(first.result.value_or(make_error_code(AtErrc::channel_closed)), std::error_code(asio::error::operation_aborted));
  EXPECT_EQ(second.result.value_or(make_error_code(AtErrc::channel_closed)), std::error_code(asio::error::operation_aborted));
}

TEST_P(Channel, CancelInFlightCompletesAtTheDeadline) {
  Harness h(R"(> AT+FTPSTATE
~ 6s
)", GetParam());
  Recorder rec;
  auto& r = h.request("AT+FTPSTATE", CommandId::ftpstate, rec);
  h.channel().submit(r);
  h.channel().cancel(r);
  h.run();
  EXPECT_EQ(rec.result.value_or(make_error_code(AtErrc::channel_closed)), std::error_code(asio::error::operation_aborted));
}

TEST_P(Channel, InjectionIsRefusedBeforeAnyByteIsWritten) {
  Harness h("", GetParam());
  std::vector<std::string> bad{"AT+FTPUN=\"a\"\r\nAT+CFUN=0", "AT+FTPUN=\"a\nb\"", std::string("AT+FTPUN=\"\x01\"", 13),
                               "AT+FTPUN=\"\xc3\xa9\"", "ATX" + std::string(600, 'A'), "FTPGET=1", ""};
  std::vector<Recorder> recs(bad.size());
  for (std::size_t i = 0; i < bad.size(); ++i) h.channel().submit(h.request(bad[i], CommandId::ftpun, recs[i]));
  h.run();
  h.expect_clean();  // the transcript has no host line: nothing may have been written
  for (auto& r : recs) EXPECT_EQ(r.result.value_or(make_error_code(AtErrc::channel_closed)), make_error_code(AtErrc::invalid_argument));
}

TEST_P(Channel, LineAtTheModuleLimitIsAccepted) {
  const std::string line = "AT" + std::string(559, 'A');
  Harness h("> " + line + "\n< OK\n", GetParam());
  Recorder rec;
  h.channel().submit(h.request(line, CommandId::at, rec));
  h.run();
  h.expect_clean();
  EXPECT_EQ(rec.result.value_or(make_error_code(AtErrc::channel_closed)), std::error_code{});
}

TEST_P(Channel, StrayFinalResultIsCountedNotDelivered) {
  Harness h(R"(> AT
~ 6s
< OK
> AT+CSQ
< +CSQ: 27,99
< OK
)", GetParam());
  Recorder a, b;
  h.channel().submit(h.request("AT", CommandId::at, a));
  h.run();
  EXPECT_EQ(a.result.value_or(make_error_code(AtErrc::channel_closed)), make_error_code(AtErrc::timeout));
  h.channel().submit(h.request("AT+CSQ", CommandId::csq, b));
  h.run();
  h.expect_clean();
  EXPECT_EQ(b.lines, std::vector<std::string>{"+CSQ: 27,99"});
  EXPECT_EQ(b.result.value_or(make_error_code(AtErrc::channel_closed)), std::error_code{});
  EXPECT_EQ(h.channel().stats().stray_finals, 1u);
}

TEST_P(Channel, OverlongAndMalformedLinesAreReportedAndSkipped) {
  Harness h("> AT+CSQ\n< " + std::string(2000, 'x') + "\n< ab\\x01cd\n< +CSQ: 27,99\n< OK\n", GetParam());
  Recorder rec;
  h.channel().submit(h.request("AT+CSQ", CommandId::csq, rec));
  h.run();
  h.expect_clean();
  EXPECT_EQ(rec.lines, std::vector<std::string>{"+CSQ: 27,99"});
  EXPECT_EQ(h.channel().stats().parse_errors, 2u);
}

TEST_P(Channel, PayloadCountOverTheRequestIsAProtocolError) {
  Harness h(R"(> AT+FTPGET=2,100
< +FTPGET: 2,101
< OK
)", GetParam());
  Recorder rec;
  auto& r = h.request("AT+FTPGET=2,100", CommandId::ftpget, rec);
  r.payload_max = 100;
  h.channel().submit(r);
  h.run();
  h.expect_clean();
  EXPECT_EQ(rec.result.value_or(make_error_code(AtErrc::channel_closed)), make_error_code(AtErrc::protocol_error));
  EXPECT_TRUE(rec.payload.empty());
}

INSTANTIATE_TEST_SUITE_P(Splits, Channel,
                         ::testing::Values(Chunking::whole(), Chunking::bytewise(), Chunking::random(7, 5),
                                           Chunking::random(11, 17)),
                         [](const ::testing::TestParamInfo<Chunking>& p) {
                           std::string n = p.param.name();
                           for (char& c : n) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return n + "_" + std::to_string(p.index);
                         });

}  // namespace
}  // namespace sim7080::test

// Modem::async_set_baud_rate on the replay transport and virtual clock: AT+IPR, verify with AT,
// fall back when the module does not answer, refuse rates before writing anything.
#include <gtest/gtest.h>

#include "asio/io_context.hpp"
#include "sim7080/sim7080.hpp"
#include "sim7080/transcript.hpp"
#include "support/replay_stream.hpp"
#include "support/virtual_clock.hpp"

namespace sim7080::test {
namespace {

std::optional<std::error_code> set_rate(const std::string& text, unsigned rate, Chunking chunking, std::string& failure) {
  asio::io_context io;
  VirtualClock clock(io.get_executor());
  auto parsed = transcript::parse_transcript(text);
  EXPECT_TRUE(parsed) << parsed.error.message;
  ReplayStream stream(*parsed, io.get_executor(), clock, chunking);
  Modem modem(stream, clock.make_timer(), [&clock] { return clock.make_timer(); });
  std::optional<std::error_code> result;
  modem.async_set_baud_rate(rate, [&](std::error_code ec) { result = ec; });
  io.run_for(std::chrono::seconds(3));
  failure = stream.failed() ? stream.failure() : (stream.fully_consumed() ? "" : "left over: " + stream.leftover());
  return result;
}

class BaudRate : public ::testing::TestWithParam<Chunking> {};

TEST_P(BaudRate, SwitchesAndVerifies) {
  std::string failure;
  const auto r = set_rate("> AT+IPR=921600\n< OK\n> AT\n< OK\n", 921600, GetParam(), failure);
  EXPECT_EQ(failure, "");
  ASSERT_TRUE(r);
  EXPECT_FALSE(*r) << r->message();
}

TEST_P(BaudRate, VerifiesUpToThreeTimes) {
  std::string failure;
  const auto r = set_rate("> AT+IPR=921600\n< OK\n> AT\n~ 1s\n> AT\n~ 1s\n> AT\n< OK\n", 921600, GetParam(), failure);
  EXPECT_EQ(failure, "");
  ASSERT_TRUE(r);
  EXPECT_FALSE(*r) << r->message();
}

TEST_P(BaudRate, FallsBackWhenTheNewRateIsSilent) {
  std::string failure;
  const auto r = set_rate("> AT+IPR=921600\n< OK\n> AT\n~ 1s\n> AT\n~ 1s\n> AT\n~ 1s\n> AT\n< OK\n", 921600,
                          GetParam(), failure);
  EXPECT_EQ(failure, "");
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, make_error_code(AtErrc::baud_rate_fallback));
}

TEST_P(BaudRate, SilentAtBothRatesIsATimeout) {
  std::string failure;
  const auto r = set_rate("> AT+IPR=921600\n< OK\n> AT\n~ 1s\n> AT\n~ 1s\n> AT\n~ 1s\n> AT\n~ 1s\n> AT\n~ 1s\n",
                          921600, GetParam(), failure);
  EXPECT_EQ(failure, "");
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, make_error_code(AtErrc::timeout));
}

TEST_P(BaudRate, RefusedRateIsTheModulesError) {
  std::string failure;
  const auto r = set_rate("> AT+IPR=230400\n< +CME ERROR: 765\n", 230400, GetParam(), failure);
  EXPECT_EQ(failure, "");
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, make_error_code(CmeErrc::invalid_input_value));
}

TEST_P(BaudRate, UnknownRatesAreRefusedBeforeAnyByte) {
  for (unsigned rate : {0u, 12345u, 250000u}) {
    std::string failure;
    const auto r = set_rate("", rate, GetParam(), failure);
    EXPECT_EQ(failure, "");
    ASSERT_TRUE(r);
    EXPECT_EQ(*r, make_error_code(AtErrc::invalid_argument)) << rate;
  }
}

INSTANTIATE_TEST_SUITE_P(Splits, BaudRate, ::testing::Values(Chunking::whole(), Chunking::bytewise(), Chunking::random(3, 4)),
                         [](const ::testing::TestParamInfo<Chunking>& p) { return "split" + std::to_string(p.index); });

}  // namespace
}  // namespace sim7080::test

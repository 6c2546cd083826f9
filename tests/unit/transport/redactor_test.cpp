// PasswordRedactor ground through every split (design practice 3): the output must not depend
// on how the stream was chunked, hold-back stays bounded, and no output ever holds a password.
#include "transport/redactor.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "pty_helpers.hpp"

namespace sim7080::transport {
namespace {

using test::bytes_of;
using test::string_of;

struct Case {
  const char* name;
  std::string input;
  std::string expected;
  std::vector<std::string> secrets;  // must never appear in the output
};

std::vector<Case> cases() {
  return {
      {"whole_command", "AT+FTPPW=\"secret\"\r", "AT+FTPPW=<redacted>\r", {"secret"}},
      {"lowercase", "at+ftppw=\"secret\"\r", "at+ftppw=<redacted>\r", {"secret"}},
      {"mixed_case_lf", "At+FtpPw=secret\n", "At+FtpPw=<redacted>\n", {"secret"}},
      {"echo_and_reply", "AT+FTPPW=\"secret\"\r\r\nOK\r\n", "AT+FTPPW=<redacted>\r\r\nOK\r\n", {"secret"}},
      {"two_passwords",
       "AT+FTPUN=\"user\"\rAT+FTPPW=\"secret\"\r\r\nOK\r\nAT+FTPPW=\"hunter2\"\r\r\nOK\r\n",
       "AT+FTPUN=\"user\"\rAT+FTPPW=<redacted>\r\r\nOK\r\nAT+FTPPW=<redacted>\r\r\nOK\r\n",
       {"secret", "hunter2"}},
      {"near_miss_kept", "AT+FTPPWX=\"notsecret\"\r", "AT+FTPPWX=\"notsecret\"\r", {}},
      {"read_command_kept", "AT+FTPPW?\r", "AT+FTPPW?\r", {}},
      {"other_commands_kept", "AT+FTPUN=\"user\"\rAT+FTPSERV=\"1.2.3.4\"\r\r\n+FTPGET: 1,1\r\n",
       "AT+FTPUN=\"user\"\rAT+FTPSERV=\"1.2.3.4\"\r\r\n+FTPGET: 1,1\r\n", {}},
      {"read_reply", "\r\n+FTPPW: \"secret\"\r\n\r\nOK\r\n", "\r\n+FTPPW:<redacted>\r\n\r\nOK\r\n", {"secret"}},
      {"concatenated_line", "AT+FTPUN=\"u\";+FTPPW=\"secret\"\r", "AT+FTPUN=\"u\";+FTPPW=<redacted>\r", {"secret"}},
      {"empty_password", "AT+FTPPW=\"\"\rAT\r", "AT+FTPPW=<redacted>\rAT\r", {}},
      {"restart_inside_prefix", "AT++FTP+FTPPW=secret\r", "AT++FTP+FTPPW=<redacted>\r", {"secret"}},
      {"password_with_plus_and_equals", "AT+FTPPW=\"+FTPPW=s+e=cret\"\rAT\r", "AT+FTPPW=<redacted>\rAT\r",
       {"s+e=cret", "cret"}},
      {"unterminated_password", "AT+FTPPW=\"secret", "AT+FTPPW=<redacted>", {"secret"}},
      {"prefix_at_end", "OK\r\nAT+FTP", "OK\r\nAT+FTP", {}},
  };
}

// Feeds `chunks` in order, then flushes; checks the invariants on the way.
std::string run(PasswordRedactor& r, const std::vector<std::string>& chunks) {
  std::string out;
  for (const auto& c : chunks) {
    const auto in = bytes_of(c);
    out += string_of(r.feed(in));
    EXPECT_LE(r.held_bytes(), PasswordRedactor::max_hold_bytes);
  }
  out += string_of(r.flush());
  EXPECT_EQ(r.held_bytes(), 0u);
  return out;
}

std::string run(const std::vector<std::string>& chunks) {
  PasswordRedactor r;
  return run(r, chunks);
}

std::vector<std::string> split_at(const std::string& s, std::vector<std::size_t> cuts) {
  std::vector<std::string> out;
  std::size_t from = 0;
  for (std::size_t c : cuts) {
    out.push_back(s.substr(from, c - from));
    from = c;
  }
  out.push_back(s.substr(from));
  return out;
}

void expect_clean(const Case& c, const std::string& out, const std::string& how) {
  EXPECT_EQ(out, c.expected) << c.name << " split " << how;
  for (const auto& secret : c.secrets) {
    EXPECT_EQ(out.find(secret), std::string::npos) << c.name << " leaked via " << how;
  }
}

class RedactorCase : public ::testing::TestWithParam<Case> {};

TEST_P(RedactorCase, Whole) { expect_clean(GetParam(), run({GetParam().input}), "whole"); }

TEST_P(RedactorCase, ByteByByte) {
  const auto& in = GetParam().input;
  std::vector<std::string> chunks;
  for (char ch : in) chunks.emplace_back(1, ch);
  expect_clean(GetParam(), run(chunks), "byte-by-byte");
}

TEST_P(RedactorCase, EveryTwoWaySplit) {
  const auto& in = GetParam().input;
  for (std::size_t i = 0; i <= in.size(); ++i) {
    expect_clean(GetParam(), run(split_at(in, {i})), std::to_string(i));
  }
}

TEST_P(RedactorCase, EveryThreeWaySplit) {
  const auto& in = GetParam().input;
  for (std::size_t i = 0; i <= in.size(); ++i) {
    for (std::size_t j = i; j <= in.size(); ++j) {
      expect_clean(GetParam(), run(split_at(in, {i, j})), std::to_string(i) + "," + std::to_string(j));
    }
  }
}

TEST_P(RedactorCase, RandomSplits) {
  const auto& in = GetParam().input;
  for (unsigned seed = 1; seed <= 200; ++seed) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<std::size_t> len(0, 5);
    std::vector<std::string> chunks;
    for (std::size_t at = 0; at < in.size();) {
      const std::size_t n = std::min(len(rng), in.size() - at);
      chunks.push_back(in.substr(at, n));
      at += n;
    }
    expect_clean(GetParam(), run(chunks), "seed " + std::to_string(seed));
  }
}

INSTANTIATE_TEST_SUITE_P(Streams, RedactorCase, ::testing::ValuesIn(cases()),
                         [](const auto& tp) { return std::string(tp.param.name); });

TEST(Redactor, AllByteValuesPassUnchanged) {
  std::string data;
  for (int round = 0; round < 4; ++round) {
    for (int b = 0; b < 256; ++b) data.push_back(static_cast<char>(b));
  }
  EXPECT_EQ(run({data}), data);
  std::vector<std::string> bytes;
  for (char ch : data) bytes.emplace_back(1, ch);
  EXPECT_EQ(run(bytes), data);
}

TEST(Redactor, RandomBinaryWithoutKeywordPassesUnchanged) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> byte(0, 255);
  std::string data;
  for (int i = 0; i < 20000; ++i) data.push_back(static_cast<char>(byte(rng)));
  data += "+FTP+FTPP+FTPPW+FTPPWW+ftppw";  // near misses must come out as they went in
  ASSERT_EQ(data.find("+FTPPW="), std::string::npos);
  std::vector<std::string> chunks;
  for (std::size_t at = 0; at < data.size(); at += 13) chunks.push_back(data.substr(at, 13));
  EXPECT_EQ(run(chunks), data);
}

TEST(Redactor, ChunkWithoutPlusIsReturnedWithoutCopy) {
  PasswordRedactor r;
  const auto in = bytes_of("\r\nOK\r\n");
  const auto out = r.feed(in);
  EXPECT_EQ(out.data(), in.data());
  EXPECT_EQ(out.size(), in.size());
}

TEST(Redactor, PrefixIsHeldUntilDecided) {
  PasswordRedactor r;
  EXPECT_EQ(string_of(r.feed(bytes_of("AT+FTP"))), "AT");
  EXPECT_EQ(r.held_bytes(), 4u);
  EXPECT_EQ(string_of(r.feed(bytes_of("G"))), "+FTPG");
  EXPECT_EQ(r.held_bytes(), 0u);
  EXPECT_EQ(string_of(r.feed(bytes_of("ET=1\r"))), "ET=1\r");
}

TEST(Redactor, PasswordSpanningManyChunksIsDroppedAsItArrives) {
  PasswordRedactor r;
  EXPECT_EQ(string_of(r.feed(bytes_of("AT+FTPPW="))), "AT+FTPPW=<redacted>");
  EXPECT_TRUE(r.hiding());
  for (const char* part : {"\"se", "cr", "e", "t\""}) {
    EXPECT_EQ(string_of(r.feed(bytes_of(part))), "");
    EXPECT_EQ(r.held_bytes(), 0u);  // password bytes are never held, only dropped
  }
  EXPECT_EQ(string_of(r.feed(bytes_of("\r\r\nOK"))), "\r\r\nOK");
  EXPECT_FALSE(r.hiding());
}

TEST(Redactor, FlushMidPrefixKeepsTheRestOfTheLineHidden) {
  PasswordRedactor r;
  EXPECT_EQ(string_of(r.feed(bytes_of("AT+FTPP"))), "AT");
  EXPECT_EQ(string_of(r.flush()), "+FTPP");
  // If the stream goes on after all, its continuation could be "W=<password>".
  EXPECT_EQ(string_of(r.feed(bytes_of("W=\"secret\"\rAT\r"))), "\rAT\r");
}

TEST(Redactor, ResyncHidesTheUnobservedLineTail) {
  PasswordRedactor r;
  r.resync();
  EXPECT_EQ(string_of(r.feed(bytes_of("cret\"\r\nOK\r\n"))), "\r\nOK\r\n");
  EXPECT_EQ(string_of(r.feed(bytes_of("AT+FTPPW=x\r"))), "AT+FTPPW=<redacted>\r");
}

}  // namespace
}  // namespace sim7080::transport

// The AT injection guard: quote_argument and check_command_line (spec §1.1, §8 Q19).
#include "at/quote.hpp"

#include <gtest/gtest.h>

#include <string>

#include "sim7080/error.hpp"

namespace sim7080::at {
namespace {

const std::error_code kInvalid = make_error_code(AtErrc::invalid_argument);

TEST(QuoteArgument, AppendsQuotedValue) {
  std::string line = "AT+FTPSERV=";
  EXPECT_FALSE(quote_argument("112.74.93.163", 49, line));
  EXPECT_EQ(line, "AT+FTPSERV=\"112.74.93.163\"");
}

TEST(QuoteArgument, EmptyValueGivesEmptyQuotes) {
  std::string out;
  EXPECT_FALSE(quote_argument("", 0, out));
  EXPECT_EQ(out, "\"\"");
}

TEST(QuoteArgument, AcceptsEveryPrintableAsciiButQuote) {
  std::string all;
  for (int c = 0x20; c < 0x7F; ++c) {
    if (c != '"') all += static_cast<char>(c);
  }
  std::string out;
  EXPECT_FALSE(quote_argument(all, all.size(), out));
  EXPECT_EQ(out, "\"" + all + "\"");
}

TEST(QuoteArgument, CommasAndSemicolonsStayInsideQuotes) {
  std::string out;
  EXPECT_FALSE(quote_argument("a,b;c", 10, out));
  EXPECT_EQ(out, "\"a,b;c\"");
}

TEST(QuoteArgument, LengthLimitIsInclusive) {
  std::string out;
  EXPECT_FALSE(quote_argument(std::string(49, 'x'), 49, out));
  out.clear();
  EXPECT_EQ(quote_argument(std::string(50, 'x'), 49, out), kInvalid);
  EXPECT_TRUE(out.empty());
}

TEST(QuoteArgument, RefusesInjectionAndLeavesOutputUntouched) {
  const std::string bad[] = {
      "a\"b",                         // would close the string early
      "pw\r",                         // would end the command line
      "pw\nAT+FTPSERV=\"evil\"",      // a second command
      std::string("a\0b", 3),         // NUL
      "tab\there",                    // other control byte
      "del\x7f",                      // DEL
      "caf\xc3\xa9",                  // UTF-8 (non-ASCII)
      "\xff",
      "\x1b[0m",
  };
  for (const auto& value : bad) {
    std::string out = "AT+FTPPW=";
    EXPECT_EQ(quote_argument(value, 100, out), kInvalid) << testing::PrintToString(value);
    EXPECT_EQ(out, "AT+FTPPW=");
  }
}

TEST(QuoteArgument, EveryControlByteIsRefused) {
  for (int c = 0; c < 0x20; ++c) {
    std::string out;
    EXPECT_EQ(quote_argument(std::string(1, static_cast<char>(c)), 10, out), kInvalid) << c;
  }
  for (int c = 0x7F; c <= 0xFF; ++c) {
    std::string out;
    EXPECT_EQ(quote_argument(std::string(1, static_cast<char>(c)), 10, out), kInvalid) << c;
  }
}

TEST(QuoteArgument, ErrorIsInvalidArgumentInAtCategory) {
  std::string out;
  const auto ec = quote_argument("\"", 10, out);
  EXPECT_EQ(ec, AtErrc::invalid_argument);
  EXPECT_STREQ(ec.category().name(), "sim7080.at");
}

TEST(IsQuotable, MatchesQuoteArgument) {
  EXPECT_TRUE(is_quotable(""));
  EXPECT_TRUE(is_quotable("/a b/c,d"));
  EXPECT_FALSE(is_quotable("\""));
  EXPECT_FALSE(is_quotable("x\r"));
  EXPECT_TRUE(is_quotable_char(' '));
  EXPECT_TRUE(is_quotable_char('~'));
  EXPECT_FALSE(is_quotable_char('"'));
  EXPECT_FALSE(is_quotable_char('\x7f'));
  EXPECT_FALSE(is_quotable_char('\x80'));
}

TEST(CheckCommandLine, AcceptsOrdinaryLines) {
  EXPECT_FALSE(check_command_line("AT"));
  EXPECT_FALSE(check_command_line("ATE0"));
  EXPECT_FALSE(check_command_line("AT+FTPSERV=\"112.74.93.163\""));
  EXPECT_FALSE(check_command_line("AT+FTPEXTGET?"));
  EXPECT_FALSE(check_command_line("AT+FTPSSL=2,0,\"ca.cer\",\"\""));
}

TEST(CheckCommandLine, PrefixIsCaseInsensitive) {
  EXPECT_FALSE(check_command_line("at+ftpget=1"));
  EXPECT_FALSE(check_command_line("At+FTPGET=1"));
  EXPECT_FALSE(check_command_line("aT+FTPGET=1"));
}

TEST(CheckCommandLine, RefusesMissingPrefix) {
  EXPECT_EQ(check_command_line(""), kInvalid);
  EXPECT_EQ(check_command_line("A"), kInvalid);
  EXPECT_EQ(check_command_line("+FTPGET=1"), kInvalid);
  EXPECT_EQ(check_command_line(" AT"), kInvalid);
  EXPECT_EQ(check_command_line("TA"), kInvalid);
}

TEST(CheckCommandLine, LimitIs559CharactersAfterAt) {
  const std::string at_limit = "AT" + std::string(559, 'E');
  EXPECT_FALSE(check_command_line(at_limit));
  EXPECT_EQ(check_command_line(at_limit + "E"), kInvalid);
  EXPECT_EQ(max_command_line_chars, 559u);
}

TEST(CheckCommandLine, LongestFtpLineFits) {
  // spec §1.1: AT+FTPGETPATH=" + 255 characters + " is 271 bytes.
  const std::string line = "AT+FTPGETPATH=\"" + std::string(255, 'p') + "\"";
  EXPECT_EQ(line.size(), 271u);
  EXPECT_FALSE(check_command_line(line));
}

TEST(CheckCommandLine, RefusesLineBreaksControlAndNonAscii) {
  EXPECT_EQ(check_command_line("AT+FTPGET=1\r"), kInvalid);
  EXPECT_EQ(check_command_line("AT+FTPGET=1\n"), kInvalid);
  EXPECT_EQ(check_command_line("AT+FTPUN=\"a\rAT+FTPQUIT\""), kInvalid);
  EXPECT_EQ(check_command_line(std::string("AT\0", 3)), kInvalid);
  EXPECT_EQ(check_command_line("AT+X=\x7f"), kInvalid);
  EXPECT_EQ(check_command_line("AT+X=\"\xc3\xa9\""), kInvalid);
  EXPECT_EQ(check_command_line("AT+X=\x1a"), kInvalid);  // Ctrl-Z ends SMS text mode
}

}  // namespace
}  // namespace sim7080::at

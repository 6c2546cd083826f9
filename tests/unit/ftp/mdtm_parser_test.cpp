// The AT+FTPMDTM timestamp (spec §3.28, [AN] 5.18) and its ISO 8601 form.
#include "ftp/mdtm_parser.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sim7080::ftp {
namespace {

using namespace std::chrono;

sys_seconds utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} + seconds{s};
}

TEST(ParseMdtm, AppNoteSample518) {
  const auto t = parse_mdtm("20140409060951");
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, utc(2014, 4, 9, 6, 9, 51));
  EXPECT_EQ(format_iso8601(*t), "2014-04-09T06:09:51Z");
}

TEST(ParseMdtm, FractionIsDropped) {
  EXPECT_EQ(parse_mdtm("20140409060951.123"), utc(2014, 4, 9, 6, 9, 51));
  EXPECT_EQ(parse_mdtm("20140409060951.9"), utc(2014, 4, 9, 6, 9, 51));
  EXPECT_EQ(parse_mdtm("20140409060951.999999999999"), utc(2014, 4, 9, 6, 9, 51));
  // Any length: the fraction is checked, never converted (a fuzzer found the overflow).
  EXPECT_EQ(parse_mdtm("20140409060951." + std::string(100, '9')), utc(2014, 4, 9, 6, 9, 51));
  EXPECT_EQ(parse_mdtm("20140409060951.0140409060951.123212329512"), std::nullopt);
}

TEST(ParseMdtm, QuotesAreAccepted) {
  EXPECT_EQ(parse_mdtm("\"20140409060951\""), utc(2014, 4, 9, 6, 9, 51));
  EXPECT_EQ(parse_mdtm("\"20140409060951.5\""), utc(2014, 4, 9, 6, 9, 51));
  EXPECT_EQ(parse_mdtm("\"20140409060951"), std::nullopt);
  EXPECT_EQ(parse_mdtm("20140409060951\""), std::nullopt);
  EXPECT_EQ(parse_mdtm("\"\""), std::nullopt);
}

TEST(ParseMdtm, RangeLimits) {
  EXPECT_EQ(parse_mdtm("20141231235959"), utc(2014, 12, 31, 23, 59, 59));
  EXPECT_EQ(parse_mdtm("20140101000000"), utc(2014, 1, 1));
  EXPECT_EQ(parse_mdtm("20141231235960"), utc(2015, 1, 1));  // leap second: the next second 0
  EXPECT_EQ(parse_mdtm("20140001000000"), std::nullopt);     // month 0
  EXPECT_EQ(parse_mdtm("20141301000000"), std::nullopt);     // month 13
  EXPECT_EQ(parse_mdtm("20140100000000"), std::nullopt);     // day 0
  EXPECT_EQ(parse_mdtm("20140132000000"), std::nullopt);     // Jan 32
  EXPECT_EQ(parse_mdtm("20140431000000"), std::nullopt);     // Apr 31
  EXPECT_EQ(parse_mdtm("20140409240000"), std::nullopt);     // hour 24
  EXPECT_EQ(parse_mdtm("20140409236000"), std::nullopt);     // minute 60
  EXPECT_EQ(parse_mdtm("20140409235961"), std::nullopt);     // second 61
}

TEST(ParseMdtm, LeapYears) {
  EXPECT_EQ(parse_mdtm("20200229120000"), utc(2020, 2, 29, 12));
  EXPECT_EQ(parse_mdtm("20000229000000"), utc(2000, 2, 29));  // divisible by 400
  EXPECT_EQ(parse_mdtm("21000229000000"), std::nullopt);      // divisible by 100 only
  EXPECT_EQ(parse_mdtm("20190229000000"), std::nullopt);
  EXPECT_EQ(parse_mdtm("20190228000000"), utc(2019, 2, 28));
}

TEST(ParseMdtm, MalformedInput) {
  for (const char* s : {"", "2014", "2014040906095", "201404090609511", "2014-04-09 06:09:51", "2014040906095a",
                        " 20140409060951", "20140409060951 ", "20140409060951.", "20140409060951.12a",
                        "20140409060951,5", "-2014040906095", "+20140409060951", "\"", "0x140409060951"}) {
    EXPECT_EQ(parse_mdtm(s), std::nullopt) << s;
  }
  EXPECT_EQ(parse_mdtm(std::string_view("2014040906\0951", 14)), std::nullopt);
}

TEST(ParseMdtm, ExtremeYears) {
  EXPECT_EQ(parse_mdtm("00000101000000"), utc(0, 1, 1));
  EXPECT_EQ(parse_mdtm("99991231235959"), utc(9999, 12, 31, 23, 59, 59));
  EXPECT_EQ(parse_mdtm("19700101000000"), sys_seconds{});
}

TEST(FormatIso8601, Examples) {
  EXPECT_EQ(format_iso8601(sys_seconds{}), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_iso8601(utc(2014, 4, 9, 6, 9, 51)), "2014-04-09T06:09:51Z");
  EXPECT_EQ(format_iso8601(utc(1999, 12, 31, 23, 59, 59)), "1999-12-31T23:59:59Z");
  EXPECT_EQ(format_iso8601(utc(2020, 2, 29)), "2020-02-29T00:00:00Z");
  EXPECT_EQ(format_iso8601(utc(9999, 12, 31, 23, 59, 59)), "9999-12-31T23:59:59Z");
  EXPECT_EQ(format_iso8601(sys_seconds{seconds{-1}}), "1969-12-31T23:59:59Z");
}

TEST(FormatIso8601, RoundTripsParsedValues) {
  for (const char* s : {"20140409060951", "20000229235959", "19700101000000", "00000101000000", "99991231235959"}) {
    const auto t = parse_mdtm(s);
    ASSERT_TRUE(t) << s;
    std::string digits;
    for (char c : format_iso8601(*t)) {
      if (c >= '0' && c <= '9') digits += c;
    }
    EXPECT_EQ(digits, s);
  }
}

}  // namespace
}  // namespace sim7080::ftp

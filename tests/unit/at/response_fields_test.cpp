// parse_response, has_prefix and parse_unsigned on every reply and URC shape of spec §6 and
// the lexical variants of §6.3 / §8 Q1.
#include "at/response_fields.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sim7080::at {
namespace {

// The fields of a parsed line, as strings, for compact expectations.
std::vector<std::string> fields_of(const ResponseFields& f) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < f.count; ++i) out.emplace_back(f.fields[i]);
  return out;
}

using Fields = std::vector<std::string>;

struct Shape {
  const char* line;
  const char* prefix;
  Fields fields;
};

// Every URC and reply shape of spec §6.1/§6.2, with and without the space after the colon.
const Shape kShapes[] = {
    {"+FTPGET: 1,1", "+FTPGET", {"1", "1"}},
    {"+FTPGET:1,0", "+FTPGET", {"1", "0"}},
    {"+FTPGET: 1,64", "+FTPGET", {"1", "64"}},
    {"+FTPGET: 2,1024", "+FTPGET", {"2", "1024"}},
    {"+FTPLIST: 1,1", "+FTPLIST", {"1", "1"}},
    {"+FTPLIST:2,78", "+FTPLIST", {"2", "78"}},
    {"+FTPPUT: 1,1,1360", "+FTPPUT", {"1", "1", "1360"}},
    {"+FTPPUT: 1,1", "+FTPPUT", {"1", "1"}},
    {"+FTPPUT:1,66", "+FTPPUT", {"1", "66"}},
    {"+FTPPUT: 2,100", "+FTPPUT", {"2", "100"}},
    {"+FTPDELE: 1,0", "+FTPDELE", {"1", "0"}},
    {"+FTPDELE:1,0", "+FTPDELE", {"1", "0"}},
    {"+FTPMKD: 1,0", "+FTPMKD", {"1", "0"}},
    {"+FTPRMD: 1,0", "+FTPRMD", {"1", "0"}},
    {"+FTPRENAME:1,0", "+FTPRENAME", {"1", "0"}},
    {"+FTPSIZE: 1,0,1024", "+FTPSIZE", {"1", "0", "1024"}},
    {"+FTPSIZE:1,0,1024", "+FTPSIZE", {"1", "0", "1024"}},
    {"+FTPSIZE: 1,77,0", "+FTPSIZE", {"1", "77", "0"}},
    {"+FTPMDTM:1,0,20140409060951", "+FTPMDTM", {"1", "0", "20140409060951"}},
    {"+FTPMDTM: 1,77", "+FTPMDTM", {"1", "77"}},
    {"+FTPEXTGET: 1,0", "+FTPEXTGET", {"1", "0"}},
    {"+FTPEXTGET: 1,64136", "+FTPEXTGET", {"1", "64136"}},
    {"+FTPEXTGET: 3,174125", "+FTPEXTGET", {"3", "174125"}},
    {"+FTPEXTGET: 0,0", "+FTPEXTGET", {"0", "0"}},
    {"+FTPEXTGETFILE: 1,0", "+FTPEXTGETFILE", {"1", "0"}},
    {"+FTPEXTPUT: 0,1024", "+FTPEXTPUT", {"0", "1024"}},
    {"+FTPETPUT: 1,1", "+FTPETPUT", {"1", "1"}},
    {"+FTPETPUT:2,1", "+FTPETPUT", {"2", "1"}},
    {"+FTPETPUT:1,0", "+FTPETPUT", {"1", "0"}},
    {"+FTPETGET: 1,1", "+FTPETGET", {"1", "1"}},
    {"+FTPETGET:1,0", "+FTPETGET", {"1", "0"}},
    {"+FTPETGET: 1", "+FTPETGET", {"1"}},
    {"+FTPSTATE: 0", "+FTPSTATE", {"0"}},
    {"+FTPTOFSST: 0,0,1000", "+FTPTOFSST", {"0", "0", "1000"}},
    {"+FTPPORT: 21", "+FTPPORT", {"21"}},
    {"+FTPTYPE: \"I\"", "+FTPTYPE", {"\"I\""}},
    {"+FTPSERV: \"\"", "+FTPSERV", {"\"\""}},
    {"+FTPSSL: 0,0,\"\",\"\"", "+FTPSSL", {"0", "0", "\"\"", "\"\""}},
    {"+APP PDP: 0,ACTIVE", "+APP PDP", {"0", "ACTIVE"}},
    {"+APP PDP: 0,DEACTIVE", "+APP PDP", {"0", "DEACTIVE"}},
    {"+PDP: DEACT", "+PDP", {"DEACT"}},
    {"+CFUN: 1", "+CFUN", {"1"}},
    {"+CPIN: READY", "+CPIN", {"READY"}},
    {"+CPIN:READY", "+CPIN", {"READY"}},
    {"+CPIN: NOT READY", "+CPIN", {"NOT READY"}},
    {"+CSQ: 27,99", "+CSQ", {"27", "99"}},
    {"+CGATT: 1", "+CGATT", {"1"}},
    {"+COPS: 0,0,\"CHN-CT\",9", "+COPS", {"0", "0", "\"CHN-CT\"", "9"}},
    {"+CGNAPN: 1,\"ctnb\"", "+CGNAPN", {"1", "\"ctnb\""}},
    {"+CNACT: 0,1,\"10.94.36.44\"", "+CNACT", {"0", "1", "\"10.94.36.44\""}},
    {"+CME ERROR: 3", "+CME ERROR", {"3"}},
    {"+CME ERROR: operation not allowed", "+CME ERROR", {"operation not allowed"}},
    {"+CEREG: 1", "+CEREG", {"1"}},
    {"DST: 1", "DST", {"1"}},
};

TEST(ParseResponse, EverySpecShape) {
  for (const auto& s : kShapes) {
    SCOPED_TRACE(s.line);
    const auto f = parse_response(s.line);
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(f->prefix, s.prefix);
    EXPECT_EQ(fields_of(*f), s.fields);
  }
}

TEST(ParseResponse, NumbersOfTypicalLines) {
  const auto f = parse_response("+FTPSIZE:1,0,1024");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->number(0), 1u);
  EXPECT_EQ(f->number(1), 0u);
  EXPECT_EQ(f->number(2), 1024u);
  EXPECT_EQ(f->number(3), std::nullopt);  // absent
}

TEST(ParseResponse, SpacesAfterColonAndAroundCommasAreTrimmed) {
  for (const char* line : {"+FTPPUT:1,1,1360", "+FTPPUT: 1,1,1360", "+FTPPUT:   1, 1 ,  1360",
                           "+FTPPUT:\t1,\t1,1360\t", "+FTPPUT: 1 ,1, 1360 "}) {
    SCOPED_TRACE(line);
    const auto f = parse_response(line);
    ASSERT_TRUE(f);
    EXPECT_EQ(fields_of(*f), (Fields{"1", "1", "1360"}));
    EXPECT_EQ(f->number(2), 1360u);
  }
}

TEST(ParseResponse, QuotedCommasStayInOneField) {
  const auto f = parse_response("+COPS: 0,0,\"A,B,C\",9");
  ASSERT_TRUE(f);
  EXPECT_EQ(fields_of(*f), (Fields{"0", "0", "\"A,B,C\"", "9"}));
  EXPECT_EQ(f->text(2), "A,B,C");
}

TEST(ParseResponse, ColonsInsideFieldsDoNotMoveThePrefix) {
  const auto f = parse_response("+CNACT: 0,1,\"fe80::1\"");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->prefix, "+CNACT");
  EXPECT_EQ(f->text(2), "fe80::1");
  const auto tz = parse_response("*PSUTTZ: 21/03/19,13:31:00,\"+32\",0");
  ASSERT_TRUE(tz);
  EXPECT_EQ(tz->prefix, "*PSUTTZ");
}

TEST(ParseResponse, TestRepliesKeepParenthesisedGroups) {
  struct Case {
    const char* line;
    Fields fields;
  };
  const Case cases[] = {
      {"+FTPGET: (1,2),(1-1460)", {"(1,2)", "(1-1460)"}},
      {"+FTPPUT: (1,2),1460,(1-1460)", {"(1,2)", "1460", "(1-1460)"}},
      {"+FTPTYPE: (\"A\",\"I\")", {"(\"A\",\"I\")"}},
      {"+FTPPUTOPT: (\"APPE\",\"STOU\",\"STOR\")", {"(\"APPE\",\"STOU\",\"STOR\")"}},
      {"+FTPSSL: (0-2),(0-5),50,50", {"(0-2)", "(0-5)", "50", "50"}},
      {"+CNACT: (0-3),(0-2)", {"(0-3)", "(0-2)"}},
      {"+CNCFG: (0-3),(0-4),150,127,127,(0-3)", {"(0-3)", "(0-4)", "150", "127", "127", "(0-3)"}},
      {"+FTPEXTGET: (0-3),(0-3),50", {"(0-3)", "(0-3)", "50"}},
      {"+CGNAPN: (0,1),120", {"(0,1)", "120"}},
      {"+FTPREST: (0-4294967295)", {"(0-4294967295)"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.line);
    const auto f = parse_response(c.line);
    ASSERT_TRUE(f);
    EXPECT_EQ(fields_of(*f), c.fields);
    EXPECT_EQ(f->number(0), std::nullopt);  // a group is not a number
  }
}

TEST(ParseResponse, EightFieldsFitNineDoNot) {
  const auto eight = parse_response("+X: 1,2,3,4,5,6,7,8");
  ASSERT_TRUE(eight);
  EXPECT_EQ(eight->count, ResponseFields::max_fields);
  EXPECT_EQ(eight->number(7), 8u);
  EXPECT_EQ(parse_response("+X: 1,2,3,4,5,6,7,8,9"), std::nullopt);
  EXPECT_EQ(parse_response("+X: ,,,,,,,,"), std::nullopt);  // nine empty fields
  // Commas inside quotes or parentheses do not count.
  EXPECT_TRUE(parse_response("+X: \"1,2,3,4,5,6,7,8,9,10\""));
  EXPECT_TRUE(parse_response("+X: (1,2,3,4,5,6,7,8,9,10)"));
}

TEST(ParseResponse, HugeNumbersAreNotNumbers) {
  const auto f = parse_response("+FTPSIZE: 1,0,18446744073709551616");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->number(2), std::nullopt);  // 2^64
  const auto max = parse_response("+FTPSIZE: 1,0,18446744073709551615");
  ASSERT_TRUE(max);
  EXPECT_EQ(max->number(2), UINT64_MAX);
  const auto many = parse_response("+FTPSIZE: 1,0,99999999999999999999999999999");
  ASSERT_TRUE(many);
  EXPECT_EQ(many->number(2), std::nullopt);
  const auto rest = parse_response("+FTPREST: 4294967295");
  ASSERT_TRUE(rest);
  EXPECT_EQ(rest->number(0), 4294967295u);
}

TEST(ParseResponse, NonNumbersAreNotNumbers) {
  const auto f = parse_response("+X: -1,+1,1a,,\"21\", 0x10,1 2");
  ASSERT_TRUE(f);
  ASSERT_EQ(f->count, 7u);
  for (std::size_t i = 0; i < f->count; ++i) EXPECT_EQ(f->number(i), std::nullopt) << i;
}

TEST(ParseResponse, LinesWithoutPrefixColon) {
  EXPECT_EQ(parse_response("OK"), std::nullopt);
  EXPECT_EQ(parse_response("RDY"), std::nullopt);
  EXPECT_EQ(parse_response("NORMAL POWER DOWN"), std::nullopt);
  EXPECT_EQ(parse_response(""), std::nullopt);
  EXPECT_EQ(parse_response(":1,2"), std::nullopt);
}

TEST(ParseResponse, EmptyAndTrailingFields) {
  const auto none = parse_response("+FTPGET:");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->count, 0u);
  const auto blank = parse_response("+FTPGET:   ");
  ASSERT_TRUE(blank);
  EXPECT_EQ(blank->count, 0u);
  const auto trailing = parse_response("+FTPGET: 1,");
  ASSERT_TRUE(trailing);
  EXPECT_EQ(fields_of(*trailing), (Fields{"1", ""}));
  EXPECT_EQ(trailing->number(1), std::nullopt);
}

TEST(ParseResponse, TextStripsOnePairOfQuotes) {
  const auto f = parse_response("+X: \"abc\",abc,\"\",\",\"a\",\"b\"");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->text(0), "abc");
  EXPECT_EQ(f->text(1), "abc");
  EXPECT_EQ(f->text(2), "");
  EXPECT_EQ(f->text(9), "");  // absent
}

TEST(ParseResponse, UnbalancedQuotesAndParenthesesDoNotCrash) {
  for (const char* line : {"+X: \"", "+X: \"a,b", "+X: (", "+X: (1,2", "+X: )", "+X: ),(", "+X: \"(\",1",
                           "+X: (\")\",1),2"}) {
    SCOPED_TRACE(line);
    const auto f = parse_response(line);
    ASSERT_TRUE(f);
    EXPECT_LE(f->count, ResponseFields::max_fields);
  }
  const auto f = parse_response("+X: \"a,b");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->count, 1u);
  EXPECT_EQ(f->text(0), "\"a,b");  // not a pair: kept as is
}

TEST(ParseResponse, FieldsViewIntoTheLine) {
  const std::string line = "+FTPGET: 2,50";
  const auto f = parse_response(line);
  ASSERT_TRUE(f);
  EXPECT_GE(f->fields[1].data(), line.data());
  EXPECT_LE(f->fields[1].data() + f->fields[1].size(), line.data() + line.size());
}

TEST(HasPrefix, ColonMustFollowImmediately) {
  EXPECT_TRUE(has_prefix("+FTPGET: 1,0", "+FTPGET"));
  EXPECT_TRUE(has_prefix("+FTPGET:1,0", "+FTPGET"));
  EXPECT_TRUE(has_prefix("+FTPGET:", "+FTPGET"));
  EXPECT_FALSE(has_prefix("+FTPGETNAME: \"x\"", "+FTPGET"));
  EXPECT_FALSE(has_prefix("+FTPEXTGETFILE: 1,0", "+FTPEXTGET"));
  EXPECT_FALSE(has_prefix("+FTPGET", "+FTPGET"));
  EXPECT_FALSE(has_prefix("+FTPGET 1,0", "+FTPGET"));
  EXPECT_FALSE(has_prefix("", "+FTPGET"));
  EXPECT_TRUE(has_prefix("+APP PDP: 0,ACTIVE", "+APP PDP"));
}

TEST(ParseUnsigned, Bounds) {
  EXPECT_EQ(parse_unsigned("0"), 0u);
  EXPECT_EQ(parse_unsigned("007"), 7u);
  EXPECT_EQ(parse_unsigned("5800000"), 5800000u);
  EXPECT_EQ(parse_unsigned("18446744073709551615"), UINT64_MAX);
  EXPECT_EQ(parse_unsigned("18446744073709551616"), std::nullopt);
  EXPECT_EQ(parse_unsigned("18446744073709551620"), std::nullopt);
  EXPECT_EQ(parse_unsigned("99999999999999999999"), std::nullopt);
  EXPECT_EQ(parse_unsigned(""), std::nullopt);
  EXPECT_EQ(parse_unsigned(" 1"), std::nullopt);
  EXPECT_EQ(parse_unsigned("1 "), std::nullopt);
  EXPECT_EQ(parse_unsigned("-1"), std::nullopt);
  EXPECT_EQ(parse_unsigned("+1"), std::nullopt);
}

}  // namespace
}  // namespace sim7080::at

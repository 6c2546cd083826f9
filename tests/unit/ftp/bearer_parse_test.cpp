// Bearer replies and URCs (spec §2, [AN] sample 4.1): typed results, the spacing variants of
// spec §6.3, and malformed input giving nullopt.
#include "ftp/bearer_parse.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sim7080::ftp {
namespace {

TEST(BearerParse, AppNoteSample41) {
  EXPECT_EQ(parse_cpin("+CPIN: READY"), SimState::ready);

  const auto csq = parse_csq("+CSQ: 27,99");
  ASSERT_TRUE(csq);
  EXPECT_EQ(csq->rssi, 27);
  EXPECT_EQ(csq->ber, 99);
  EXPECT_EQ(csq->dbm, -60);

  EXPECT_EQ(parse_cgatt("+CGATT: 1"), true);

  const auto cops = parse_cops("+COPS: 0,0,\"CHN-CT\",9");
  ASSERT_TRUE(cops);
  EXPECT_EQ(cops->mode, 0);
  EXPECT_EQ(cops->format, 0);
  EXPECT_EQ(cops->operator_name, "CHN-CT");
  EXPECT_EQ(cops->access_technology, 9);

  const auto apn = parse_cgnapn("+CGNAPN: 1,\"ctnb\"");
  ASSERT_TRUE(apn);
  EXPECT_TRUE(apn->valid);
  EXPECT_EQ(apn->apn, "ctnb");

  const auto up = parse_app_pdp("+APP PDP: 0,ACTIVE");
  ASSERT_TRUE(up);
  EXPECT_EQ(up->index, 0);
  EXPECT_TRUE(up->active);

  // The 4-line AT+CNACT? reply.
  const std::vector<std::string> lines = {"+CNACT: 0,1,\"10.94.36.44\"", "+CNACT: 1,0,\"0.0.0.0\"",
                                          "+CNACT: 2,0,\"0.0.0.0\"", "+CNACT: 3,0,\"0.0.0.0\""};
  std::vector<PdpContext> contexts;
  for (const auto& l : lines) {
    const auto c = parse_cnact(l);
    ASSERT_TRUE(c) << l;
    contexts.push_back(*c);
  }
  ASSERT_EQ(contexts.size(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(contexts[static_cast<std::size_t>(i)].index, i);
  EXPECT_EQ(contexts[0].status, 1);
  EXPECT_EQ(contexts[0].address, "10.94.36.44");
  EXPECT_EQ(contexts[3].status, 0);
  EXPECT_EQ(contexts[3].address, "0.0.0.0");
}

TEST(BearerParse, NoSpaceAndExtraSpaceVariants) {
  EXPECT_EQ(parse_cpin("+CPIN:READY"), SimState::ready);  // [AN2]
  EXPECT_EQ(parse_cpin("+CPIN:  READY "), SimState::ready);
  EXPECT_EQ(parse_csq("+CSQ:27,99")->rssi, 27);
  EXPECT_EQ(parse_csq("+CSQ: 27, 99")->ber, 99);
  EXPECT_EQ(parse_cgatt("+CGATT:0"), false);
  EXPECT_EQ(parse_cops("+COPS:0, 0, \"CHN-CT\", 9")->operator_name, "CHN-CT");
  EXPECT_EQ(parse_cgnapn("+CGNAPN:1,\"ctnb\"")->apn, "ctnb");
  EXPECT_EQ(parse_cnact("+CNACT:0,1,\"10.94.36.44\"")->address, "10.94.36.44");
  EXPECT_EQ(parse_cnact("+CNACT: 0, 2, \"10.94.36.44\"")->status, 2);
  EXPECT_EQ(parse_app_pdp("+APP PDP:1,DEACTIVE")->active, false);
}

TEST(BearerParse, UnquotedStringsAreAccepted) {
  EXPECT_EQ(parse_cgnapn("+CGNAPN: 1,ctnb")->apn, "ctnb");
  EXPECT_EQ(parse_cnact("+CNACT: 0,1,10.94.36.44")->address, "10.94.36.44");
  EXPECT_EQ(parse_cops("+COPS: 0,0,CHN-CT,9")->operator_name, "CHN-CT");
}

TEST(BearerParse, EverySimCode) {
  const std::pair<const char*, SimState> cases[] = {
      {"+CPIN: READY", SimState::ready},           {"+CPIN: SIM PIN", SimState::sim_pin},
      {"+CPIN: SIM PUK", SimState::sim_puk},       {"+CPIN: PH_SIM PIN", SimState::ph_sim_pin},
      {"+CPIN: PH_SIM PUK", SimState::ph_sim_puk}, {"+CPIN: PH_NET PIN", SimState::ph_net_pin},
      {"+CPIN: SIM PIN2", SimState::sim_pin2},     {"+CPIN: SIM PUK2", SimState::sim_puk2},
      {"+CPIN: NOT READY", SimState::not_ready},   {"+CPIN: NOT INSERTED", SimState::not_inserted},
      {"+CPIN: ready", SimState::ready},
  };
  for (const auto& [line, state] : cases) EXPECT_EQ(parse_cpin(line), state) << line;
}

TEST(BearerParse, CsqToDbm) {
  EXPECT_EQ(csq_to_dbm(0), -115);
  EXPECT_EQ(csq_to_dbm(1), -111);
  EXPECT_EQ(csq_to_dbm(2), -110);
  EXPECT_EQ(csq_to_dbm(3), -108);
  EXPECT_EQ(csq_to_dbm(27), -60);
  EXPECT_EQ(csq_to_dbm(30), -54);
  EXPECT_EQ(csq_to_dbm(31), -52);
  EXPECT_EQ(csq_to_dbm(99), std::nullopt);
  EXPECT_EQ(csq_to_dbm(32), std::nullopt);
  EXPECT_EQ(csq_to_dbm(-1), std::nullopt);
  const auto unknown = parse_csq("+CSQ: 99,99");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->rssi, 99);
  EXPECT_EQ(unknown->dbm, std::nullopt);
}

TEST(BearerParse, CopsShapes) {
  const auto bare = parse_cops("+COPS: 0");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->mode, 0);
  EXPECT_EQ(bare->format, std::nullopt);
  EXPECT_TRUE(bare->operator_name.empty());
  EXPECT_EQ(bare->access_technology, std::nullopt);
  const auto three = parse_cops("+COPS: 1,2,\"46011\"");
  ASSERT_TRUE(three);
  EXPECT_EQ(three->format, 2);
  EXPECT_EQ(three->operator_name, "46011");
  EXPECT_EQ(three->access_technology, std::nullopt);
  const auto comma = parse_cops("+COPS: 0,0,\"A,B\",7");
  ASSERT_TRUE(comma);
  EXPECT_EQ(comma->operator_name, "A,B");  // a quoted comma stays in the name
  EXPECT_EQ(comma->access_technology, 7);
}

TEST(BearerParse, CgnapnWithoutApn) {
  const auto none = parse_cgnapn("+CGNAPN: 0,\"\"");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->valid);
  EXPECT_TRUE(none->apn.empty());
}

TEST(BearerParse, Ipv6AddressKeepsItsColons) {
  const auto c = parse_cnact("+CNACT: 0,1,\"2001:db8::1\"");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->address, "2001:db8::1");
}

TEST(BearerParse, MalformedGivesNullopt) {
  // Wrong prefix, test replies, missing or extra fields, non-numbers, huge numbers, bad quotes.
  EXPECT_EQ(parse_cpin(""), std::nullopt);
  EXPECT_EQ(parse_cpin("+CPIN"), std::nullopt);
  EXPECT_EQ(parse_cpin("+CPIN: "), std::nullopt);
  EXPECT_EQ(parse_cpin("+CPIN: MAYBE"), std::nullopt);
  EXPECT_EQ(parse_cpin("+CPIN: READY,1"), std::nullopt);
  EXPECT_EQ(parse_cpin("+CPINX: READY"), std::nullopt);
  EXPECT_EQ(parse_cpin("+CSQ: 27,99"), std::nullopt);

  EXPECT_EQ(parse_csq("+CSQ: 27"), std::nullopt);
  EXPECT_EQ(parse_csq("+CSQ: 27,99,1"), std::nullopt);
  EXPECT_EQ(parse_csq("+CSQ: x,99"), std::nullopt);
  EXPECT_EQ(parse_csq("+CSQ: -1,99"), std::nullopt);
  EXPECT_EQ(parse_csq("+CSQ: 256,99"), std::nullopt);
  EXPECT_EQ(parse_csq("+CSQ: 4294967323,99"), std::nullopt);  // would wrap to 27 as a 32-bit int
  EXPECT_EQ(parse_csq("+CSQ: 99999999999999999999999,99"), std::nullopt);
  EXPECT_EQ(parse_csq("+CSQ: (0-31,99),(0-7,99)"), std::nullopt);

  EXPECT_EQ(parse_cgatt("+CGATT: 2"), std::nullopt);
  EXPECT_EQ(parse_cgatt("+CGATT: (0,1)"), std::nullopt);
  EXPECT_EQ(parse_cgatt("+CGATT:"), std::nullopt);

  EXPECT_EQ(parse_cops("+COPS: "), std::nullopt);
  EXPECT_EQ(parse_cops("+COPS: 0,0"), std::nullopt);
  EXPECT_EQ(parse_cops("+COPS: 0,0,\"CHN-CT\",x"), std::nullopt);
  EXPECT_EQ(parse_cops("+COPS: 0,0,\"CHN\"CT\",9"), std::nullopt);
  EXPECT_EQ(parse_cops("+COPS: (0-4),(0-2)"), std::nullopt);

  EXPECT_EQ(parse_cgnapn("+CGNAPN: (0,1),120"), std::nullopt);  // the test reply
  EXPECT_EQ(parse_cgnapn("+CGNAPN: 1,\"ctnb"), std::nullopt);
  EXPECT_EQ(parse_cgnapn("+CGNAPN: 2,\"ctnb\""), std::nullopt);
  EXPECT_EQ(parse_cgnapn("+CGNAPN: 1"), std::nullopt);

  EXPECT_EQ(parse_cnact("+CNACT: (0-3),(0-2)"), std::nullopt);  // the test reply
  EXPECT_EQ(parse_cnact("+CNACT: 0,1"), std::nullopt);
  EXPECT_EQ(parse_cnact("+CNACT: 0,1,\"10.94.36.44\",x"), std::nullopt);
  EXPECT_EQ(parse_cnact("+CNACT: a,1,\"10.94.36.44\""), std::nullopt);
  EXPECT_EQ(parse_cnact("+CNACT: 0,1,\"10.94\"36.44\""), std::nullopt);

  EXPECT_EQ(parse_app_pdp("+APP PDP: 0,UP"), std::nullopt);
  EXPECT_EQ(parse_app_pdp("+APP PDP: 0"), std::nullopt);
  EXPECT_EQ(parse_app_pdp("+APP PDP: x,ACTIVE"), std::nullopt);
  EXPECT_EQ(parse_app_pdp("+PDP: DEACT"), std::nullopt);
  EXPECT_EQ(parse_app_pdp("APP PDP: 0,ACTIVE"), std::nullopt);
}

TEST(BearerParse, GarbageNeverCrashes) {
  const std::string junk[] = {std::string("+CNACT: \0,\0,\"\0\"", 15), "+CSQ: ,,,,,,,,,,,,", "+COPS: \"\"\"\"",
                              "+CPIN: \xff\xfe", "::::", "+CGNAPN: \"", "+APP PDP: ,", std::string(5000, ',')};
  for (const auto& line : junk) {
    (void)parse_cpin(line);
    (void)parse_csq(line);
    (void)parse_cgatt(line);
    (void)parse_cops(line);
    (void)parse_cgnapn(line);
    (void)parse_cnact(line);
    (void)parse_app_pdp(line);
  }
  SUCCEED();
}

}  // namespace
}  // namespace sim7080::ftp

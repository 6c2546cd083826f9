// The configuration cache and planner (docs/session-protocol.md): order, caching, validation.
#include "ftp/config_plan.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "sim7080/error.hpp"

namespace sim7080::ftp {
namespace {

const std::error_code kInvalid = make_error_code(AtErrc::invalid_argument);

// The app note's session (samples 5.1 ff.), with the settings the driver always writes.
FtpConfig app_note_config() {
  FtpConfig c;
  c.server = "112.74.93.163";
  c.port = 21;
  c.user = "simcomtest";
  c.password = "simcomtest";
  c.cid = 0;
  return c;
}

std::vector<std::string> lines_of(const std::vector<SetterStep>& steps) {
  std::vector<std::string> out;
  for (const auto& s : steps) out.push_back(s.line);
  return out;
}

using Lines = std::vector<std::string>;

void ack_all(ModemFtpSettings& cache, const std::vector<SetterStep>& steps) {
  for (const auto& s : steps) record_ack(cache, s);
}

const Lines kSessionLines = {
    "AT+FTPCID=0",          "AT+FTPSERV=\"112.74.93.163\"", "AT+FTPPORT=21", "AT+FTPUN=\"simcomtest\"",
    "AT+FTPPW=\"simcomtest\"", "AT+FTPMODE=1",               "AT+FTPTYPE=\"I\"",
};

TEST(PlanSession, FreshPlanGivesTheSevenSessionLinesInOrder) {
  std::vector<SetterStep> steps;
  ASSERT_FALSE(plan_session(app_note_config(), ModemFtpSettings{}, steps));
  EXPECT_EQ(lines_of(steps), kSessionLines);
  const std::vector<CommandId> ids = {CommandId::ftpcid, CommandId::ftpserv, CommandId::ftpport, CommandId::ftpun,
                                      CommandId::ftppw,  CommandId::ftpmode, CommandId::ftptype};
  ASSERT_EQ(steps.size(), ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(steps[i].id, ids[i]) << i;
}

TEST(PlanSession, SecondPlanAfterAcksIsEmpty) {
  ModemFtpSettings cache;
  std::vector<SetterStep> steps;
  ASSERT_FALSE(plan_session(app_note_config(), cache, steps));
  ack_all(cache, steps);
  std::vector<SetterStep> again;
  ASSERT_FALSE(plan_session(app_note_config(), cache, again));
  EXPECT_TRUE(again.empty()) << testing::PrintToString(again);
}

TEST(PlanSession, ChangingOneSettingGivesOneLine) {
  ModemFtpSettings cache;
  std::vector<SetterStep> steps;
  ASSERT_FALSE(plan_session(app_note_config(), cache, steps));
  ack_all(cache, steps);

  auto config = app_note_config();
  config.server = "ftp.example.com";
  steps.clear();
  ASSERT_FALSE(plan_session(config, cache, steps));
  EXPECT_EQ(lines_of(steps), Lines{"AT+FTPSERV=\"ftp.example.com\""});

  config = app_note_config();
  config.passive = false;
  config.binary = false;
  config.port = 2121;
  steps.clear();
  ASSERT_FALSE(plan_session(config, cache, steps));
  EXPECT_EQ(lines_of(steps), (Lines{"AT+FTPPORT=2121", "AT+FTPMODE=0", "AT+FTPTYPE=\"A\""}));

  config = app_note_config();
  config.password = "3214567";  // [AN] 5.4
  steps.clear();
  ASSERT_FALSE(plan_session(config, cache, steps));
  EXPECT_EQ(lines_of(steps), Lines{"AT+FTPPW=\"3214567\""});
}

TEST(PlanSession, OnlyUnackedStepsAreRepeated) {
  ModemFtpSettings cache;
  std::vector<SetterStep> steps;
  ASSERT_FALSE(plan_session(app_note_config(), cache, steps));
  for (std::size_t i = 0; i < 3; ++i) record_ack(cache, steps[i]);  // CID, SERV, PORT acknowledged
  std::vector<SetterStep> rest;
  ASSERT_FALSE(plan_session(app_note_config(), cache, rest));
  EXPECT_EQ(lines_of(rest), Lines(kSessionLines.begin() + 3, kSessionLines.end()));
}

TEST(PlanSession, ForgetAllGivesEverythingAgain) {
  ModemFtpSettings cache;
  std::vector<SetterStep> steps;
  ASSERT_FALSE(plan_session(app_note_config(), cache, steps));
  ack_all(cache, steps);
  cache.forget_all();
  steps.clear();
  ASSERT_FALSE(plan_session(app_note_config(), cache, steps));
  EXPECT_EQ(lines_of(steps), kSessionLines);
  cache.forget_after_restart();
  steps.clear();
  ASSERT_FALSE(plan_session(app_note_config(), cache, steps));
  EXPECT_EQ(lines_of(steps), kSessionLines);
}

TEST(PlanSession, FailureForgetsEverything) {
  ModemFtpSettings cache;
  std::vector<SetterStep> steps;
  ASSERT_FALSE(plan_session(app_note_config(), cache, steps));
  ack_all(cache, steps);
  record_failure(cache, steps[0]);
  std::vector<SetterStep> again;
  ASSERT_FALSE(plan_session(app_note_config(), cache, again));
  EXPECT_EQ(lines_of(again), kSessionLines);
}

TEST(PlanSession, AppendsWithoutClearing) {
  std::vector<SetterStep> steps;
  steps.push_back(SetterStep{CommandId::ate, "ATE0", std::uint64_t{0}});
  ASSERT_FALSE(plan_session(app_note_config(), ModemFtpSettings{}, steps));
  ASSERT_EQ(steps.size(), 8u);
  EXPECT_EQ(steps.front().line, "ATE0");
}

TEST(PlanSession, ExplicitFtps) {
  // [AN2] 5.2.2: AT+FTPSSL=2,0,"ftpbin_root_ca.cer","" after the other session settings.
  auto config = app_note_config();
  config.tls = TlsMode::explicit_;
  config.ca_file = "ca.cer";
  ModemFtpSettings cache;
  std::vector<SetterStep> steps;
  ASSERT_FALSE(plan_session(config, cache, steps));
  ASSERT_EQ(steps.size(), 8u);
  EXPECT_EQ(steps.back().line, "AT+FTPSSL=2,0,\"ca.cer\",\"\"");
  EXPECT_EQ(steps.back().id, CommandId::ftpssl);
  ack_all(cache, steps);
  ASSERT_TRUE(cache.ssl);
  EXPECT_EQ(cache.ssl->type, 2);
  steps.clear();
  ASSERT_FALSE(plan_session(config, cache, steps));
  EXPECT_TRUE(steps.empty());

  // Back to plain FTP: TLS is known on, so it is switched off explicitly.
  steps.clear();
  ASSERT_FALSE(plan_session(app_note_config(), cache, steps));
  EXPECT_EQ(lines_of(steps), Lines{"AT+FTPSSL=0,0,\"\",\"\""});
  ack_all(cache, steps);
  steps.clear();
  ASSERT_FALSE(plan_session(app_note_config(), cache, steps));
  EXPECT_TRUE(steps.empty());
}

TEST(PlanSession, ImplicitFtpsWithClientCertificate) {
  auto config = app_note_config();
  config.port = 990;
  config.tls = TlsMode::implicit;
  config.ssl_context = 5;
  config.ca_file = "ftpca.crt";
  config.cert_file = "ftpclient.crt";
  std::vector<SetterStep> steps;
  ASSERT_FALSE(plan_session(config, ModemFtpSettings{}, steps));
  ASSERT_EQ(steps.size(), 8u);
  EXPECT_EQ(steps[2].line, "AT+FTPPORT=990");
  EXPECT_EQ(steps[7].line, "AT+FTPSSL=1,5,\"ftpca.crt\",\"ftpclient.crt\"");
}

TEST(PlanSession, PlainSessionAfterUncertainTlsSwitchesItOff) {
  auto tls = app_note_config();
  tls.tls = TlsMode::explicit_;
  ModemFtpSettings cache;
  std::vector<SetterStep> steps;
  ASSERT_FALSE(plan_session(tls, cache, steps));
  ack_all(cache, steps);
  // A later setter fails: everything is unknown, but TLS may still be on.
  cache.forget_all();
  EXPECT_TRUE(cache.ssl_maybe_on);
  steps.clear();
  ASSERT_FALSE(plan_session(app_note_config(), cache, steps));
  ASSERT_EQ(steps.size(), 8u);
  EXPECT_EQ(steps.back().line, "AT+FTPSSL=0,0,\"\",\"\"");
  // After a restart the module is back to no TLS: nothing to switch off.
  cache.forget_after_restart();
  EXPECT_FALSE(cache.ssl_maybe_on);
  steps.clear();
  ASSERT_FALSE(plan_session(app_note_config(), cache, steps));
  EXPECT_EQ(lines_of(steps), kSessionLines);
}

TEST(PlanSession, TimedOutTlsStepMayHaveBeenApplied) {
  auto tls = app_note_config();
  tls.tls = TlsMode::implicit;
  ModemFtpSettings cache;
  std::vector<SetterStep> steps;
  ASSERT_FALSE(plan_session(tls, cache, steps));
  record_failure(cache, steps.back());  // AT+FTPSSL=1,... timed out
  EXPECT_TRUE(cache.ssl_maybe_on);
  steps.clear();
  ASSERT_FALSE(plan_session(app_note_config(), cache, steps));
  EXPECT_EQ(steps.back().line, "AT+FTPSSL=0,0,\"\",\"\"");
}

TEST(PlanSession, InvalidInputsPlanNothing) {
  std::vector<FtpConfig> bad;
  const std::string evils[] = {"a\"b", "a\rb", "a\nb", "a\x01", "caf\xc3\xa9", std::string("a\0b", 3)};
  for (const auto& evil : evils) {
    auto c = app_note_config();
    c.server = evil;
    bad.push_back(c);
    c = app_note_config();
    c.user = evil;
    bad.push_back(c);
    c = app_note_config();
    c.password = evil;
    bad.push_back(c);
    c = app_note_config();
    c.tls = TlsMode::explicit_;
    c.ca_file = evil;
    bad.push_back(c);
    c = app_note_config();
    c.tls = TlsMode::explicit_;
    c.cert_file = evil;
    bad.push_back(c);
  }
  auto c = app_note_config();
  c.server = std::string(50, 's');
  bad.push_back(c);
  c = app_note_config();
  c.server = "";
  bad.push_back(c);
  c = app_note_config();
  c.user = std::string(50, 'u');
  bad.push_back(c);
  c = app_note_config();
  c.password = std::string(50, 'p');
  bad.push_back(c);
  c = app_note_config();
  c.ca_file = std::string(51, 'c');
  bad.push_back(c);
  for (int cid : {-1, 4, 100}) {
    c = app_note_config();
    c.cid = cid;
    bad.push_back(c);
  }
  c = app_note_config();
  c.port = 0;
  bad.push_back(c);
  for (int ctx : {-1, 6}) {
    c = app_note_config();
    c.ssl_context = ctx;
    bad.push_back(c);
  }
  c = app_note_config();
  c.tls = static_cast<TlsMode>(3);
  bad.push_back(c);

  for (std::size_t i = 0; i < bad.size(); ++i) {
    std::vector<SetterStep> steps;
    EXPECT_EQ(plan_session(bad[i], ModemFtpSettings{}, steps), kInvalid) << "case " << i;
    EXPECT_TRUE(steps.empty()) << "case " << i;
  }
}

TEST(PlanSession, LimitsAreInclusive) {
  auto c = app_note_config();
  c.server = std::string(49, 's');
  c.user = std::string(49, 'u');
  c.password = std::string(49, 'p');
  c.cid = 3;
  c.port = 65535;
  c.tls = TlsMode::explicit_;
  c.ssl_context = 5;
  c.ca_file = std::string(50, 'c');
  c.cert_file = std::string(50, 'k');
  std::vector<SetterStep> steps;
  ASSERT_FALSE(plan_session(c, ModemFtpSettings{}, steps));
  EXPECT_EQ(steps.size(), 8u);
  EXPECT_EQ(steps[2].line, "AT+FTPPORT=65535");
  c.user.clear();  // anonymous-style empty user and password are the module's defaults
  c.password.clear();
  steps.clear();
  ASSERT_FALSE(plan_session(c, ModemFtpSettings{}, steps));
  EXPECT_EQ(steps[3].line, "AT+FTPUN=\"\"");
}

TEST(PlanRest, AlwaysForGet) {
  ModemFtpSettings cache;
  std::vector<SetterStep> steps;
  ASSERT_FALSE(plan_rest(0, true, cache, steps));
  EXPECT_EQ(lines_of(steps), Lines{"AT+FTPREST=0"});
  ack_all(cache, steps);
  ASSERT_FALSE(plan_rest(0, true, cache, steps));  // known 0, still written before AT+FTPGET=1
  EXPECT_EQ(steps.size(), 2u);
  steps.clear();
  ASSERT_FALSE(plan_rest(20, true, cache, steps));  // [AN] 5.7
  EXPECT_EQ(lines_of(steps), Lines{"AT+FTPREST=20"});
}

TEST(PlanRest, OnlyWhenNotKnownZeroOtherwise) {
  ModemFtpSettings cache;
  std::vector<SetterStep> steps;
  ASSERT_FALSE(plan_rest(0, false, cache, steps));  // unknown
  EXPECT_EQ(lines_of(steps), Lines{"AT+FTPREST=0"});
  ack_all(cache, steps);
  steps.clear();
  ASSERT_FALSE(plan_rest(0, false, cache, steps));  // known 0
  EXPECT_TRUE(steps.empty());
  record_ack(cache, SetterStep{CommandId::ftprest, "AT+FTPREST=20", std::uint64_t{20}});
  ASSERT_FALSE(plan_rest(0, false, cache, steps));  // known 20
  EXPECT_EQ(lines_of(steps), Lines{"AT+FTPREST=0"});
}

TEST(PlanRest, Range) {
  std::vector<SetterStep> steps;
  ASSERT_FALSE(plan_rest(4294967295u, true, ModemFtpSettings{}, steps));
  EXPECT_EQ(lines_of(steps), Lines{"AT+FTPREST=4294967295"});
  steps.clear();
  EXPECT_EQ(plan_rest(4294967296u, true, ModemFtpSettings{}, steps), kInvalid);
  EXPECT_TRUE(steps.empty());
}

TEST(PlanGetTarget, PathThenName) {
  ModemFtpSettings cache;
  std::vector<SetterStep> steps;
  ASSERT_FALSE(plan_get_target("/", "simftp.txt", cache, steps));
  EXPECT_EQ(lines_of(steps), (Lines{"AT+FTPGETPATH=\"/\"", "AT+FTPGETNAME=\"simftp.txt\""}));
  ack_all(cache, steps);
  steps.clear();
  ASSERT_FALSE(plan_get_target("/", "simftp.txt", cache, steps));
  EXPECT_TRUE(steps.empty());
  ASSERT_FALSE(plan_get_target("/", "other.txt", cache, steps));
  EXPECT_EQ(lines_of(steps), Lines{"AT+FTPGETNAME=\"other.txt\""});
}

TEST(PlanGetTarget, Refuses) {
  std::vector<SetterStep> steps;
  EXPECT_EQ(plan_get_target("/", "", ModemFtpSettings{}, steps), kInvalid);  // [AN] 5.5
  EXPECT_EQ(plan_get_target("/", std::string(65, 'n'), ModemFtpSettings{}, steps), kInvalid);
  EXPECT_EQ(plan_get_target(std::string(256, 'd'), "f", ModemFtpSettings{}, steps), kInvalid);
  EXPECT_EQ(plan_get_target("/a\"", "f", ModemFtpSettings{}, steps), kInvalid);
  EXPECT_EQ(plan_get_target("/", "f\r\nAT+FTPDELE", ModemFtpSettings{}, steps), kInvalid);
  EXPECT_EQ(plan_get_target("/", "a/b", ModemFtpSettings{}, steps), kInvalid);
  EXPECT_TRUE(steps.empty());
}

TEST(PlanPutTarget, OptPathName) {
  ModemFtpSettings cache;
  std::vector<SetterStep> steps;
  ASSERT_FALSE(plan_put_target("/", "simftp.txt", PutMode::store, cache, steps));
  EXPECT_EQ(lines_of(steps),
            (Lines{"AT+FTPPUTOPT=\"STOR\"", "AT+FTPPUTPATH=\"/\"", "AT+FTPPUTNAME=\"simftp.txt\""}));
  ack_all(cache, steps);
  steps.clear();
  ASSERT_FALSE(plan_put_target("/", "simftp.txt", PutMode::append, cache, steps));
  EXPECT_EQ(lines_of(steps), Lines{"AT+FTPPUTOPT=\"APPE\""});
  steps.clear();
  ASSERT_FALSE(plan_put_target("/up", "simftp.txt", PutMode::unique, cache, steps));
  EXPECT_EQ(lines_of(steps), (Lines{"AT+FTPPUTOPT=\"STOU\"", "AT+FTPPUTPATH=\"/up\""}));
}

TEST(PlanPutTarget, Refuses) {
  std::vector<SetterStep> steps;
  EXPECT_EQ(plan_put_target("/", "", PutMode::store, ModemFtpSettings{}, steps), kInvalid);
  EXPECT_EQ(plan_put_target("/\n", "f", PutMode::store, ModemFtpSettings{}, steps), kInvalid);
  EXPECT_EQ(plan_put_target("/", "f", static_cast<PutMode>(7), ModemFtpSettings{}, steps), kInvalid);
  EXPECT_TRUE(steps.empty());
}

TEST(PlanGetpath, DirectoryOperations) {
  ModemFtpSettings cache;
  std::vector<SetterStep> steps;
  ASSERT_FALSE(plan_getpath("/test", cache, steps));  // [AN2] 5.1.10
  EXPECT_EQ(lines_of(steps), Lines{"AT+FTPGETPATH=\"/test\""});
  ack_all(cache, steps);
  steps.clear();
  ASSERT_FALSE(plan_getpath("/test", cache, steps));
  EXPECT_TRUE(steps.empty());
  EXPECT_EQ(plan_getpath("/te\"st", cache, steps), kInvalid);
  EXPECT_EQ(plan_getpath(std::string(256, 'd'), cache, steps), kInvalid);
  EXPECT_TRUE(steps.empty());
}

TEST(PlanRename, AppNoteSample517) {
  ModemFtpSettings cache;
  std::vector<SetterStep> steps;
  ASSERT_FALSE(plan_rename({"/", "simftp.txt"}, {"/", "simftp2.txt"}, cache, steps));
  EXPECT_EQ(lines_of(steps), (Lines{"AT+FTPGETPATH=\"/\"", "AT+FTPGETNAME=\"simftp.txt\"",
                                    "AT+FTPPUTNAME=\"simftp2.txt\""}));
}

TEST(PlanRename, OnlyWithinOneDirectory) {
  std::vector<SetterStep> steps;
  EXPECT_EQ(plan_rename({"/a", "x"}, {"/b", "x"}, ModemFtpSettings{}, steps), kInvalid);
  EXPECT_EQ(plan_rename({"/a", "x"}, {"/a", ""}, ModemFtpSettings{}, steps), kInvalid);
  EXPECT_EQ(plan_rename({"/a", ""}, {"/a", "y"}, ModemFtpSettings{}, steps), kInvalid);
  EXPECT_EQ(plan_rename({"/a", "x"}, {"/a", "y\""}, ModemFtpSettings{}, steps), kInvalid);
  EXPECT_TRUE(steps.empty());
}

TEST(RecordAck, StoresTheModuleValues) {
  ModemFtpSettings cache;
  auto config = app_note_config();
  config.tls = TlsMode::explicit_;
  std::vector<SetterStep> steps;
  ASSERT_FALSE(plan_session(config, cache, steps));
  ASSERT_FALSE(plan_rest(20, true, cache, steps));
  ASSERT_FALSE(plan_get_target("/", "g", cache, steps));
  ASSERT_FALSE(plan_put_target("/p", "n", PutMode::append, cache, steps));
  ack_all(cache, steps);
  EXPECT_EQ(cache.cid, 0);
  EXPECT_EQ(cache.serv, "112.74.93.163");
  EXPECT_EQ(cache.port, 21);
  EXPECT_EQ(cache.un, "simcomtest");
  EXPECT_EQ(cache.pw, "simcomtest");
  EXPECT_EQ(cache.mode, 1);
  EXPECT_EQ(cache.type, "I");
  ASSERT_TRUE(cache.ssl);
  EXPECT_EQ(*cache.ssl, (SslSetting{2, 0, "", ""}));
  EXPECT_EQ(cache.rest, 20u);
  EXPECT_EQ(cache.getpath, "/");
  EXPECT_EQ(cache.getname, "g");
  EXPECT_EQ(cache.putopt, "APPE");
  EXPECT_EQ(cache.putpath, "/p");
  EXPECT_EQ(cache.putname, "n");
}

TEST(RecordAck, IgnoresNonSettersAndDistrustsWrongValues) {
  ModemFtpSettings cache;
  cache.port = 21;
  record_ack(cache, SetterStep{CommandId::ftpget, "AT+FTPGET=1", std::uint64_t{1}});
  EXPECT_EQ(cache.port, 21);
  record_ack(cache, SetterStep{CommandId::ftpport, "AT+FTPPORT=x", std::string("x")});
  EXPECT_FALSE(cache.port);  // a value of the wrong kind: unknown rather than wrong
  record_ack(cache, SetterStep{CommandId::ftpport, "AT+FTPPORT=70000", std::uint64_t{70000}});
  EXPECT_FALSE(cache.port);  // out of the field's range
}

TEST(Redaction, PasswordNeverPrinted) {
  auto config = app_note_config();
  config.password = "s3cr3t-pw";
  ModemFtpSettings cache;
  std::vector<SetterStep> steps;
  ASSERT_FALSE(plan_session(config, cache, steps));
  ack_all(cache, steps);
  const auto& pw = steps[4];
  ASSERT_EQ(pw.id, CommandId::ftppw);
  EXPECT_EQ(pw.line, "AT+FTPPW=\"s3cr3t-pw\"");  // the wire needs it
  EXPECT_EQ(to_string(pw), "AT+FTPPW=<redacted>");
  EXPECT_EQ(to_string(steps[1]), "AT+FTPSERV=\"112.74.93.163\"");
  const std::string printed = testing::PrintToString(steps) + testing::PrintToString(pw) +
                              testing::PrintToString(cache);
  EXPECT_EQ(printed.find("s3cr3t"), std::string::npos) << printed;
  EXPECT_NE(printed.find("<redacted>"), std::string::npos);
  EXPECT_NE(testing::PrintToString(cache).find("pw=<set>"), std::string::npos);
}

TEST(PutModeValue, Verbs) {
  EXPECT_EQ(put_mode_value(PutMode::store), "STOR");
  EXPECT_EQ(put_mode_value(PutMode::append), "APPE");
  EXPECT_EQ(put_mode_value(PutMode::unique), "STOU");
  EXPECT_EQ(put_mode_value(static_cast<PutMode>(9)), "");
}

}  // namespace
}  // namespace sim7080::ftp

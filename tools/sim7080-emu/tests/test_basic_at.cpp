// AT framing, echo, CMEE, setters, bearer (AN 4.1), reboot, file system.
#include "emu_harness.hpp"

namespace emutest {
namespace {

class BasicAt : public EmuFtpTest {};

TEST_F(BasicAt, AtAnswersOkAndIgnoresLfAfterCr) {
  start_emu({}, false);
  emu.expect_reply("AT", "\r\nOK\r\n");
  emu.send("AT\r\nat\r\n");
  EXPECT_EQ(emu.read_exact(12), "\r\nOK\r\n\r\nOK\r\n");
  EXPECT_TRUE(emu.silent_for(150ms));
}

TEST_F(BasicAt, EchoOnAndOff) {
  start_emu({}, false);
  emu.expect_reply("ATE1", "\r\nOK\r\n");  // echo was off when ATE1 arrived
  emu.expect_reply("AT+CSQ", "AT+CSQ\r\r\n+CSQ: 27,99\r\n\r\nOK\r\n");
  emu.expect_reply("ATE0", "ATE0\r\r\nOK\r\n");  // ATE0 itself is still echoed
  emu.expect_reply("AT", "\r\nOK\r\n");
}

TEST_F(BasicAt, EchoFlagAtPowerOn) {
  start_emu({"--echo"}, false);
  emu.expect_reply("AT", "AT\r\r\nOK\r\n");
}

TEST_F(BasicAt, CmeeSelectsErrorForm) {
  start_emu({}, false);
  emu.expect_reply("AT+NOPE", "\r\nERROR\r\n");
  emu.expect_reply("AT+CMEE=1", "\r\nOK\r\n");
  emu.expect_reply("AT+NOPE", "\r\n+CME ERROR: 601\r\n");
  emu.expect_reply("AT+FTPPORT=0", "\r\n+CME ERROR: 765\r\n");
  emu.expect_reply("AT+CMEE=2", "\r\nOK\r\n");
  emu.expect_reply("AT+NOPE", "\r\n+CME ERROR: Unrecognized Command\r\n");
  emu.expect_reply("AT+CMEE?", "\r\n+CMEE: 2\r\n\r\nOK\r\n");
  emu.expect_reply("AT+CMEE=?", "\r\n+CMEE: (0,1,2)\r\n\r\nOK\r\n");
  // Plain ERROR whatever CMEE says (§5.3)
  emu.expect_reply("AT+FTPGET=2,100", "\r\nERROR\r\n");
  emu.expect_reply("AT+FTPQUIT", "\r\nERROR\r\n");
}

TEST_F(BasicAt, LineLimit559) {
  start_emu({}, false);
  std::string ok_line = "AT+FTPGETPATH=\"" + std::string(255, 'p') + "\"";
  emu.expect_reply(ok_line, "\r\nOK\r\n");
  std::string too_long = "AT+CGDCONT=1,\"IP\",\"" + std::string(560, 'a') + "\"";
  emu.expect_reply(too_long, "\r\nERROR\r\n");
}

TEST_F(BasicAt, SetterDefaultsRangesAndTests) {
  start_emu({}, false);
  emu.expect_reply("AT+FTPPORT?", "\r\n+FTPPORT: 21\r\n\r\nOK\r\n");
  emu.expect_reply("AT+FTPMODE?", "\r\n+FTPMODE: 1\r\n\r\nOK\r\n");
  emu.expect_reply("AT+FTPTYPE?", "\r\n+FTPTYPE: \"I\"\r\n\r\nOK\r\n");
  emu.expect_reply("AT+FTPPUTOPT?", "\r\n+FTPPUTOPT: \"STOR\"\r\n\r\nOK\r\n");
  emu.expect_reply("AT+FTPCID?", "\r\n+FTPCID: 1\r\n\r\nOK\r\n");
  emu.expect_reply("AT+FTPREST?", "\r\n+FTPREST: 0\r\n\r\nOK\r\n");
  emu.expect_reply("AT+FTPSERV?", "\r\n+FTPSERV: \"\"\r\n\r\nOK\r\n");
  emu.expect_reply("AT+FTPPORT=0", "\r\nERROR\r\n");
  emu.expect_reply("AT+FTPPORT=65536", "\r\nERROR\r\n");
  emu.expect_reply("AT+FTPPORT=65535", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPMODE=2", "\r\nERROR\r\n");
  emu.expect_reply("AT+FTPCID=4", "\r\nERROR\r\n");
  emu.expect_reply("AT+FTPTYPE=\"X\"", "\r\nERROR\r\n");
  emu.expect_reply("AT+FTPPUTOPT=\"APPE\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPREST=4294967295", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPREST=4294967296", "\r\nERROR\r\n");
  emu.expect_reply("AT+FTPSERV=\"" + std::string(49, 'h') + "\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPSERV=\"" + std::string(50, 'h') + "\"", "\r\nERROR\r\n");
  emu.expect_reply("AT+FTPGETNAME=\"" + std::string(65, 'n') + "\"", "\r\nERROR\r\n");
  emu.expect_reply("AT+FTPPUTPATH=\"" + std::string(256, 'n') + "\"", "\r\nERROR\r\n");
  emu.expect_reply("AT+FTPGET=?", "\r\n+FTPGET: (1,2),(1-1460)\r\n\r\nOK\r\n");
  emu.expect_reply("AT+FTPPUT=?", "\r\n+FTPPUT: (1,2),1460,(1-1460)\r\n\r\nOK\r\n");
  emu.expect_reply("AT+FTPGETNAME=?", "\r\n+FTPGETNAME: 64\r\n\r\nOK\r\n");
  emu.expect_reply("AT+FTPSTATE", "\r\n+FTPSTATE: 0\r\n\r\nOK\r\n");
  emu.expect_reply("AT+FTPSSL=2,0,\"ca.cer\",\"\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPSSL?", "\r\n+FTPSSL: 2,0,\"ca.cer\",\"\"\r\n\r\nOK\r\n");
}

TEST_F(BasicAt, BearerSequenceAn41) {
  start_emu({"--no-bearer"}, false);
  emu.expect_reply("AT+CPIN?", "\r\n+CPIN: READY\r\n\r\nOK\r\n");
  emu.expect_reply("AT+CSQ", "\r\n+CSQ: 27,99\r\n\r\nOK\r\n");
  emu.expect_reply("AT+CGATT?", "\r\n+CGATT: 1\r\n\r\nOK\r\n");
  emu.expect_reply("AT+COPS?", "\r\n+COPS: 0,0,\"CHN-CT\",9\r\n\r\nOK\r\n");
  emu.expect_reply("AT+CGNAPN", "\r\n+CGNAPN: 1,\"ctnb\"\r\n\r\nOK\r\n");
  emu.expect_reply("AT+CNCFG=0,1,\"ctnb\"", "\r\nOK\r\n");
  emu.expect_reply("AT+CNACT?",
                   "\r\n+CNACT: 0,0,\"0.0.0.0\"\r\n\r\n+CNACT: 1,0,\"0.0.0.0\"\r\n"
                   "\r\n+CNACT: 2,0,\"0.0.0.0\"\r\n\r\n+CNACT: 3,0,\"0.0.0.0\"\r\n\r\nOK\r\n");
  emu.expect_reply("AT+CNACT=0,1", "\r\nOK\r\n\r\n+APP PDP: 0,ACTIVE\r\n");
  emu.expect_reply("AT+CNACT?",
                   "\r\n+CNACT: 0,1,\"10.94.36.44\"\r\n\r\n+CNACT: 1,0,\"0.0.0.0\"\r\n"
                   "\r\n+CNACT: 2,0,\"0.0.0.0\"\r\n\r\n+CNACT: 3,0,\"0.0.0.0\"\r\n\r\nOK\r\n");
  emu.expect_reply("AT+CNCFG?",
                   "\r\n+CNCFG: 0,1,\"ctnb\",\"\",\"\",0\r\n\r\n+CNCFG: 1,1,\"\",\"\",\"\",0\r\n"
                   "\r\n+CNCFG: 2,1,\"\",\"\",\"\",0\r\n\r\n+CNCFG: 3,1,\"\",\"\",\"\",0\r\n"
                   "\r\nOK\r\n");
  emu.expect_reply("AT+CNACT=0,0", "\r\nOK\r\n\r\n+APP PDP: 0,DEACTIVE\r\n");
}

TEST_F(BasicAt, CfunResetEmitsBootUrcsAndDropsState) {
  start_emu({}, false);
  emu.expect_reply("ATE1", "\r\nOK\r\n");
  emu.expect_reply("AT+CMEE=1", "AT+CMEE=1\r\r\nOK\r\n");
  emu.expect_reply("AT+IPR=115200", "AT+IPR=115200\r\r\nOK\r\n");
  emu.expect_reply("AT+CFUN=1,1", "AT+CFUN=1,1\r\r\nOK\r\n\r\nRDY\r\n\r\n+CFUN: 1\r\n"
                                  "\r\n+CPIN: READY\r\n\r\nSMS Ready\r\n");
  emu.expect_reply("AT+CMEE?", "\r\n+CMEE: 0\r\n\r\nOK\r\n");  // echo off again, CMEE 0
  emu.expect_reply("AT+IPR?", "\r\n+IPR: 115200\r\n\r\nOK\r\n");  // AUTO_SAVE
  emu.expect_reply("AT+CNACT?",
                   "\r\n+CNACT: 0,0,\"0.0.0.0\"\r\n\r\n+CNACT: 1,0,\"0.0.0.0\"\r\n"
                   "\r\n+CNACT: 2,0,\"0.0.0.0\"\r\n\r\n+CNACT: 3,0,\"0.0.0.0\"\r\n\r\nOK\r\n");
  emu.expect_reply("AT+CFUN=0", "\r\n+CPIN: NOT READY\r\n\r\nOK\r\n");
  emu.expect_reply("AT+CFUN=1", "\r\nOK\r\n\r\n+CPIN: READY\r\n");
}

TEST_F(BasicAt, CfsWriteFileWithDownloadPrompt) {
  start_emu({}, false);
  emu.expect_reply("AT+CFSINIT", "\r\nOK\r\n");
  emu.expect_reply("AT+CFSWFILE=3,\"ca.cer\",0,12,1000", "\r\nDOWNLOAD\r\n");
  emu.send(std::string("ab\r\nOK\r\n\0\x03\xff", 11) + "Z");
  EXPECT_EQ(emu.read_exact(6), "\r\nOK\r\n");
  emu.expect_reply("AT+CFSTERM", "\r\nOK\r\n");
  EXPECT_EQ(read_file(fs_root + "/customer/ca.cer"), std::string("ab\r\nOK\r\n\0\x03\xffZ", 12));
  emu.expect_reply("AT+CSSLCFG=\"convert\",2,\"ca.cer\"", "\r\nOK\r\n");
  emu.expect_reply("AT+CFSDFILE=3,\"ca.cer\"", "\r\nOK\r\n");
  EXPECT_FALSE(file_exists(fs_root + "/customer/ca.cer"));
}

TEST_F(BasicAt, ExitOnHangup) {
  emu.start({"--exit-on-hangup", "--fs-root", fs_root});
  emu.expect_reply("AT", "\r\nOK\r\n");
  EXPECT_TRUE(emu.exited_within(5s));
}

}  // namespace
}  // namespace emutest

namespace emutest {
namespace {
TEST_F(BasicAt, SurvivesHostClosingAndReopeningThePort) {
  start_emu({}, false);
  emu.expect_reply("AT+CMEE=1", "\r\nOK\r\n");
  emu.reopen();
  emu.expect_reply("AT+CMEE?", "\r\n+CMEE: 1\r\n\r\nOK\r\n");
}
}  // namespace
}  // namespace emutest

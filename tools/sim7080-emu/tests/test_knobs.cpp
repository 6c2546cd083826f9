// Command-line knobs: --no-space, --restart-after-bytes, --drop-after-bytes, --fail,
// --zero-reads, --short-put-urc, --etput-manual-order, --fragment, --noise, --record.
#include <fstream>
#include <regex>
#include <sstream>

#include "emu_harness.hpp"

namespace emutest {
namespace {

class Knobs : public EmuFtpTest {};

TEST_F(Knobs, NoSpaceAfterColon) {
  std::string content = binary_pattern(100);
  write_file(ftp.root + "/a.bin", content);
  start_emu({"--no-space"});
  emu.expect_reply("AT+FTPGETNAME=\"a.bin\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPSIZE", "\r\nOK\r\n\r\n+FTPSIZE:1,0,100\r\n");
  emu.expect_reply("AT+FTPPORT?", "\r\n+FTPPORT:" + std::to_string(ftp.port) + "\r\n\r\nOK\r\n");
  emu.expect_reply("AT+FTPGET=1", "\r\nOK\r\n");
  Download d = polled_download(emu, "+FTPGET", ":");
  EXPECT_EQ(d.final_line, "+FTPGET:1,0");
  EXPECT_EQ(d.data, content);
}

TEST_F(Knobs, RestartAfterBytesRebootsModule) {
  write_file(ftp.root + "/a.bin", binary_pattern(3000));
  start_emu({"--restart-after-bytes", "1000"});
  emu.expect_reply("AT+CMEE=1", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPGETNAME=\"a.bin\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPGET=1", "\r\nOK\r\n");
  EXPECT_EQ(emu.line(), "+FTPGET: 1,1");
  std::size_t got = 0;
  std::string l;
  while (got < 1000) {
    emu.cmd("AT+FTPGET=2,1460");
    l = emu.line_skipping({"+FTPGET: 1,1"});
    ASSERT_EQ(l.rfind("+FTPGET: 2,", 0), 0u) << l;
    std::size_t n = std::stoul(l.substr(11));
    EXPECT_EQ(emu.read_exact(n), binary_pattern(3000).substr(got, n));
    EXPECT_EQ(emu.read_exact(6), "\r\nOK\r\n");
    got += n;
  }
  EXPECT_EQ(emu.line_skipping({"+FTPGET: 1,1"}), "RDY");
  EXPECT_EQ(emu.line(), "+CFUN: 1");
  EXPECT_EQ(emu.line(), "+CPIN: READY");
  EXPECT_EQ(emu.line(), "SMS Ready");
  emu.expect_reply("AT+FTPSTATE", "\r\n+FTPSTATE: 0\r\n\r\nOK\r\n");
  emu.expect_reply("AT+FTPCID?", "\r\n+FTPCID: 1\r\n\r\nOK\r\n");  // NO_SAVE settings lost
  emu.expect_reply("AT+CMEE?", "\r\n+CMEE: 0\r\n\r\nOK\r\n");
  emu.expect_reply("AT+FTPGET=2,100", "\r\nERROR\r\n");
}

TEST_F(Knobs, DropAfterBytesDownloadIs79) {
  std::string content = binary_pattern(200'000);
  write_file(ftp.root + "/a.bin", content);
  start_emu({"--drop-after-bytes", "5000"});
  emu.expect_reply("AT+FTPGETNAME=\"a.bin\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPGET=1", "\r\nOK\r\n");
  Download d = polled_download(emu, "+FTPGET");
  EXPECT_EQ(d.final_line, "+FTPGET: 1,79");
  EXPECT_EQ(d.data, content.substr(0, 5000));
  // fires once: the retry goes through
  emu.expect_reply("AT+FTPGET=1", "\r\nOK\r\n");
  d = polled_download(emu, "+FTPGET");
  EXPECT_EQ(d.final_line, "+FTPGET: 1,0");
  EXPECT_EQ(d.data, content);
}

TEST_F(Knobs, DropAfterBytesUploadIs78) {
  start_emu({"--drop-after-bytes", "2000"});
  emu.expect_reply("AT+FTPPUTNAME=\"up.bin\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPPUT=1", "\r\nOK\r\n\r\n+FTPPUT: 1,1,1360\r\n");
  std::string chunk = binary_pattern(1360);
  std::string final_line;
  // The module announces the next chunk as soon as its buffer has room, so the failure of the
  // upload behind it surfaces whenever the worker notices: after a chunk's OK (instead of, or
  // after, 1,1,<max>), or before the next go-ahead, whose command then finds no session.
  for (int i = 0; i < 6 && final_line.empty(); ++i) {
    emu.cmd("AT+FTPPUT=2,1360");
    std::string l = emu.line();
    if (l == "+FTPPUT: 1,78") {
      final_line = l;
      EXPECT_EQ(emu.line(), "ERROR");
      break;
    }
    ASSERT_EQ(l, "+FTPPUT: 2,1360");
    emu.send(chunk);
    ASSERT_EQ(emu.line(), "OK");
    l = emu.line();
    if (l != "+FTPPUT: 1,1,1360") final_line = l;
  }
  EXPECT_EQ(final_line, "+FTPPUT: 1,78");
  EXPECT_TRUE(emu.silent_for(200ms));
}

TEST_F(Knobs, FailInjectsSessionErrors) {
  write_file(ftp.root + "/a.bin", "abc");
  start_emu({"--fail", "FTPGET=64", "--fail", "FTPSIZE=77"});
  emu.expect_reply("AT+FTPGETNAME=\"a.bin\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPGET=1", "\r\nOK\r\n\r\n+FTPGET: 1,64\r\n");
  emu.expect_reply("AT+FTPSIZE", "\r\nOK\r\n\r\n+FTPSIZE: 1,77,0\r\n");
  emu.expect_reply("AT+FTPMDTM", "\r\nOK\r\n");
  EXPECT_EQ(emu.line().rfind("+FTPMDTM: 1,0,", 0), 0u);
}

TEST_F(Knobs, ZeroReadsThenResend) {
  std::string content = binary_pattern(500);
  write_file(ftp.root + "/a.bin", content);
  start_emu({"--zero-reads", "1"});
  emu.expect_reply("AT+FTPGETNAME=\"a.bin\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPGET=1", "\r\nOK\r\n\r\n+FTPGET: 1,1\r\n");
  emu.expect_reply("AT+FTPGET=2,1460", "\r\n+FTPGET: 2,0\r\n\r\nOK\r\n\r\n+FTPGET: 1,1\r\n");
  emu.cmd("AT+FTPGET=2,1460");
  std::string l = emu.line();
  ASSERT_EQ(l.rfind("+FTPGET: 2,", 0), 0u);
  std::size_t n = std::stoul(l.substr(11));
  EXPECT_EQ(emu.read_exact(n), content.substr(0, n));
}

TEST_F(Knobs, ShortPutUrcAndManualEtputOrder) {
  start_emu({"--short-put-urc", "--etput-manual-order"});
  emu.expect_reply("AT+FTPPUTNAME=\"s.bin\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPPUT=1", "\r\nOK\r\n\r\n+FTPPUT: 1,1\r\n");
  emu.expect_reply("AT+FTPPUT=2,5", "\r\n+FTPPUT: 2,5\r\n");
  emu.send("hello");
  EXPECT_EQ(emu.read_exact(6), "\r\nOK\r\n");
  EXPECT_EQ(emu.line(), "+FTPPUT: 1,1");
  emu.expect_reply("AT+FTPPUT=2,0", "\r\nOK\r\n\r\n+FTPPUT: 1,0\r\n");
  EXPECT_EQ(read_file(ftp.root + "/s.bin"), "hello");
  emu.expect_reply("AT+FTPETPUT=1", "\r\nOK\r\n\r\n+FTPETPUT: 1,1\r\n");
  emu.expect_reply("AT+FTPETPUT=2", "\r\n+FTPETPUT: 2,1\r\n");
  emu.send("xy\x03");
  EXPECT_EQ(emu.read_exact(6), "\r\nOK\r\n");
  EXPECT_EQ(emu.line(), "+FTPETPUT: 1,0");
  EXPECT_EQ(read_file(ftp.root + "/s.bin"), "xy");
}

TEST_F(Knobs, FragmentedOutputKeepsBytes) {
  std::string content = binary_pattern(2000);
  write_file(ftp.root + "/a.bin", content);
  start_emu({"--fragment", "7", "--fragment-seed", "3"});
  emu.expect_reply("AT+FTPGETNAME=\"a.bin\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPEXTGET=1", "\r\nOK\r\n\r\n+FTPEXTGET: 1,0\r\n");
  emu.expect_reply("AT+FTPEXTGET=3,0,2000",
                   "\r\n+FTPEXTGET: 3,2000\r\n" + content + "\r\nOK\r\n");
}

TEST_F(Knobs, NoiseLinesAreOnlyBetweenLines) {
  std::string content = binary_pattern(3000);
  write_file(ftp.root + "/a.bin", content);
  start_emu({"--noise", "--noise-seed", "5"}, false);
  const std::vector<std::string> noise = {
      "+CEREG: 1,5", "*PSUTTZ: 24/11/25,17:58:01\",\"+32\",0", "+CTZV: +32,0", "+CGREG: 1,5",
      "*PSNWID: \"460\",\"11\",\"CHN-CT\",0,\"CHN-CT\",0"};
  for (std::string c : {"AT+FTPCID=0", "AT+FTPSERV=\"127.0.0.1\"", "AT+FTPUN=\"user\"",
                        "AT+FTPPW=\"secret\"", "AT+FTPGETNAME=\"a.bin\""}) {
    emu.cmd(c);
    EXPECT_EQ(emu.line_skipping(noise), "OK");
  }
  emu.cmd("AT+FTPPORT=" + std::to_string(ftp.port));
  EXPECT_EQ(emu.line_skipping(noise), "OK");
  emu.cmd("AT+FTPEXTGET=1");
  EXPECT_EQ(emu.line_skipping(noise), "OK");
  EXPECT_EQ(emu.line_skipping(noise), "+FTPEXTGET: 1,0");
  emu.cmd("AT+FTPEXTGET=3,0,3000");
  EXPECT_EQ(emu.line_skipping(noise), "+FTPEXTGET: 3,3000");
  EXPECT_EQ(emu.read_exact(3000), content);  // nothing injected inside the payload
  EXPECT_EQ(emu.read_exact(6), "\r\nOK\r\n");
}

TEST_F(Knobs, RecordWritesTranscriptWithoutPassword) {
  std::string content = std::string("ab\r\n\x03\x10\xff", 7);
  write_file(ftp.root + "/a.bin", content);
  std::string rec = fs_root + "/conv.at";
  start_emu({"--record", rec});
  emu.expect_reply("ATE1", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPPW=\"secret\"", "AT+FTPPW=\"secret\"\r\r\nOK\r\n");
  emu.expect_reply("ATE0", "ATE0\r\r\nOK\r\n");
  emu.expect_reply("AT+FTPPW?", "\r\n+FTPPW: \"secret\"\r\n\r\nOK\r\n");
  emu.expect_reply("AT+FTPGETNAME=\"a.bin\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPGET=1", "\r\nOK\r\n");
  Download d = polled_download(emu, "+FTPGET");
  EXPECT_EQ(d.data, content);
  emu.expect_reply("AT+FTPPUTNAME=\"u.bin\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPPUT=1", "\r\nOK\r\n\r\n+FTPPUT: 1,1,1360\r\n");
  emu.expect_reply("AT+FTPPUT=2,3", "\r\n+FTPPUT: 2,3\r\n");
  emu.send("x y");
  EXPECT_EQ(emu.read_exact(6), "\r\nOK\r\n");
  emu.stop();

  std::string text = read_file(rec);
  EXPECT_EQ(text.find("secret"), std::string::npos) << text;
  std::istringstream in(text);
  std::string ln;
  bool headers = true;
  std::vector<std::string> lines;
  const std::regex marker(R"(^(#!|#|>>|>|<<|<|~)( .*)?$)");
  while (std::getline(in, ln)) {
    if (ln.empty()) continue;
    ASSERT_TRUE(std::regex_match(ln, marker)) << "bad line: " << ln;
    if (ln.rfind("#!", 0) == 0) {
      EXPECT_TRUE(headers) << "header after body: " << ln;
      EXPECT_TRUE(std::regex_match(ln, std::regex(R"(^#! [a-z0-9-]+: .*$)"))) << ln;
    } else {
      headers = false;
    }
    for (char c : ln) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << "raw byte in transcript: " << ln;
    lines.push_back(ln);
  }
  auto has = [&](const std::string& l) {
    return std::find(lines.begin(), lines.end(), l) != lines.end();
  };
  EXPECT_TRUE(has("> AT+FTPPW=<redacted>"));
  EXPECT_TRUE(has("<< AT+FTPPW=<redacted>\\r"));
  EXPECT_TRUE(has("< +FTPPW: <redacted>"));
  EXPECT_TRUE(has("> AT+FTPGET=1"));
  EXPECT_TRUE(has("< +FTPGET: 2,7"));
  EXPECT_TRUE(has("<< ab\\r\\n\\x03\\x10\\xFF"));
  EXPECT_TRUE(has("< +FTPPUT: 2,3"));
  EXPECT_TRUE(has(">> x y"));
  EXPECT_TRUE(has("< +FTPGET: 1,0"));
}

}  // namespace
}  // namespace emutest

namespace emutest {
namespace {
TEST_F(Knobs, EtGetMidStreamFailureEndsWithEtxThenError) {
  std::string content = binary_pattern(5000);
  write_file(ftp.root + "/a.bin", content);
  start_emu({"--drop-after-bytes", "1000"});
  emu.expect_reply("AT+FTPGETNAME=\"a.bin\"", "\r\nOK\r\n");
  std::string esc;
  for (char c : content.substr(0, 1000)) {
    if (c == '\x03' || c == '\x10') esc += '\x10';
    esc += c;
  }
  emu.expect_reply("AT+FTPETGET=1",
                   "\r\nOK\r\n\r\n+FTPETGET: 1,1\r\n" + esc + "\x03\r\n+FTPETGET: 1,79\r\n");
}
}  // namespace
}  // namespace emutest

// ---------------------------------------------------------------------------------------------
// Fault knobs (tests/faults): --noise-every-line, --split-sweep, --silent-after-bytes,
// --silent-ms, --bad-length.

namespace emutest {
namespace {

const std::vector<std::string> kNoiseUrcs = {
    "+CEREG: 1,5", "*PSUTTZ: 24/11/25,17:58:01\",\"+32\",0", "+CTZV: +32,0", "+CGREG: 1,5",
    "*PSNWID: \"460\",\"11\",\"CHN-CT\",0,\"CHN-CT\",0"};

class FaultKnobs : public EmuFtpTest {
 protected:
  // Setters through line_skipping (noise may precede every line).
  void configure_skipping(const std::vector<std::string>& skip) {
    for (std::string c : {std::string("AT+FTPCID=0"), std::string("AT+FTPSERV=\"127.0.0.1\""),
                          "AT+FTPPORT=" + std::to_string(ftp.port), std::string("AT+FTPUN=\"user\""),
                          std::string("AT+FTPPW=\"secret\""), std::string("AT+FTPGETNAME=\"a.bin\"")}) {
      emu.cmd(c);
      EXPECT_EQ(emu.line_skipping(skip), "OK") << c;
    }
  }
};

TEST_F(FaultKnobs, NoiseEveryLineInTurnAndBetweenPayloadAndOk) {
  std::string content = binary_pattern(300);
  write_file(ftp.root + "/a.bin", content);
  start_emu({"--noise-every-line"}, false);
  // Before every line, the noise URCs in turn: one before a lone OK, one before each line of a
  // reply with information text.
  emu.expect_reply("AT", "\r\n+CEREG: 1,5\r\n\r\nOK\r\n");
  emu.expect_reply("AT+FTPSTATE", "\r\n*PSUTTZ: 24/11/25,17:58:01\",\"+32\",0\r\n\r\n+FTPSTATE: 0\r\n"
                                  "\r\n+CTZV: +32,0\r\n\r\nOK\r\n");
  configure_skipping(kNoiseUrcs);
  emu.cmd("AT+FTPEXTGET=1");
  EXPECT_EQ(emu.line_skipping(kNoiseUrcs), "OK");
  EXPECT_EQ(emu.line_skipping(kNoiseUrcs, 20s), "+FTPEXTGET: 1,0");
  // A counted payload: noise before its header and between its last byte and the OK, never
  // inside.
  emu.cmd("AT+FTPEXTGET=3,0,300");
  std::string noise = emu.line();
  EXPECT_NE(std::find(kNoiseUrcs.begin(), kNoiseUrcs.end(), noise), kNoiseUrcs.end()) << noise;
  EXPECT_EQ(emu.line(), "+FTPEXTGET: 3,300");
  EXPECT_EQ(emu.read_exact(300), content);
  noise = emu.line();
  EXPECT_NE(std::find(kNoiseUrcs.begin(), kNoiseUrcs.end(), noise), kNoiseUrcs.end()) << noise;
  EXPECT_EQ(emu.line(), "OK");
}

TEST_F(FaultKnobs, SplitSweepSplitsTheIthTransferAtByteFirstPlusI) {
  std::string content = binary_pattern(100);
  write_file(ftp.root + "/a.bin", content);
  start_emu({"--split-sweep", "3"});
  emu.expect_reply("AT+FTPGETNAME=\"a.bin\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPSIZE", "\r\nOK\r\n\r\n+FTPSIZE: 1,0,100\r\n");  // not a transfer
  // Transfer 0: split at byte 3 of "\r\nOK\r\n"; the rest comes only once the first part was read.
  emu.cmd("AT+FTPGET=1");
  EXPECT_EQ(emu.read_once(), "\r\nO");
  EXPECT_EQ(emu.read_exact(3), "K\r\n");
  Download d = polled_download(emu, "+FTPGET");
  EXPECT_EQ(d.final_line, "+FTPGET: 1,0");
  EXPECT_EQ(d.data, content);
  // Transfer 1: at byte 4.
  emu.cmd("AT+FTPGET=1");
  EXPECT_EQ(emu.read_once(), "\r\nOK");
  EXPECT_EQ(emu.read_exact(2), "\r\n");
  d = polled_download(emu, "+FTPGET");
  EXPECT_EQ(d.data, content);
  // Transfer 2 (an upload): at byte 5, i.e. in its opening OK.
  emu.expect_reply("AT+FTPPUTNAME=\"u.bin\"", "\r\nOK\r\n");
  emu.cmd("AT+FTPPUT=1");
  EXPECT_EQ(emu.read_once(), "\r\nOK\r");
  EXPECT_EQ(emu.read_exact(1), "\n");
  EXPECT_EQ(emu.line(), "+FTPPUT: 1,1,1360");
  emu.expect_reply("AT+FTPPUT=2,0", "\r\nOK\r\n\r\n+FTPPUT: 1,0\r\n");
}

TEST_F(FaultKnobs, SilentAfterBytesUntilBareAt) {
  write_file(ftp.root + "/a.bin", binary_pattern(3000));
  start_emu({"--silent-after-bytes", "1000"});
  emu.expect_reply("AT+FTPGETNAME=\"a.bin\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPGET=1", "\r\nOK\r\n");
  EXPECT_EQ(emu.line(), "+FTPGET: 1,1");
  // The read that crosses 1000 bytes is answered in full; then nothing.
  emu.cmd("AT+FTPGET=2,1460");
  EXPECT_EQ(emu.line(), "+FTPGET: 2,1460");
  emu.read_exact(1460);
  EXPECT_EQ(emu.read_exact(6), "\r\nOK\r\n");
  emu.cmd("AT+FTPGET=2,1460");
  EXPECT_TRUE(emu.silent_for(300ms));
  emu.cmd("AT+FTPSTATE");
  emu.cmd("ATE0");
  EXPECT_TRUE(emu.silent_for(300ms));
  // A bare AT ends the silence; the session is still there.
  emu.expect_reply("AT", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPSTATE", "\r\n+FTPSTATE: 1\r\n\r\nOK\r\n");
  emu.expect_reply("AT+FTPQUIT", "\r\nOK\r\n\r\n+FTPGET: 1,80\r\n");
}

TEST_F(FaultKnobs, SilentFromOpeningOkForSomeMilliseconds) {
  write_file(ftp.root + "/a.bin", binary_pattern(100));
  start_emu({"--silent-after-bytes", "0", "--silent-ms", "300"});
  emu.expect_reply("AT+FTPGETNAME=\"a.bin\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPGET=1", "\r\nOK\r\n");  // the OK still goes out, then silence
  emu.cmd("AT");  // timed: not even a bare AT ends it
  EXPECT_TRUE(emu.silent_for(150ms));
  EXPECT_TRUE(emu.silent_for(400ms));  // over by now; the lost `+FTPGET: 1,1` is not repeated yet
  emu.expect_reply("AT", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPQUIT", "\r\nOK\r\n\r\n+FTPGET: 1,80\r\n");
}

TEST_F(FaultKnobs, BadLengthOverRequestOnExtgetRead) {
  std::string content = binary_pattern(500);
  write_file(ftp.root + "/a.bin", content);
  start_emu({"--bad-length", "over-request"});
  emu.expect_reply("AT+FTPGETNAME=\"a.bin\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPEXTGET=1", "\r\nOK\r\n\r\n+FTPEXTGET: 1,0\r\n");
  emu.expect_reply("AT+FTPEXTGET=3,0,200", "\r\n+FTPEXTGET: 3,201\r\n" + content.substr(0, 200) + "#\r\nOK\r\n");
  // Once only.
  emu.expect_reply("AT+FTPEXTGET=3,0,200", "\r\n+FTPEXTGET: 3,200\r\n" + content.substr(0, 200) + "\r\nOK\r\n");
}

TEST_F(FaultKnobs, BadLengthNegativeKeepsTheData) {
  std::string content = binary_pattern(300);
  write_file(ftp.root + "/a.bin", content);
  start_emu({"--bad-length", "negative"});
  emu.expect_reply("AT+FTPGETNAME=\"a.bin\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPGET=1", "\r\nOK\r\n");
  EXPECT_EQ(emu.line(), "+FTPGET: 1,1");
  emu.expect_reply("AT+FTPGET=2,1460", "\r\n+FTPGET: 2,-1460\r\n\r\nOK\r\n\r\n+FTPGET: 1,1\r\n");
  emu.cmd("AT+FTPGET=2,1460");
  EXPECT_EQ(emu.line(), "+FTPGET: 2,300");
  EXPECT_EQ(emu.read_exact(300), content);
}

TEST_F(FaultKnobs, BadLengthGarbledCarriesTheBytes) {
  std::string content = binary_pattern(300);
  write_file(ftp.root + "/a.bin", content);
  start_emu({"--bad-length", "garbled"});
  emu.expect_reply("AT+FTPGETNAME=\"a.bin\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPGET=1", "\r\nOK\r\n");
  EXPECT_EQ(emu.line(), "+FTPGET: 1,1");
  emu.cmd("AT+FTPGET=2,1460");
  EXPECT_EQ(emu.line(), "+FTPGET: 2,3x00");
  EXPECT_EQ(emu.read_exact(300), content);
  EXPECT_EQ(emu.read_exact(6), "\r\nOK\r\n");
}

TEST_F(FaultKnobs, BadLengthOverMaxOnPutMaxlength) {
  start_emu({"--bad-length", "over-max"});
  emu.expect_reply("AT+FTPPUTNAME=\"m.bin\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPPUT=1", "\r\nOK\r\n\r\n+FTPPUT: 1,1,1461\r\n");
  emu.expect_reply("AT+FTPPUT=2,1461", "\r\n+FTPPUT: 2,1461\r\n");  // what it announced, it takes
  emu.send(binary_pattern(1461));
  EXPECT_EQ(emu.read_exact(6), "\r\nOK\r\n");
  EXPECT_EQ(emu.line(), "+FTPPUT: 1,1,1360");  // once only
  emu.expect_reply("AT+FTPPUT=2,0", "\r\nOK\r\n\r\n+FTPPUT: 1,0\r\n");
  EXPECT_EQ(read_file(ftp.root + "/m.bin"), binary_pattern(1461));
}

TEST_F(FaultKnobs, BadLengthOverRequestOnUploadGoAhead) {
  start_emu({"--bad-length", "over-request"});
  emu.expect_reply("AT+FTPPUTNAME=\"r.bin\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPPUT=1", "\r\nOK\r\n\r\n+FTPPUT: 1,1,1360\r\n");
  emu.expect_reply("AT+FTPPUT=2,5", "\r\n+FTPPUT: 2,6\r\n");
  emu.send("hello");
  EXPECT_TRUE(emu.silent_for(200ms));  // it waits for the sixth byte
  emu.send("!");
  EXPECT_EQ(emu.read_exact(6), "\r\nOK\r\n");
}

}  // namespace
}  // namespace emutest

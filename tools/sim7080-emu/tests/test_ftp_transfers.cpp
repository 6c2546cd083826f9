// Data paths against a real pyftpdlib server: FTPGET, FTPPUT, EXTGET, EXTPUT, ETGET, ETPUT,
// LIST, active mode, REST, QUIT, second operation, idle timeout.
#include <sys/stat.h>

#include "emu_harness.hpp"

namespace emutest {
namespace {

class Transfers : public EmuFtpTest {};

std::string etx_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\x03' || c == '\x10') out += '\x10';
    out += c;
  }
  return out;
}

TEST_F(Transfers, FtpGetBinaryByteForByte) {
  std::string content = binary_pattern(5000);
  write_file(ftp.root + "/bin.dat", content);
  start_emu();
  emu.expect_reply("AT+FTPGETPATH=\"/\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPGETNAME=\"bin.dat\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPGET=1", "\r\nOK\r\n");
  Download d = polled_download(emu, "+FTPGET");
  EXPECT_EQ(d.final_line, "+FTPGET: 1,0");
  EXPECT_EQ(d.data, content);
  emu.expect_reply("AT+FTPGET=2,100", "\r\nERROR\r\n");  // after close
  emu.expect_reply("AT+FTPGET=2,1461", "\r\nERROR\r\n");
}

TEST_F(Transfers, FtpGetActiveModeAndRest) {
  std::string content = "wodeceshijieguo,zhgeshigeshia";  // [AN] 5.7
  write_file(ftp.root + "/simftp.txt", content);
  start_emu();
  emu.expect_reply("AT+FTPMODE=0", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPGETPATH=\"/\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPGETNAME=\"simftp.txt\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPGET=1", "\r\nOK\r\n");
  Download d = polled_download(emu, "+FTPGET");
  EXPECT_EQ(d.final_line, "+FTPGET: 1,0");
  EXPECT_EQ(d.data, content);
  emu.expect_reply("AT+FTPMODE=1", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPREST=20", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPGET=1", "\r\nOK\r\n");
  d = polled_download(emu, "+FTPGET");
  EXPECT_EQ(d.final_line, "+FTPGET: 1,0");
  EXPECT_EQ(d.data, "shigeshia");
  emu.expect_reply("AT+FTPREST?", "\r\n+FTPREST: 20\r\n\r\nOK\r\n");  // kept until changed
}

TEST_F(Transfers, FtpPutBinaryVerifiedOnDisk) {
  std::string content = binary_pattern(3000);
  start_emu();
  emu.expect_reply("AT+FTPPUTPATH=\"/\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPPUTNAME=\"up.bin\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPPUT=2,10", "\r\nERROR\r\n");  // before the session
  emu.expect_reply("AT+FTPPUT=1", "\r\nOK\r\n\r\n+FTPPUT: 1,1,1360\r\n");
  emu.expect_reply("AT+FTPPUT=2,1361", "\r\nERROR\r\n");
  std::size_t off = 0;
  while (off < content.size()) {
    std::size_t n = std::min<std::size_t>(1360, content.size() - off);
    emu.expect_reply("AT+FTPPUT=2," + std::to_string(n),
                     "\r\n+FTPPUT: 2," + std::to_string(n) + "\r\n");
    emu.send(content.substr(off, n));
    EXPECT_EQ(emu.read_exact(6), "\r\nOK\r\n");
    EXPECT_EQ(emu.line(), "+FTPPUT: 1,1,1360");
    off += n;
  }
  emu.expect_reply("AT+FTPPUT=2,0", "\r\nOK\r\n\r\n+FTPPUT: 1,0\r\n");
  EXPECT_EQ(read_file(ftp.root + "/up.bin"), content);
  emu.expect_reply("AT+FTPPUT=2,100", "\r\nERROR\r\n");  // after close
}

TEST_F(Transfers, ExtGetToRamAndReads) {
  std::string content = binary_pattern(20000);
  write_file(ftp.root + "/big.bin", content);
  start_emu();
  emu.expect_reply("AT+FTPGETPATH=\"/\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPGETNAME=\"big.bin\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPEXTGET=1", "\r\nOK\r\n\r\n+FTPEXTGET: 1,0\r\n");
  emu.expect_reply("AT+FTPEXTGET?", "\r\n+FTPEXTGET: 1,20000\r\n\r\nOK\r\n");
  emu.expect_reply("AT+FTPEXTGET=3,0,100",
                   "\r\n+FTPEXTGET: 3,100\r\n" + content.substr(0, 100) + "\r\nOK\r\n");
  emu.expect_reply("AT+FTPEXTGET=3,100,30000",
                   "\r\n+FTPEXTGET: 3,19900\r\n" + content.substr(100) + "\r\nOK\r\n");
  emu.expect_reply("AT+FTPEXTGET=3,20000,1", "\r\nERROR\r\n");
  emu.expect_reply("AT+FTPEXTGET=0", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPEXTGET?", "\r\n+FTPEXTGET: 0,0\r\n\r\nOK\r\n");
}

TEST_F(Transfers, ExtGetTooBigForRamIs79) {
  write_file(ftp.root + "/big.bin", binary_pattern(5000));
  start_emu({"--ram-bytes", "4096"});
  emu.expect_reply("AT+FTPGETNAME=\"big.bin\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPEXTGET=1", "\r\nOK\r\n\r\n+FTPEXTGET: 1,79\r\n");
}

TEST_F(Transfers, ExtGetToFileSystemAndToFsSt) {
  std::string content = binary_pattern(1000);
  write_file(ftp.root + "/simftp.txt", content);
  start_emu();
  emu.expect_reply("AT+FTPGETPATH=\"/\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPGETNAME=\"simftp.txt\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPEXTGET=2", "\r\nERROR\r\n");
  emu.expect_reply("AT+FTPEXTGET=2,3,\"fssimftp.txt\"",
                   "\r\nOK\r\n\r\n+FTPEXTGETFILE: 1,0\r\n");
  emu.expect_reply("AT+FTPTOFSST", "\r\n+FTPTOFSST: 0,0,1000\r\n\r\nOK\r\n");
  EXPECT_EQ(read_file(fs_root + "/customer/fssimftp.txt"), content);
  emu.expect_reply("AT+FTPEXTGET=2,3,\"fssimftp.txt\"", "\r\nERROR\r\n");  // exists
}

TEST_F(Transfers, ExtPutFromRam) {
  std::string a = binary_pattern(1024), b = binary_pattern(700);
  start_emu();
  emu.expect_reply("AT+FTPPUTPATH=\"/\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPPUTNAME=\"ext.bin\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPEXTPUT=1", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPEXTPUT=2,0,1024,10000", "\r\n+FTPEXTPUT: 0,1024\r\n");
  emu.send(a);
  EXPECT_EQ(emu.read_exact(6), "\r\nOK\r\n");
  emu.expect_reply("AT+FTPEXTPUT=2,1024,700,10000", "\r\n+FTPEXTPUT: 1024,700\r\n");
  emu.send(b);
  EXPECT_EQ(emu.read_exact(6), "\r\nOK\r\n");
  emu.expect_reply("AT+FTPEXTPUT?", "\r\n+FTPEXTPUT: 1,1724\r\n\r\nOK\r\n");
  emu.expect_reply("AT+FTPEXTPUT=2,307000,1000,10000", "\r\nERROR\r\n");  // beyond RAM
  emu.expect_reply("AT+FTPPUT=1", "\r\nOK\r\n\r\n+FTPPUT: 1,0\r\n");
  EXPECT_EQ(read_file(ftp.root + "/ext.bin"), a + b);
  emu.expect_reply("AT+FTPEXTPUT=0", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPEXTPUT?", "\r\n+FTPEXTPUT: 0,0\r\n\r\nOK\r\n");
}

TEST_F(Transfers, EtGetEscapesEtxAndDle) {
  std::string content = std::string("\x01\x10\x03\x02", 4) + binary_pattern(3000);
  write_file(ftp.root + "/et.bin", content);
  start_emu();
  emu.expect_reply("AT+FTPGETNAME=\"et.bin\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPETGET=?", "\r\n+FTPETGET: 1\r\n\r\nOK\r\n");
  emu.expect_reply("AT+FTPETGET=1", "\r\nOK\r\n\r\n+FTPETGET: 1,1\r\n" + etx_escape(content) +
                                        "\x03\r\n+FTPETGET: 1,0\r\n");
}

TEST_F(Transfers, EtPutUnescapesEtxAndDle) {
  std::string content = std::string("A\x03" "B\x10" "C", 5) + binary_pattern(4000);
  start_emu();
  emu.expect_reply("AT+FTPPUTNAME=\"et.bin\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPETPUT=2", "\r\nERROR\r\n");
  emu.expect_reply("AT+FTPETPUT=1", "\r\nOK\r\n\r\n+FTPETPUT: 1,1\r\n");
  emu.expect_reply("AT+FTPETPUT=2", "\r\nOK\r\n\r\n+FTPETPUT: 2,1\r\n");
  emu.send(etx_escape(content) + "\x03");
  EXPECT_EQ(emu.read_exact(6), "\r\nOK\r\n");
  EXPECT_EQ(emu.line(), "+FTPETPUT: 1,0");
  EXPECT_EQ(read_file(ftp.root + "/et.bin"), content);
}

TEST_F(Transfers, ListDirectoryAndSingleFile) {
  write_file(ftp.root + "/simftp.txt", "0123456789");
  write_file(ftp.root + "/other.txt", "x");
  start_emu();
  emu.expect_reply("AT+FTPGETPATH=\"/\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPLIST=1", "\r\nOK\r\n");
  Download d = polled_download(emu, "+FTPLIST");
  EXPECT_EQ(d.final_line, "+FTPLIST: 1,0");
  EXPECT_NE(d.data.find("simftp.txt"), std::string::npos) << d.data;
  EXPECT_NE(d.data.find("other.txt"), std::string::npos) << d.data;
  emu.expect_reply("AT+FTPGETPATH=\"/simftp.txt\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPLIST=1", "\r\nOK\r\n");
  d = polled_download(emu, "+FTPLIST");
  EXPECT_EQ(d.final_line, "+FTPLIST: 1,0");
  EXPECT_NE(d.data.find("simftp.txt"), std::string::npos);
  EXPECT_EQ(d.data.find("other.txt"), std::string::npos);
}

TEST_F(Transfers, QuitAbortsWith80AndSecondOperationGets66) {
  write_file(ftp.root + "/huge.bin", binary_pattern(2'000'000));
  start_emu();
  emu.expect_reply("AT+FTPGETNAME=\"huge.bin\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPGET=1", "\r\nOK\r\n");
  EXPECT_EQ(emu.line(), "+FTPGET: 1,1");
  emu.expect_reply("AT+FTPSTATE", "\r\n+FTPSTATE: 1\r\n\r\nOK\r\n");
  emu.expect_reply("AT+FTPSIZE", "\r\nOK\r\n\r\n+FTPSIZE: 1,66,0\r\n");
  emu.expect_reply("AT+FTPPUT=1", "\r\nOK\r\n\r\n+FTPPUT: 1,66\r\n");
  // the first session is unaffected
  emu.cmd("AT+FTPGET=2,1460");
  EXPECT_EQ(emu.line(), "+FTPGET: 2,1460");
  EXPECT_EQ(emu.read_exact(1460), binary_pattern(1460));
  EXPECT_EQ(emu.read_exact(6), "\r\nOK\r\n");
  emu.expect_reply("AT+FTPQUIT=1", "\r\nERROR\r\n");
  emu.expect_reply("AT+FTPQUIT", "\r\nOK\r\n\r\n+FTPGET: 1,80\r\n");
  emu.expect_reply("AT+FTPSTATE", "\r\n+FTPSTATE: 0\r\n\r\nOK\r\n");
  emu.expect_reply("AT+FTPQUIT", "\r\nERROR\r\n");
}

TEST_F(Transfers, QuitRightAfterOpen) {
  write_file(ftp.root + "/huge.bin", binary_pattern(1'000'000));
  start_emu();
  emu.expect_reply("AT+FTPGETNAME=\"huge.bin\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPGET=1", "\r\nOK\r\n");
  emu.cmd("AT+FTPQUIT");
  EXPECT_EQ(emu.line_skipping({"+FTPGET: 1,1"}), "OK");
  EXPECT_EQ(emu.line_skipping({"+FTPGET: 1,1"}), "+FTPGET: 1,80");
}

TEST_F(Transfers, IdleHostGetsResendsThenTimeout64) {
  write_file(ftp.root + "/huge.bin", binary_pattern(500'000));
  start_emu({"--idle-timeout-s", "1", "--resend-ready-ms", "300"});
  emu.expect_reply("AT+FTPGETNAME=\"huge.bin\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPGET=1", "\r\nOK\r\n");
  EXPECT_EQ(emu.line(), "+FTPGET: 1,1");
  EXPECT_EQ(emu.line(2s), "+FTPGET: 1,1");  // re-sent while data sits unread
  EXPECT_EQ(emu.line_skipping({"+FTPGET: 1,1"}, 3s), "+FTPGET: 1,64");
}

}  // namespace
}  // namespace emutest

// One-shot operations and session errors: SIZE, MDTM, DELE, MKD, RMD, RENAME, 72, 77, 61, 66.
#include <sys/stat.h>
#include <utime.h>

#include <filesystem>

#include "emu_harness.hpp"

namespace emutest {
namespace {

class Commands : public EmuFtpTest {};

TEST_F(Commands, SizeAndMissingSize) {
  write_file(ftp.root + "/simftp.txt", std::string(1024, 'x'));
  start_emu();
  emu.expect_reply("AT+FTPGETPATH=\"/\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPGETNAME=\"simftp.txt\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPSIZE", "\r\nOK\r\n\r\n+FTPSIZE: 1,0,1024\r\n");
  emu.expect_reply("AT+FTPGETNAME=\"nothere.txt\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPSIZE", "\r\nOK\r\n\r\n+FTPSIZE: 1,77,0\r\n");
}

TEST_F(Commands, MdtmIsUtcTimestamp) {
  write_file(ftp.root + "/simftp.txt", "abc");
  utimbuf t{1397023791, 1397023791};  // 2014-04-09 06:09:51 UTC
  ASSERT_EQ(utime((ftp.root + "/simftp.txt").c_str(), &t), 0);
  start_emu();
  emu.expect_reply("AT+FTPGETPATH=\"/\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPGETNAME=\"simftp.txt\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPMDTM", "\r\nOK\r\n\r\n+FTPMDTM: 1,0,20140409060951\r\n");
  emu.expect_reply("AT+FTPGETNAME=\"gone.txt\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPMDTM", "\r\nOK\r\n\r\n+FTPMDTM: 1,77\r\n");
}

TEST_F(Commands, DeleMkdRmdRenameOnServer) {
  write_file(ftp.root + "/simftp.txt", "abc");
  write_file(ftp.root + "/del.txt", "abc");
  start_emu();
  emu.expect_reply("AT+FTPGETPATH=\"/\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPGETNAME=\"del.txt\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPDELE", "\r\nOK\r\n\r\n+FTPDELE: 1,0\r\n");
  EXPECT_FALSE(file_exists(ftp.root + "/del.txt"));
  emu.expect_reply("AT+FTPDELE", "\r\nOK\r\n\r\n+FTPDELE: 1,77\r\n");
  // rename GETPATH/GETNAME -> PUTNAME
  emu.expect_reply("AT+FTPGETNAME=\"simftp.txt\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPPUTNAME=\"simftp2.txt\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPRENAME", "\r\nOK\r\n\r\n+FTPRENAME: 1,0\r\n");
  EXPECT_FALSE(file_exists(ftp.root + "/simftp.txt"));
  EXPECT_EQ(read_file(ftp.root + "/simftp2.txt"), "abc");
  // MKD / RMD act on GETPATH itself
  emu.expect_reply("AT+FTPGETPATH=\"/test\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPMKD", "\r\nOK\r\n\r\n+FTPMKD: 1,0\r\n");
  EXPECT_TRUE(std::filesystem::is_directory(ftp.root + "/test"));
  emu.expect_reply("AT+FTPMKD", "\r\nOK\r\n\r\n+FTPMKD: 1,77\r\n");
  emu.expect_reply("AT+FTPRMD", "\r\nOK\r\n\r\n+FTPRMD: 1,0\r\n");
  EXPECT_FALSE(file_exists(ftp.root + "/test"));
  emu.expect_reply("AT+FTPRMD", "\r\nOK\r\n\r\n+FTPRMD: 1,77\r\n");
}

TEST_F(Commands, DeleEqualsOneAcceptedUnlessStrict) {
  write_file(ftp.root + "/a.txt", "a");
  start_emu();
  emu.expect_reply("AT+FTPGETNAME=\"a.txt\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPDELE=1", "\r\nOK\r\n\r\n+FTPDELE: 1,0\r\n");
  emu.stop();
  start_emu({"--strict-dele"});
  emu.expect_reply("AT+FTPDELE=1", "\r\nERROR\r\n");
}

TEST_F(Commands, WrongPasswordIs72) {
  write_file(ftp.root + "/a.txt", "a");
  start_emu({}, false);
  configure_ftp("3214567");
  emu.expect_reply("AT+FTPGETNAME=\"a.txt\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPGET=1", "\r\nOK\r\n\r\n+FTPGET: 1,72\r\n");
  emu.expect_reply("AT+FTPGET=2,100", "\r\nERROR\r\n");
}

TEST_F(Commands, MissingFileIs77) {
  start_emu();
  emu.expect_reply("AT+FTPGETPATH=\"/\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPGETNAME=\"missing.bin\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPGET=1", "\r\nOK\r\n\r\n+FTPGET: 1,77\r\n");
}

TEST_F(Commands, EmptyGetNameIs66) {
  start_emu();
  emu.expect_reply("AT+FTPGET=1", "\r\nOK\r\n\r\n+FTPGET: 1,66\r\n");
}

TEST_F(Commands, CidWithoutActiveBearerIs61) {
  write_file(ftp.root + "/a.txt", "a");
  start_emu();
  emu.expect_reply("AT+FTPGETNAME=\"a.txt\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPCID=1", "\r\nOK\r\n");  // bearer is context 0
  emu.expect_reply("AT+FTPGET=1", "\r\nOK\r\n\r\n+FTPGET: 1,61\r\n");
  emu.expect_reply("AT+FTPSIZE", "\r\nOK\r\n\r\n+FTPSIZE: 1,61,0\r\n");
}

TEST_F(Commands, NoBearerAtPowerOnIs61UntilCnact) {
  write_file(ftp.root + "/a.txt", "abc");
  start_emu({"--no-bearer"});
  emu.expect_reply("AT+FTPGETNAME=\"a.txt\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPSIZE", "\r\nOK\r\n\r\n+FTPSIZE: 1,61,0\r\n");
  emu.expect_reply("AT+CNACT=0,1", "\r\nOK\r\n\r\n+APP PDP: 0,ACTIVE\r\n");
  emu.expect_reply("AT+FTPSIZE", "\r\nOK\r\n\r\n+FTPSIZE: 1,0,3\r\n");
}

TEST_F(Commands, ConnectRefusedIs63) {
  start_emu({}, false);
  emu.expect_reply("AT+FTPCID=0", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPSERV=\"127.0.0.1\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPPORT=1", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPGETNAME=\"a\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPGET=1", "\r\nOK\r\n\r\n+FTPGET: 1,63\r\n");
}

}  // namespace
}  // namespace emutest

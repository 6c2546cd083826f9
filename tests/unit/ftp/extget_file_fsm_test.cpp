// ExtGetFileFsm: AT+FTPEXTGET=2 into the module's file system, then AT+FTPTOFSST (spec §3.23,
// §3.30, Q14; [AN2] 5.1.19).
#include "ftp/extget_file_fsm.hpp"

#include <gtest/gtest.h>

#include "fsm_test_util.hpp"

namespace sim7080::ftp::test {
namespace {

const std::string kOpen = R"(send AT+FTPEXTGET=2,3,"fs.txt")";
const std::string kStatus = "send AT+FTPTOFSST";

TEST(ExtGetFileFsm, AppNote5119DownloadsIntoTheFileSystem) {
  ExtGetFileFsm fsm(3, "fs.txt");
  FsmDriver d(fsm);
  EXPECT_EQ(fsm.urc_prefixes().size(), 2u);
  EXPECT_EQ(d.start(), Lines{kOpen});
  EXPECT_EQ(d.ok(), Lines{kArm75});
  EXPECT_EQ(d.urc("+FTPEXTGETFILE: 1,0"), (Lines{"disarm", kStatus}));
  EXPECT_EQ(d.reply("+FTPTOFSST: 0,0,1000"), Lines{});
  EXPECT_EQ(d.ok(), Lines{done()});
  EXPECT_EQ(fsm.file_size(), 1000u);
}

TEST(ExtGetFileFsm, EitherUrcPrefixEndsTheDownload) {
  for (const char* urc : {"+FTPEXTGETFILE:1,0", "+FTPEXTGET: 1,0"}) {
    ExtGetFileFsm fsm(0, "fs.txt");
    FsmDriver d(fsm);
    d.start();
    d.ok();
    EXPECT_EQ(d.urc(urc), (Lines{"disarm", kStatus})) << urc;
  }
}

TEST(ExtGetFileFsm, FailureUrcIsTyped) {
  ExtGetFileFsm fsm(3, "fs.txt");
  FsmDriver d(fsm);
  d.start();
  d.ok();
  const auto lines = d.urc("+FTPEXTGETFILE: 1,77");
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.back(), done_ftp(77));
}

TEST(ExtGetFileFsm, StatusReportsTheFtpError) {
  ExtGetFileFsm fsm(3, "fs.txt");
  FsmDriver d(fsm);
  d.start();
  d.ok();
  d.urc("+FTPEXTGETFILE: 1,0");
  d.reply("+FTPTOFSST: 0,79,0");
  EXPECT_EQ(d.ok(), Lines{done_ftp(79)});
}

TEST(ExtGetFileFsm, StillDownloadingAfterTheUrcIsAProtocolError) {
  ExtGetFileFsm fsm(3, "fs.txt");
  FsmDriver d(fsm);
  d.start();
  d.ok();
  d.urc("+FTPEXTGETFILE: 1,0");
  d.reply("+FTPTOFSST: 1,0,500");
  EXPECT_EQ(d.ok(), Lines{done(AtErrc::protocol_error)});
}

TEST(ExtGetFileFsm, ExistingFileIsRefusedWithError) {
  ExtGetFileFsm fsm(3, "fs.txt");
  FsmDriver d(fsm);
  d.start();
  EXPECT_EQ(d.error(), Lines{done(AtErrc::error_result)});
}

TEST(ExtGetFileFsm, CancelWhileDownloadingQuits) {
  ExtGetFileFsm fsm(3, "fs.txt");
  FsmDriver d(fsm);
  d.start();
  d.ok();
  const auto lines = d.cancel();
  ASSERT_FALSE(lines.empty());
  EXPECT_NE(std::find(lines.begin(), lines.end(), "send AT+FTPQUIT"), lines.end());
}

}  // namespace
}  // namespace sim7080::ftp::test

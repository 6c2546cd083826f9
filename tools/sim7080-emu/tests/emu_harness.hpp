// Test harness: a real pyftpdlib server plus the emulator binary on its pty, driven with plain
// POSIX I/O. All waits are "until these bytes arrive or the deadline passes".
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace emutest {

using namespace std::chrono_literals;
using Ms = std::chrono::milliseconds;

std::string make_temp_dir();
std::string read_file(const std::string& path);
void write_file(const std::string& path, std::string_view data);
bool file_exists(const std::string& path);
std::string binary_pattern(std::size_t n);  // contains CR, LF, "\r\nOK\r\n", NUL, 0xFF, 0x03, 0x10

class FtpServer {
 public:
  void start();
  void stop();
  ~FtpServer() { stop(); }
  int port = 0;
  std::string root;

 private:
  pid_t pid_ = -1;
};

class Emulator {
 public:
  void start(const std::vector<std::string>& args);
  void stop();  // SIGTERM and wait
  bool exited_within(Ms timeout);
  void reopen();  // close the port and open it again (host hang-up)
  ~Emulator() { stop(); }

  void send(std::string_view bytes);
  void cmd(std::string_view line) { send(std::string(line) + "\r"); }
  // Exactly n bytes (fails the test on timeout).
  std::string read_exact(std::size_t n, Ms timeout = 10s);
  // Strict V.250 line: "\r\n<text>\r\n"; returns text.
  std::string line(Ms timeout = 10s);
  // Like line() but skips lines equal to any of `skip`.
  std::string line_skipping(const std::vector<std::string>& skip, Ms timeout = 10s);
  // Sends a command and checks the complete reply bytes.
  void expect_reply(std::string_view command, std::string_view reply, Ms timeout = 10s);
  // Nothing else arrives within `quiet`.
  bool silent_for(Ms quiet);
  // What one read() returns (what is buffered already, if anything); "" on timeout.
  std::string read_once(Ms timeout = 10s);

  std::string pty_path;
  pid_t pid = -1;

 private:
  bool fill(Ms timeout);
  int fd_ = -1;
  int out_fd_ = -1;
  std::string buf_;
};

// Result of a FTPGET/FTPLIST-style polled download driven like a careful host driver.
struct Download {
  std::string data;
  std::string final_line;  // "+FTPGET: 1,0" or the error URC
};
Download polled_download(Emulator& emu, const std::string& prefix, const std::string& sep = ": ");

class EmuFtpTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  // Starts the emulator (with --bearer-up unless no_bearer) and sets the FTP parameters.
  void start_emu(std::vector<std::string> extra = {}, bool configure = true);
  void configure_ftp(const std::string& password = "secret");
  FtpServer ftp;
  Emulator emu;
  std::string fs_root;
};

}  // namespace emutest

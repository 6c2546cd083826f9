#include "emu_harness.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace emutest {

std::string make_temp_dir() {
  char tmpl[] = "/tmp/sim7080-emu-test-XXXXXX";
  char* d = mkdtemp(tmpl);
  if (!d) throw std::runtime_error("mkdtemp");
  return d;
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void write_file(const std::string& path, std::string_view data) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(data.data(), static_cast<std::streamsize>(data.size()));
}

bool file_exists(const std::string& path) { return std::filesystem::exists(path); }

std::string binary_pattern(std::size_t n) {
  std::string s = std::string("\r\nOK\r\n") + '\0' + "\xff\x03\x10\r\n+FTPGET: 1,0\r\n";
  std::uint32_t x = 12345;
  while (s.size() < n) {
    x = x * 1103515245u + 12345u;
    s += static_cast<char>((x >> 16) & 0xff);
  }
  s.resize(n);
  return s;
}

namespace {
int free_port() {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  int port = ntohs(a.sin_port);
  close(s);
  return port;
}

bool port_open(int port) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(s);
  return ok;
}

pid_t spawn(const std::vector<std::string>& argv, int stdout_fd) {
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_RDWR);
    dup2(devnull, 0);
    dup2(stdout_fd >= 0 ? stdout_fd : devnull, 1);
    if (!std::getenv("EMU_TEST_STDERR")) dup2(devnull, 2);
    std::vector<char*> a;
    for (const auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
    a.push_back(nullptr);
    execv(a[0], a.data());
    _exit(127);
  }
  return pid;
}

void kill_and_wait(pid_t& pid) {
  if (pid <= 0) return;
  kill(pid, SIGTERM);
  int st = 0;
  for (int i = 0; i < 300; ++i) {  // up to 3 s, then SIGKILL
    if (waitpid(pid, &st, WNOHANG) == pid) {
      pid = -1;
      return;
    }
    std::this_thread::sleep_for(10ms);
  }
  kill(pid, SIGKILL);
  waitpid(pid, &st, 0);
  pid = -1;
}
}  // namespace

void FtpServer::start() {
  root = make_temp_dir();
  port = free_port();
  pid_ = spawn({"/usr/bin/python3", "-m", "pyftpdlib", "-i", "127.0.0.1", "-p",
                std::to_string(port), "-w", "-d", root, "-u", "user", "-P", "secret"},
               -1);
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!port_open(port)) {
    if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("pyftpdlib down");
    std::this_thread::sleep_for(20ms);  // polling the listener, not a synchronisation sleep
  }
}

void FtpServer::stop() {
  kill_and_wait(pid_);
  if (!root.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(root, ec);
    root.clear();
  }
}

void Emulator::start(const std::vector<std::string>& args) {
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  std::vector<std::string> argv = {SIM7080_EMU_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  pid = spawn(argv, p[1]);
  close(p[1]);
  out_fd_ = p[0];
  // First stdout line: the slave pty path.
  std::string path;
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (path.empty() || path.back() != '\n') {
    pollfd pfd{out_fd_, POLLIN, 0};
    ASSERT_GT(poll(&pfd, 1, 100) >= 0 ? 1 : 0, 0);
    if (pfd.revents & (POLLIN | POLLHUP)) {
      char c;
      ASSERT_EQ(read(out_fd_, &c, 1), 1) << "emulator exited before printing its pty";
      path += c;
    }
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "no pty path from emulator";
  }
  path.pop_back();
  pty_path = path;
  fd_ = open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK);
  ASSERT_GE(fd_, 0) << path;
  termios t{};
  tcgetattr(fd_, &t);
  cfmakeraw(&t);
  tcsetattr(fd_, TCSANOW, &t);
}

void Emulator::reopen() {
  close(fd_);
  buf_.clear();
  fd_ = open(pty_path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK);
  ASSERT_GE(fd_, 0) << pty_path;
  termios t{};
  tcgetattr(fd_, &t);
  cfmakeraw(&t);
  tcsetattr(fd_, TCSANOW, &t);
}

void Emulator::stop() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  kill_and_wait(pid);
  if (out_fd_ >= 0) close(out_fd_);
  out_fd_ = -1;
}

bool Emulator::exited_within(Ms timeout) {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int st = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid, &st, WNOHANG) == pid) {
      pid = -1;
      return true;
    }
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

void Emulator::send(std::string_view bytes) {
  std::size_t off = 0;
  while (off < bytes.size()) {
    ssize_t w = write(fd_, bytes.data() + off, bytes.size() - off);
    if (w > 0) {
      off += static_cast<std::size_t>(w);
    } else {
      pollfd pfd{fd_, POLLOUT, 0};
      poll(&pfd, 1, 100);
    }
  }
}

bool Emulator::fill(Ms timeout) {
  pollfd pfd{fd_, POLLIN, 0};
  if (poll(&pfd, 1, static_cast<int>(timeout.count())) <= 0) return false;
  char tmp[65536];
  ssize_t r = read(fd_, tmp, sizeof tmp);
  if (r <= 0) return false;
  buf_.append(tmp, static_cast<std::size_t>(r));
  return true;
}

std::string Emulator::read_exact(std::size_t n, Ms timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (buf_.size() < n) {
    auto left = std::chrono::duration_cast<Ms>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !fill(left)) {
      if (std::chrono::steady_clock::now() >= deadline) {
        ADD_FAILURE() << "timeout waiting for " << n << " bytes, have " << buf_.size() << ": "
                      << ::testing::PrintToString(buf_);
        std::string out = buf_;
        buf_.clear();
        return out;
      }
    }
  }
  std::string out = buf_.substr(0, n);
  buf_.erase(0, n);
  return out;
}

std::string Emulator::line(Ms timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (buf_.size() >= 2) {
      if (buf_.compare(0, 2, "\r\n") != 0) {
        ADD_FAILURE() << "line does not start with CR LF: " << ::testing::PrintToString(buf_);
        std::string out = buf_;
        buf_.clear();
        return out;
      }
      auto end = buf_.find("\r\n", 2);
      if (end != std::string::npos) {
        std::string text = buf_.substr(2, end - 2);
        buf_.erase(0, end + 2);
        return text;
      }
    }
    auto left = std::chrono::duration_cast<Ms>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || (!fill(left) && std::chrono::steady_clock::now() >= deadline)) {
      ADD_FAILURE() << "timeout waiting for a line; have " << ::testing::PrintToString(buf_);
      return "<timeout>";
    }
  }
}

std::string Emulator::line_skipping(const std::vector<std::string>& skip, Ms timeout) {
  while (true) {
    std::string l = line(timeout);
    if (std::find(skip.begin(), skip.end(), l) == skip.end()) return l;
  }
}

void Emulator::expect_reply(std::string_view command, std::string_view reply, Ms timeout) {
  cmd(command);
  EXPECT_EQ(read_exact(reply.size(), timeout), reply) << "command " << command;
}

bool Emulator::silent_for(Ms quiet) {
  if (!buf_.empty()) return false;
  return !fill(quiet);
}

std::string Emulator::read_once(Ms timeout) {
  if (buf_.empty()) fill(timeout);
  std::string out = std::move(buf_);
  buf_.clear();
  return out;
}

Download polled_download(Emulator& emu, const std::string& prefix, const std::string& sep) {
  Download d;
  const std::string ready = prefix + sep + "1,1";
  const std::string hdr = prefix + sep + "2,";
  std::string l = emu.line(20s);
  if (l != ready) {
    d.final_line = l;
    return d;
  }
  bool finished = false;
  while (!finished) {
    emu.cmd("AT" + prefix + "=2,1460");
    // Reply may be preceded by a re-sent "1,1" or the final URC (then the reply is ERROR).
    while (true) {
      l = emu.line(20s);
      if (l == ready) continue;
      if (l.rfind(prefix + sep + "1,", 0) == 0) {
        d.final_line = l;
        finished = true;
        continue;
      }
      if (l == "ERROR" && finished) break;
      if (l.rfind(hdr, 0) != 0) {
        ADD_FAILURE() << "unexpected line " << l;
        return d;
      }
      std::size_t n = std::stoul(l.substr(hdr.size()));
      d.data += emu.read_exact(n);
      EXPECT_EQ(emu.read_exact(6), "\r\nOK\r\n");
      if (n == 0 && !finished) {
        // Nothing buffered: wait for the next hint or the end.
        l = emu.line(20s);
        if (l != ready) {
          d.final_line = l;
          finished = true;
        }
      }
      break;
    }
  }
  return d;
}

void EmuFtpTest::SetUp() {
  ftp.start();
  fs_root = make_temp_dir();
}

void EmuFtpTest::TearDown() {
  emu.stop();
  ftp.stop();
  std::error_code ec;
  std::filesystem::remove_all(fs_root, ec);
}

void EmuFtpTest::start_emu(std::vector<std::string> extra, bool configure) {
  std::vector<std::string> args = {"--fs-root", fs_root};
  bool no_bearer = std::find(extra.begin(), extra.end(), "--no-bearer") != extra.end();
  if (no_bearer) {
    extra.erase(std::find(extra.begin(), extra.end(), "--no-bearer"));
  } else {
    args.push_back("--bearer-up");
  }
  args.insert(args.end(), extra.begin(), extra.end());
  emu.start(args);
  if (configure) configure_ftp();
}

void EmuFtpTest::configure_ftp(const std::string& password) {
  emu.expect_reply("AT+FTPCID=0", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPSERV=\"127.0.0.1\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPPORT=" + std::to_string(ftp.port), "\r\nOK\r\n");
  emu.expect_reply("AT+FTPUN=\"user\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPPW=\"" + password + "\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPMODE=1", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPTYPE=\"I\"", "\r\nOK\r\n");
}

}  // namespace emutest

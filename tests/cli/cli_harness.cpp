#include "cli_harness.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

extern char** environ;

namespace cli_test {

// ---------------------------------------------------------------------------------------------
// SHA-256 (FIPS 180-4), files, text.

namespace {
constexpr std::array<std::uint32_t, 64> kK = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
    0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
    0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
    0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
constexpr std::uint32_t rotr(std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }
}  // namespace

std::string sha256_hex(std::string_view data) {
  std::array<std::uint32_t, 8> h = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::string msg(data);
  const std::uint64_t bits = static_cast<std::uint64_t>(data.size()) * 8;
  msg += '\x80';
  while (msg.size() % 64 != 56) msg += '\0';
  for (int i = 7; i >= 0; --i) msg += static_cast<char>((bits >> (i * 8)) & 0xff);
  for (std::size_t off = 0; off < msg.size(); off += 64) {
    std::array<std::uint32_t, 64> w{};
    for (int i = 0; i < 16; ++i)
      for (int j = 0; j < 4; ++j) w[i] = (w[i] << 8) | static_cast<unsigned char>(msg[off + i * 4 + j]);
    for (int i = 16; i < 64; ++i) {
      const auto s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
      const auto s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    auto v = h;
    for (int i = 0; i < 64; ++i) {
      const auto t1 = v[7] + (rotr(v[4], 6) ^ rotr(v[4], 11) ^ rotr(v[4], 25)) + ((v[4] & v[5]) ^ (~v[4] & v[6])) + kK[i] + w[i];
      const auto t2 = (rotr(v[0], 2) ^ rotr(v[0], 13) ^ rotr(v[0], 22)) + ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
      for (int k = 7; k > 0; --k) v[k] = v[k - 1];
      v[4] += t1;
      v[0] = t1 + t2;
    }
    for (int i = 0; i < 8; ++i) h[i] += v[i];
  }
  std::string out;
  char buf[9];
  for (auto x : h) {
    std::snprintf(buf, sizeof buf, "%08x", x);
    out += buf;
  }
  return out;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const fs::path& path, std::string_view data) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(data.data(), static_cast<std::streamsize>(data.size()));
}

std::string random_bytes(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(gen() & 0xff);
  return s;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(line);
  }
  return out;
}

std::string iso8601(std::int64_t t) {
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  ::gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// ---------------------------------------------------------------------------------------------
// JSON

const Json* Json::find(std::string_view key) const {
  for (const auto& [k, v] : object)
    if (k == key) return &v;
  return nullptr;
}

namespace {
struct JsonReader {
  std::string_view s;
  std::size_t i = 0;
  void ws() {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
  }
  bool lit(std::string_view w) {
    if (s.substr(i, w.size()) != w) return false;
    i += w.size();
    return true;
  }
  bool str(std::string& out) {
    if (i >= s.size() || s[i] != '"') return false;
    for (++i; i < s.size(); ++i) {
      const char c = s[i];
      if (c == '"') return ++i, true;
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (++i >= s.size()) return false;
      switch (s[i]) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          if (i + 4 >= s.size()) return false;
          unsigned v = 0;
          for (int k = 1; k <= 4; ++k) {
            const char h = s[i + k];
            if (!std::isxdigit(static_cast<unsigned char>(h))) return false;
            v = v * 16 + static_cast<unsigned>(std::isdigit(static_cast<unsigned char>(h)) ? h - '0' : (h | 0x20) - 'a' + 10);
          }
          i += 4;
          if (v < 0x80) out += static_cast<char>(v);
          else if (v < 0x800) out += static_cast<char>(0xc0 | (v >> 6)), out += static_cast<char>(0x80 | (v & 0x3f));
          else out += static_cast<char>(0xe0 | (v >> 12)), out += static_cast<char>(0x80 | ((v >> 6) & 0x3f)),
               out += static_cast<char>(0x80 | (v & 0x3f));
          break;
        }
        default: return false;
      }
    }
    return false;
  }
  bool value(Json& v, int depth) {
    if (depth > 64) return false;
    ws();
    if (i >= s.size()) return false;
    const char c = s[i];
    if (c == '{') {
      v.kind = Json::Kind::object;
      ++i, ws();
      if (i < s.size() && s[i] == '}') return ++i, true;
      while (true) {
        ws();
        std::string key;
        if (!str(key)) return false;
        ws();
        if (i >= s.size() || s[i] != ':') return false;
        ++i;
        Json member;
        if (!value(member, depth + 1)) return false;
        v.object.emplace_back(std::move(key), std::move(member));
        ws();
        if (i < s.size() && s[i] == ',') { ++i; continue; }
        if (i < s.size() && s[i] == '}') return ++i, true;
        return false;
      }
    }
    if (c == '[') {
      v.kind = Json::Kind::array;
      ++i, ws();
      if (i < s.size() && s[i] == ']') return ++i, true;
      while (true) {
        Json item;
        if (!value(item, depth + 1)) return false;
        v.array.push_back(std::move(item));
        ws();
        if (i < s.size() && s[i] == ',') { ++i; continue; }
        if (i < s.size() && s[i] == ']') return ++i, true;
        return false;
      }
    }
    if (c == '"') return v.kind = Json::Kind::string, str(v.string);
    if (lit("true")) return v.kind = Json::Kind::boolean, v.boolean = true, true;
    if (lit("false")) return v.kind = Json::Kind::boolean, true;
    if (lit("null")) return v.kind = Json::Kind::null, true;
    const std::size_t start = i;
    if (s[i] == '-') ++i;
    if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.' || s[i] == 'e' || s[i] == 'E' ||
                            s[i] == '+' || s[i] == '-'))
      ++i;
    v.kind = Json::Kind::number;
    try {
      v.number = std::stod(std::string(s.substr(start, i - start)));
    } catch (...) {
      return false;
    }
    return true;
  }
};
}  // namespace

std::optional<Json> parse_json(std::string_view text) {
  JsonReader r{text};
  Json v;
  if (!r.value(v, 0)) return std::nullopt;
  r.ws();
  if (r.i != text.size()) return std::nullopt;
  return v;
}

// ---------------------------------------------------------------------------------------------
// Proc

std::ostream& operator<<(std::ostream& os, const Result& r) {
  auto tail = [](const std::string& s) { return s.size() > 4000 ? "..." + s.substr(s.size() - 4000) : s; };
  return os << "exit " << r.exit << (r.signal ? " signal " + std::to_string(r.signal) : "")
            << (r.timed_out ? " TIMED OUT" : "") << " after " << r.seconds << " s\n--- stdout ---\n"
            << tail(r.out) << "\n--- stderr ---\n" << tail(r.err) << "\n";
}

Proc::~Proc() { stop(); }

::testing::AssertionResult Proc::start(const std::vector<std::string>& argv, const SpawnOptions& o) {
  stop();
  result_ = {};
  // Everything the child needs is built before fork(): only async-signal-safe calls after it.
  std::map<std::string, std::string> env;
  for (char** e = environ; *e; ++e) {
    const std::string kv = *e;
    const auto eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : o.env) {
    if (v) env[k] = *v;
    else env.erase(k);
  }
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp, args;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (auto& s : argv_copy) args.push_back(s.data());
  args.push_back(nullptr);
  const std::string cwd = o.cwd.string();

  int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1}, out_file = -1, err_file = -1, null_fd = -1;
  auto close_all = [&] {
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1], out_file, err_file, null_fd})
      if (fd >= 0) ::close(fd);
  };
  auto fail = [&](const char* what) {
    const int err = errno;
    close_all();
    return ::testing::AssertionFailure() << what << ": " << std::strerror(err);
  };
  if (o.stdout_file.empty()) {
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) return fail("pipe2");
  } else if ((out_file = ::open(o.stdout_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) < 0) {
    return fail("open stdout file");
  }
  if (o.stderr_pty) {
    if (::openpty(&err_pipe[0], &err_pipe[1], nullptr, nullptr, nullptr) != 0) return fail("openpty");
    ::fcntl(err_pipe[0], F_SETFD, FD_CLOEXEC);
    ::fcntl(err_pipe[1], F_SETFD, FD_CLOEXEC);
  } else if (o.stderr_file.empty()) {
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) return fail("pipe2");
  } else if ((err_file = ::open(o.stderr_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) < 0) {
    return fail("open stderr file");
  }
  if ((null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) return fail("open /dev/null");

  started_ = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) return fail("fork");
  if (pid == 0) {
    ::signal(SIGPIPE, SIG_DFL);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(126);
    ::dup2(null_fd, 0);
    ::dup2(out_file >= 0 ? out_file : out_pipe[1], 1);
    ::dup2(err_file >= 0 ? err_file : err_pipe[1], 2);
    ::execve(args[0], args.data(), envp.data());
    ::_exit(127);
  }
  pid_ = pid;
  out_fd_ = std::exchange(out_pipe[0], -1);
  err_fd_ = std::exchange(err_pipe[0], -1);
  close_all();  // the child's ends
  return ::testing::AssertionSuccess();
}

void Proc::read_available(int timeout_ms) {
  pollfd fds[2];
  std::string* sinks[2];
  int* owners[2];
  nfds_t n = 0;
  for (auto [fd, sink] : {std::pair{&out_fd_, &result_.out}, std::pair{&err_fd_, &result_.err}}) {
    if (*fd < 0) continue;
    fds[n] = {*fd, POLLIN, 0};
    sinks[n] = sink;
    owners[n] = fd;
    ++n;
  }
  if (n == 0) {
    if (timeout_ms > 0) ::poll(nullptr, 0, timeout_ms);
    return;
  }
  if (::poll(fds, n, timeout_ms) <= 0) return;
  for (nfds_t k = 0; k < n; ++k) {
    if (!fds[k].revents) continue;
    char buf[65536];
    const ssize_t got = ::read(fds[k].fd, buf, sizeof buf);
    if (got > 0) {
      sinks[k]->append(buf, static_cast<std::size_t>(got));
    } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {  // EOF, or EIO on a pty
      ::close(*owners[k]);
      *owners[k] = -1;
    }
  }
}

bool Proc::reap(bool block, std::chrono::steady_clock::time_point deadline) {
  while (pid_ > 0) {
    int st = 0;
    const pid_t r = ::waitpid(pid_, &st, WNOHANG);
    if (r == pid_ || (r < 0 && errno == ECHILD)) {
      if (r == pid_) {
        result_.exit = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        result_.signal = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
      }
      result_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
      pid_ = -1;
      // Whatever is still buffered in the pipes (nobody else holds their write ends).
      for (int i = 0; i < 1000 && (out_fd_ >= 0 || err_fd_ >= 0); ++i) read_available(0);
      for (int* fd : {&out_fd_, &err_fd_})
        if (*fd >= 0) ::close(*fd), *fd = -1;
      return true;
    }
    if (!block || std::chrono::steady_clock::now() >= deadline) return false;
    read_available(10);
  }
  return true;
}

bool Proc::pump_until(const std::function<bool()>& pred, Ms limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    const auto left = std::chrono::duration_cast<Ms>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) return false;
    if (out_fd_ < 0 && err_fd_ < 0 && pid_ > 0 && reap(false, deadline)) return pred();
    if (pid_ <= 0 && out_fd_ < 0 && err_fd_ < 0) return pred();
    read_available(static_cast<int>(std::min<long long>(left, 20)));
  }
  return true;
}

Result Proc::wait(Ms limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  if (!reap(true, deadline)) {
    result_.timed_out = true;
    kill(SIGKILL);
    reap(true, std::chrono::steady_clock::now() + 10s);
  }
  return result_;
}

void Proc::kill(int sig) {
  if (pid_ > 0) ::kill(pid_, sig);
}

void Proc::stop(Ms grace) {
  if (pid_ <= 0) return;
  kill(SIGTERM);
  if (!reap(true, std::chrono::steady_clock::now() + grace)) {
    kill(SIGKILL);
    reap(true, std::chrono::steady_clock::now() + 10s);
  }
}

Result run(const std::vector<std::string>& argv, const SpawnOptions& options, Ms limit) {
  Proc p;
  if (auto ok = p.start(argv, options); !ok) {
    ADD_FAILURE() << ok.message();
    return {};
  }
  return p.wait(limit);
}

::testing::AssertionResult exited(const Result& r, int code) {
  if (!r.timed_out && r.signal == 0 && r.exit == code) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "expected exit " << code << ", got " << r;
}

// ---------------------------------------------------------------------------------------------
// Rig

namespace {
std::uint16_t free_port() {
  const int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  std::uint16_t port = 0;
  if (::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  ::close(s);
  return port;
}

bool can_connect(std::uint16_t port) {
  const int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  const bool ok = ::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(s);
  return ok;
}
}  // namespace

::testing::AssertionResult Rig::start(RigOptions options) {
  char tmpl[] = "/tmp/sim7080-cli-XXXXXX";
  if (!::mkdtemp(tmpl)) return ::testing::AssertionFailure() << "mkdtemp: " << std::strerror(errno);
  root_ = tmpl;
  for (const char* d : {"server", "local", "modemfs"}) fs::create_directories(root_ / d);
  if (auto ok = start_server(); !ok) return ok;
  return restart_emulator(std::move(options));
}

::testing::AssertionResult Rig::start_server() {
  for (int attempt = 0; attempt < 3; ++attempt) {
    port_ = free_port();
    SpawnOptions o;
    o.stdout_file = o.stderr_file = root_ / "ftpd.log";
    auto ok = server_.start({"/usr/bin/python3", "-m", "pyftpdlib", "-i", "127.0.0.1", "-p", std::to_string(port_), "-w", "-d",
                             server_dir().string(), "-u", kUser, "-P", kPassword},
                            o);
    if (!ok) return ok;
    const bool up = server_.pump_until([&] { return can_connect(port_); }, 20s);
    if (up) return ::testing::AssertionSuccess();
    server_.stop();  // port taken meanwhile, or python too slow: try another port
  }
  return ::testing::AssertionFailure() << "pyftpdlib did not listen within 20 s; log:\n" << read_file(root_ / "ftpd.log");
}

::testing::AssertionResult Rig::restart_emulator(RigOptions options) {
  emu_.stop();
  const fs::path fs_root = root_ / "modemfs" / std::to_string(++emu_generation_);
  fs::create_directories(fs_root);
  std::vector<std::string> argv = {SIM7080_EMU_BINARY, "--fs-root", fs_root.string()};
  if (options.bearer_up) argv.push_back("--bearer-up");
  argv.insert(argv.end(), options.emu_args.begin(), options.emu_args.end());
  SpawnOptions o;
  o.stderr_file = root_ / ("emu-" + std::to_string(emu_generation_) + ".log");
  if (auto ok = emu_.start(argv, o); !ok) return ok;
  if (!emu_.pump_until([&] { return emu_.out().find('\n') != std::string::npos; }, 20s))
    return ::testing::AssertionFailure() << "sim7080-emu printed no pty path within 20 s:\n" << diagnostics();
  pty_ = emu_.out().substr(0, emu_.out().find('\n'));
  if (pty_.rfind("/dev/", 0) != 0) return ::testing::AssertionFailure() << "unexpected emulator line: " << pty_;
  return ::testing::AssertionSuccess();
}

void Rig::stop() {
  emu_.stop();
  server_.stop();
  if (!root_.empty() && !std::getenv("CLI_TEST_KEEP")) {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  root_.clear();
}

std::vector<std::string> Rig::argv(const Call& call) const {
  std::vector<std::string> a = {SIM7080_FTP_BINARY};
  if (call.globals) a.insert(a.end(), {"-d", pty_, "-s", "127.0.0.1", "-P", std::to_string(port_), "-u", kUser});
  a.insert(a.end(), call.args.begin(), call.args.end());
  return a;
}

SpawnOptions Rig::spawn_options(const Call& call) const {
  SpawnOptions o;
  o.env = {{"FTP_PASSWORD", kPassword}, {"SIM7080_DEVICE", std::nullopt}};
  for (const auto& [k, v] : call.env) o.env[k] = v;
  o.cwd = call.cwd.empty() ? local_dir() : call.cwd;
  o.stderr_pty = call.stderr_pty;
  return o;
}

Result Rig::ftp(std::vector<std::string> args, Call call) {
  call.args = std::move(args);
  return ftp(std::move(call));
}

Result Rig::ftp(Call call) { return run(argv(call), spawn_options(call), call.limit); }

std::string Rig::diagnostics() const {
  auto tail = [](std::string s) { return s.size() > 3000 ? "..." + s.substr(s.size() - 3000) : s; };
  std::string out = "--- emulator stderr (tail) ---\n";
  out += tail(read_file(root_ / ("emu-" + std::to_string(emu_generation_) + ".log")));
  out += "\n--- pyftpdlib log (tail) ---\n" + tail(read_file(root_ / "ftpd.log"));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Fixtures

std::unique_ptr<Rig> SharedRigTest::shared_;
::testing::AssertionResult SharedRigTest::started_ = ::testing::AssertionFailure() << "not started";

void SharedRigTest::SetUpTestSuite() {
  shared_ = std::make_unique<Rig>();
  started_ = shared_->start();
}

void SharedRigTest::TearDownTestSuite() { shared_.reset(); }

void SharedRigTest::SetUp() { ASSERT_TRUE(started_); }

void SharedRigTest::TearDown() {
  if (HasFailure() && shared_) std::cerr << shared_->diagnostics() << "\n";
}

void OwnRigTest::TearDown() {
  if (HasFailure()) std::cerr << rig.diagnostics() << "\n";
  rig.stop();
}

}  // namespace cli_test

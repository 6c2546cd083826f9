#include "bench_rig.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "asio/bind_cancellation_slot.hpp"
#include "asio/cancellation_signal.hpp"

extern char** environ;

namespace bench {

using namespace std::chrono_literals;

// ---------------------------------------------------------------------------------------------
// Methods

const char* Method::name() const {
  if (download) {
    switch (get) {
      case sim7080::GetMethod::get: return "get";
      case sim7080::GetMethod::extget: return "extget";
      case sim7080::GetMethod::etget: return "etget";
    }
  } else {
    switch (put) {
      case sim7080::PutMethod::put: return "put";
      case sim7080::PutMethod::extput: return "extput";
      case sim7080::PutMethod::etput: return "etput";
    }
  }
  return "?";
}

bool Method::extended() const {
  return download ? get == sim7080::GetMethod::extget : put == sim7080::PutMethod::extput;
}

std::size_t Method::nominal_chunk() const {
  // The library's constants: ChunkedReadFsm::kReadBytes, ExtGetFsm::kReadBytes, PutFsm's
  // <maxlength> (the emulator's default 1360), ExtPutFsm::kChunkBytes, EtPutFsm::kChunkBytes.
  if (download) {
    switch (get) {
      case sim7080::GetMethod::get: return 1460;
      case sim7080::GetMethod::extget: return 16384;
      case sim7080::GetMethod::etget: return 0;
    }
  } else {
    switch (put) {
      case sim7080::PutMethod::put: return 1360;
      case sim7080::PutMethod::extput: return 4096;
      case sim7080::PutMethod::etput: return 4096;
    }
  }
  return 0;
}

std::vector<Method> all_methods() {
  using sim7080::GetMethod;
  using sim7080::PutMethod;
  std::vector<Method> out;
  for (auto m : {GetMethod::get, GetMethod::extget, GetMethod::etget}) out.push_back({true, m, PutMethod::put});
  for (auto m : {PutMethod::put, PutMethod::extput, PutMethod::etput}) out.push_back({false, GetMethod::get, m});
  return out;
}

Method method_by_name(std::string_view name) {
  for (const auto& m : all_methods()) {
    if (name == m.name()) return m;
  }
  throw RigError("unknown method " + std::string(name));
}

// ---------------------------------------------------------------------------------------------
// Content

std::span<const std::byte> pattern() {
  static const std::vector<std::byte> block = [] {
    std::vector<std::byte> b(64 * 1024);
    std::uint64_t state = 0x5eed;
    for (std::size_t i = 0; i < b.size(); i += 8) {
      std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
      z ^= z >> 31;
      for (std::size_t k = 0; k < 8; ++k) b[i + k] = static_cast<std::byte>((z >> (8 * k)) & 0xff);
    }
    return b;
  }();
  return block;
}

void write_content_file(const fs::path& path, std::uint64_t n) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) throw RigError("cannot write " + path.string() + ": " + std::strerror(errno));
  const auto p = pattern();
  std::uint64_t left = n;
  while (left > 0) {
    const std::size_t k = static_cast<std::size_t>(std::min<std::uint64_t>(left, p.size()));
    if (std::fwrite(p.data(), 1, k, f) != k) {
      std::fclose(f);
      throw RigError("short write to " + path.string());
    }
    left -= k;
  }
  if (std::fclose(f) != 0) throw RigError("cannot close " + path.string());
}

bool check_content_file(const fs::path& path, std::uint64_t n) {
  std::error_code ec;
  if (fs::file_size(path, ec) != n || ec) return false;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  const auto p = pattern();
  std::vector<std::byte> buf(p.size());
  std::uint64_t left = n;
  bool ok = true;
  while (ok && left > 0) {
    const std::size_t k = static_cast<std::size_t>(std::min<std::uint64_t>(left, p.size()));
    ok = std::fread(buf.data(), 1, k, f) == k && std::memcmp(buf.data(), p.data(), k) == 0;
    left -= k;
  }
  std::fclose(f);
  return ok;
}

std::error_code PatternSource::read(std::span<std::byte> into, std::size_t& got) {
  const auto p = pattern();
  got = 0;
  while (got < into.size() && pos_ < size_) {
    const std::size_t at = static_cast<std::size_t>(pos_ % p.size());
    const std::size_t k = static_cast<std::size_t>(
        std::min<std::uint64_t>({into.size() - got, p.size() - at, size_ - pos_}));
    std::memcpy(into.data() + got, p.data() + at, k);
    got += k;
    pos_ += k;
  }
  return {};
}

std::error_code PatternSink::write(std::span<const std::byte> bytes) {
  const auto p = pattern();
  std::size_t done = 0;
  while (done < bytes.size()) {
    const std::size_t at = static_cast<std::size_t>(pos_ % p.size());
    const std::size_t k = std::min(bytes.size() - done, p.size() - at);
    if (std::memcmp(bytes.data() + done, p.data() + at, k) != 0) mismatch_ = true;
    done += k;
    pos_ += k;
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// WireMeter

void WireMeter::on_tx(std::span<const std::byte> bytes, Clock::time_point when) {
  tx_bytes += bytes.size();
  ++tx_chunks;
  // A command line is one write "AT...\r" (CommandChannel writes line + CR at once). The password
  // redactor may prepend up to 6 bytes it held back from the previous write, hence the slack.
  if (!bytes.empty() && bytes.back() == std::byte{'\r'} && bytes.size() <= 6 + 562) {
    const auto* c = reinterpret_cast<const char*>(bytes.data());
    const std::size_t look = std::min<std::size_t>(bytes.size() - 1, 7);
    for (std::size_t i = 0; i < look; ++i) {
      if ((c[i] == 'A' || c[i] == 'a') && (c[i + 1] == 'T' || c[i + 1] == 't')) {
        ++command_lines;
        break;
      }
    }
  }
  keep(false, bytes, when);
  if (last_was_rx_) {
    const auto gap = when - last_rx_;
    host_turnaround += gap;
    max_turnaround = std::max(max_turnaround, gap);
    ++reactions;
  }
  last_was_rx_ = false;
}

void WireMeter::on_rx(std::span<const std::byte> bytes, Clock::time_point when) {
  keep(true, bytes, when);
  rx_bytes += bytes.size();
  ++rx_chunks;
  last_was_rx_ = true;
  last_rx_ = when;
}

void WireMeter::reset() {
  auto kept = std::move(timeline_);
  const bool recording = recording_;
  *this = WireMeter{};
  timeline_ = std::move(kept);
  timeline_.clear();
  recording_ = recording;
}

void WireMeter::record_timeline(std::size_t max_chunks) {
  timeline_.clear();
  timeline_.reserve(max_chunks);
  recording_ = max_chunks > 0;
}

void WireMeter::keep(bool rx, std::span<const std::byte> bytes, Clock::time_point when) {
  if (!recording_ || timeline_.size() == timeline_.capacity()) return;
  Chunk c;
  c.when = when;
  c.rx = rx;
  c.size = static_cast<std::uint32_t>(bytes.size());
  std::memcpy(c.head, bytes.data(), std::min(bytes.size(), sizeof c.head - 1));
  timeline_.push_back(c);
}

namespace {

// "+FTPGET: 2,1460" for "\r\n+FTPGET: 2,1460\r\n<data>"; "(output continued)" for a chunk that
// does not start a line; "AT+FTPGET=2,1460" for a command line.
std::string chunk_label(const WireMeter::Chunk& c) {
  std::string_view h(c.head, ::strnlen(c.head, sizeof c.head));
  h = h.substr(0, std::min<std::size_t>(h.size(), c.size));
  if (c.rx) {
    if (h.rfind("\r\n", 0) != 0) return "(output continued)";
    h.remove_prefix(2);
  }
  const auto end = h.find_first_of("\r\n");
  const std::string_view line = h.substr(0, end);
  if (line.empty()) return c.rx ? "(output continued)" : "(data)";
  if (!c.rx && (line.size() < 2 || (line[0] != 'A' && line[0] != 'a'))) return "(data)";
  // Numbers of three digits or more (lengths, offsets) become N, so one cause is one line.
  std::string s;
  for (std::size_t i = 0; i < line.size();) {
    std::size_t j = i;
    while (j < line.size() && line[j] >= '0' && line[j] <= '9') ++j;
    if (j - i >= 3) {
      s += 'N';
      i = j;
    } else if (j > i) {
      s.append(line.substr(i, j - i));
      i = j;
    } else {
      s += line[i++];
    }
  }
  return s;
}

}  // namespace

std::vector<LossItem> loss_breakdown(const WireMeter& wire, Clock::time_point start, Clock::time_point end,
                                     unsigned baud, unsigned latency_ms) {
  std::vector<LossItem> items;
  auto add = [&](const std::string& cause, Clock::duration d) {
    for (auto& i : items) {
      if (i.cause == cause) {
        i.total += d;
        ++i.count;
        return;
      }
    }
    items.push_back({cause, d, 1});
  };
  const auto per_byte = std::chrono::duration<double>(baud ? 10.0 / baud : 0.0);
  const auto latency = std::chrono::milliseconds(latency_ms);
  Clock::time_point free = start;
  const WireMeter::Chunk* prev = nullptr;
  for (const auto& c : wire.timeline()) {
    const std::string label = chunk_label(c);
    const auto wire_time = std::chrono::duration_cast<Clock::duration>(per_byte * c.size);
    if (c.rx) {
      // The emulator writes a slice when its last byte has crossed the line: the chunk can
      // arrive at free + its wire time at the earliest, and the line is free when it arrived.
      // Negative gaps are kept: in a burst the host's late read of one slice shows up as an early
      // next one, and the sum over the burst is the real lateness (its last read's). A read
      // while the host's own bytes still occupy the line (free ahead) overlaps them: no idle time.
      if (c.when >= free) {
        add(label, c.when - (free + wire_time));
        free = c.when;
      }
      prev = &c;
      continue;
    }
    const auto gap = c.when - free;
    if (gap > Clock::duration::zero()) {
      if (!prev) {
        add("host: start of the operation, until its first command", gap);
      } else if (!prev->rx) {
        // One write at a time: the next starts when the pty took the previous one, i.e. when
        // the emulator read it (unpaced, nothing in the bound covers this time).
        add("pty: write after write (the emulator still reading the previous one)", gap);
      } else {
        add("host: turnaround before " + (label == "(data)" ? std::string("data") : label), gap);
      }
    }
    const bool command = label != "(data)";
    free = std::max(free, c.when) + wire_time + (command ? latency : Clock::duration::zero());
    prev = &c;
  }
  if (end > free) add("host: after the last output, until the completion handler", end - free);
  std::sort(items.begin(), items.end(), [](const LossItem& a, const LossItem& b) { return a.total > b.total; });
  return items;
}

// ---------------------------------------------------------------------------------------------
// Child

namespace {

std::vector<std::string> child_environment() {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    const std::string_view v(*e);
    if (v.rfind("LD_PRELOAD=", 0) == 0 || v.rfind("HEAPTRACK", 0) == 0 || v.rfind("DUMP_HEAPTRACK", 0) == 0) continue;
    env.emplace_back(v);
  }
  return env;
}

}  // namespace

void Child::spawn(const std::vector<std::string>& argv, const fs::path& stdout_to, const fs::path& stderr_to) {
  stop();
  int p[2] = {-1, -1};
  if (stdout_to.empty() && ::pipe2(p, O_CLOEXEC) != 0) throw RigError(std::string("pipe2: ") + std::strerror(errno));
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  if (stdout_to.empty()) {
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
  } else {
    posix_spawn_file_actions_addopen(&fa, 1, stdout_to.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  }
  const std::string err = stderr_to.empty() ? std::string("/dev/null") : stderr_to.string();
  posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  sigset_t dfl;
  sigemptyset(&dfl);
  sigaddset(&dfl, SIGTERM);
  sigaddset(&dfl, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &dfl);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  auto env_strings = child_environment();
  std::vector<char*> env;
  for (auto& e : env_strings) env.push_back(e.data());
  env.push_back(nullptr);
  const int rc = ::posix_spawn(&pid_, args[0], &fa, &attr, args.data(), env.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (p[1] >= 0) ::close(p[1]);
  if (rc != 0) {
    if (p[0] >= 0) ::close(p[0]);
    pid_ = -1;
    throw RigError("posix_spawn " + argv[0] + ": " + std::strerror(rc));
  }
  out_fd_ = p[0];
  pending_.clear();
  pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
}

std::string Child::read_line(Ms timeout) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    if (const auto nl = pending_.find('\n'); nl != std::string::npos) {
      std::string line = pending_.substr(0, nl);
      pending_.erase(0, nl + 1);
      return line;
    }
    const auto left = std::chrono::duration_cast<Ms>(deadline - Clock::now()).count();
    if (left <= 0 || out_fd_ < 0) throw RigError("no line from child within the deadline");
    pollfd pfd{out_fd_, POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>(left)) <= 0) continue;
    char buf[4096];
    const ssize_t r = ::read(out_fd_, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) throw RigError("child closed its stdout");
    pending_.append(buf, static_cast<std::size_t>(r));
  }
}

std::string Child::read_all(Ms timeout) {
  const auto deadline = Clock::now() + timeout;
  while (out_fd_ >= 0) {
    const auto left = std::chrono::duration_cast<Ms>(deadline - Clock::now()).count();
    if (left <= 0) throw RigError("child did not finish within the deadline");
    pollfd pfd{out_fd_, POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>(left)) <= 0) continue;
    char buf[4096];
    const ssize_t r = ::read(out_fd_, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    pending_.append(buf, static_cast<std::size_t>(r));
  }
  return std::exchange(pending_, {});
}

bool Child::wait_exit(Ms timeout, int* status) {
  if (pid_ <= 0) return true;
  const auto deadline = Clock::now() + timeout;
  while (true) {
    int st = 0;
    const pid_t r = ::waitpid(pid_, &st, WNOHANG);
    if (r == pid_ || (r < 0 && errno == ECHILD)) {
      if (status) *status = st;
      pid_ = -1;
      if (pidfd_ >= 0) ::close(pidfd_);
      pidfd_ = -1;
      if (out_fd_ >= 0) ::close(out_fd_);
      out_fd_ = -1;
      return true;
    }
    const auto left = std::chrono::duration_cast<Ms>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd pfd{pidfd_, POLLIN, 0};
    ::poll(&pfd, pidfd_ >= 0 ? 1 : 0, static_cast<int>(std::min<long long>(left, pidfd_ >= 0 ? left : 10)));
  }
}

void Child::stop(Ms grace) {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  if (!wait_exit(grace)) {
    ::kill(pid_, SIGKILL);
    wait_exit(10s);
  }
}

// ---------------------------------------------------------------------------------------------
// Rig

std::string Pacing::name() const {
  std::string s = baud ? std::to_string(baud) : std::string("unpaced");
  if (latency_ms) s += "+" + std::to_string(latency_ms) + "ms";
  return s;
}

namespace {

std::string read_text(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace

void Rig::start(const Pacing& pacing) {
  stop();
  char tmpl[] = "/tmp/sim7080-bench-XXXXXX";
  if (!::mkdtemp(tmpl)) throw RigError(std::string("mkdtemp: ") + std::strerror(errno));
  root_ = tmpl;
  fs::create_directories(server_root());
  fs::create_directories(local_dir());
  fs::create_directories(root_ / "modemfs");
  // The server's log goes to a file: a pipe nobody drains would stall it, a drain thread would
  // run in this process and blur its CPU figures.
  const fs::path log = root_ / "pyftpdlib.log";
  server_.spawn({"/usr/bin/python3", "-m", "pyftpdlib", "-i", "127.0.0.1", "-p", "0", "-w", "-d", server_root().string(),
                 "-u", kUser, "-P", kPassword},
                "/dev/null", log);
  static const std::regex started(R"(starting FTP server on 127\.0\.0\.1:(\d+))");
  const auto deadline = Clock::now() + 20s;
  std::smatch m;
  std::string text;
  while (true) {
    text = read_text(log);
    if (std::regex_search(text, m, started)) break;
    if (Clock::now() > deadline || !server_.running() || server_.wait_exit(0ms)) {
      throw RigError("pyftpdlib did not start within 20 s (needs /usr/bin/python3 -m pyftpdlib); log:\n" + text);
    }
    std::this_thread::sleep_for(10ms);  // start-up only, never inside a measurement
  }
  port_ = static_cast<std::uint16_t>(std::stoi(m[1].str()));
  restart_emulator(pacing);
}

void Rig::restart_emulator(const Pacing& pacing) {
  session.reset();
  if (modem) {
    modem->close();
    io.restart();
    io.poll();
    modem.reset();
  }
  emu_.stop();
  pacing_ = pacing;
  const fs::path fs_root = root_ / "modemfs" / std::to_string(++generation_);
  fs::create_directories(fs_root);
  emu_stderr_ = root_ / ("emu-" + std::to_string(generation_) + ".stderr");
  std::vector<std::string> argv = {SIM7080_EMU_BINARY, "--fs-root", fs_root.string(), "--bearer-up"};
  if (pacing.baud) {
    argv.push_back("--baud");
    argv.push_back(std::to_string(pacing.baud));
  }
  if (pacing.latency_ms) {
    argv.push_back("--latency-ms");
    argv.push_back(std::to_string(pacing.latency_ms));
  }
  if (const char* extra = std::getenv("BENCH_EMU_ARGS")) {  // e.g. "--record /tmp/x.at"
    std::istringstream ss(extra);
    for (std::string a; ss >> a;) argv.push_back(a);
  }
  emu_.spawn(argv, {}, emu_stderr_);
  const std::string pty = emu_.read_line(20s);
  if (pty.rfind("/dev/", 0) != 0) throw RigError("sim7080-emu printed " + pty + "; stderr:\n" + emulator_log());
  pty_ = pty;
  open_modem();
}

void Rig::open_modem() {
  modem = std::make_unique<sim7080::Modem>(io.get_executor());
  if (auto ec = modem->open(sim7080::SerialOptions{pty_})) {
    throw RigError("Modem::open(" + pty_ + "): " + ec.message());
  }
  modem->add_trace_sink(wire);
  sim7080::FtpConfig c;
  c.server = "127.0.0.1";
  c.port = port_;
  c.user = kUser;
  c.password = kPassword;
  c.passive = true;
  c.binary = true;
  c.cid = 0;
  c.session_timeout = 30s;
  session = std::make_unique<sim7080::FtpSession>(*modem, c);
  auto [ec, unused] = run<int>([&](auto h) { modem->async_initialize(std::move(h)); }, 30s, "async_initialize");
  (void)unused;
  if (ec) throw RigError("async_initialize: " + ec.message() + "\n" + emulator_log());
}

void Rig::stop() {
  session.reset();
  if (modem) {
    modem->close();
    io.restart();
    io.poll();
    modem.reset();
  }
  emu_.stop();
  server_.stop();
  if (!root_.empty()) {
    std::error_code ec;
    fs::remove_all(root_, ec);
    root_.clear();
  }
}

std::string Rig::emulator_log() const {
  std::string s = emu_stderr_.empty() ? std::string() : read_text(emu_stderr_);
  return s.size() > 3000 ? "..." + s.substr(s.size() - 3000) : s;
}

bool Rig::run_until(const std::function<bool()>& pred, Ms limit) {
  io.restart();
  const auto deadline = Clock::now() + limit;
  while (!pred()) {
    if (Clock::now() >= deadline) return false;
    if (io.run_one_until(deadline) == 0 && io.stopped()) {
      io.restart();
      return pred();
    }
  }
  return true;
}

template <class R, class Init>
std::pair<std::error_code, R> Rig::run(Init&& init, Ms limit, const char* what) {
  std::error_code ec;
  R value{};
  bool completed = false;
  asio::cancellation_signal signal;
  auto handler = [&](std::error_code e, auto... r) {
    ec = e;
    if constexpr (sizeof...(r) == 1) value = R(std::move(r)...);
    completed = true;
  };
  init(asio::bind_cancellation_slot(signal.slot(), handler));
  if (run_until([&] { return completed; }, limit)) return {ec, std::move(value)};
  signal.emit(asio::cancellation_type::terminal);
  if (!run_until([&] { return completed; }, 30s)) {
    if (modem) modem->close();
    if (!run_until([&] { return completed; }, 10s)) {
      std::fprintf(stderr, "bench: %s never completed, even after Modem::close(); aborting\n", what);
      std::abort();
    }
  }
  throw RigError(std::string(what) + " did not complete within " + std::to_string(limit.count()) + " ms\n" +
                 emulator_log());
}

sim7080::TransferResult Rig::get(const std::string& remote, sim7080::DownloadSink& sink, sim7080::GetMethod method,
                                 Ms limit) {
  sim7080::GetOptions o;
  o.method = method;
  auto [ec, r] = run<sim7080::TransferResult>(
      [&](auto h) { session->async_get(remote, sink, std::move(o), std::move(h)); }, limit, "async_get");
  if (ec) throw RigError("get " + remote + ": " + ec.message() + "\n" + emulator_log());
  return r;
}

sim7080::TransferResult Rig::put(sim7080::UploadSource& source, const std::string& remote, sim7080::PutMethod method,
                                 Ms limit) {
  sim7080::PutOptions o;
  o.method = method;
  auto [ec, r] = run<sim7080::TransferResult>(
      [&](auto h) { session->async_put(source, remote, std::move(o), std::move(h)); }, limit, "async_put");
  if (ec) throw RigError("put " + remote + ": " + ec.message() + "\n" + emulator_log());
  return r;
}

sim7080::TransferResult Rig::transfer(const Method& method, std::uint64_t bytes, Ms limit,
                                      const std::function<void()>& before, const std::function<void()>& after) {
  static unsigned counter = 0;
  // Fixed-width numbers: every transfer's remote name (and every command line holding it) has
  // the same length, so a longer name never shows up as an allocation difference between sizes.
  char numbers[32];
  std::snprintf(numbers, sizeof numbers, "-%010zu-%06u", static_cast<std::size_t>(bytes), ++counter);
  const std::string name = std::string(method.name()) + numbers + ".bin";
  const fs::path on_disk = server_root() / name;
  const std::string remote = "/" + name;  // built here: nothing of the rig allocates inside the window
  sim7080::TransferResult r;
  if (method.download) {
    write_content_file(on_disk, bytes);
    PatternSink sink;
    if (before) before();
    r = get(remote, sink, method.get, limit);
    if (after) after();
    if (sink.bytes() != bytes || !sink.matches() || r.bytes != bytes) {
      throw RigError(std::string(method.name()) + ": downloaded " + std::to_string(sink.bytes()) + " of " +
                     std::to_string(bytes) + " bytes" + (sink.matches() ? "" : ", content differs"));
    }
  } else {
    PatternSource source(bytes);
    if (before) before();
    r = put(source, remote, method.put, limit);
    if (after) after();
    if (r.bytes != bytes || !check_content_file(on_disk, bytes)) {
      throw RigError(std::string(method.name()) + ": the server's file is not the " + std::to_string(bytes) +
                     " bytes uploaded");
    }
  }
  std::error_code ignored;
  fs::remove(on_disk, ignored);
  return r;
}

// ---------------------------------------------------------------------------------------------
// Measuring

Clock::duration process_cpu_time(Clock::duration* user, Clock::duration* sys) {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  const auto us = [](const timeval& t) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::seconds(t.tv_sec) + std::chrono::microseconds(t.tv_usec));
  };
  if (user) *user = us(u.ru_utime);
  if (sys) *sys = us(u.ru_stime);
  return us(u.ru_utime) + us(u.ru_stime);
}

PeakRss peak_rss() {
  PeakRss r;
  rusage u{};
  if (::getrusage(RUSAGE_SELF, &u) == 0) r.ru_maxrss_kib = u.ru_maxrss;
  std::ifstream f("/proc/self/status");
  for (std::string line; std::getline(f, line);) {
    if (line.rfind("VmHWM:", 0) == 0) r.vm_hwm_kib = std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return r;
}

std::uint64_t env_bytes(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  char* end = nullptr;
  const double n = std::strtod(v, &end);
  std::string unit(end ? end : "");
  std::transform(unit.begin(), unit.end(), unit.begin(), [](unsigned char c) { return std::tolower(c); });
  double mult = 1;
  if (unit == "k" || unit == "kib" || unit == "kb") mult = 1024;
  else if (unit == "m" || unit == "mib" || unit == "mb") mult = 1024.0 * 1024;
  else if (unit == "g" || unit == "gib" || unit == "gb") mult = 1024.0 * 1024 * 1024;
  else if (!unit.empty()) throw RigError(std::string(name) + "=" + v + ": not a byte count");
  return static_cast<std::uint64_t>(n * mult);
}

unsigned env_unsigned(const char* name, unsigned fallback) {
  const char* v = std::getenv(name);
  return v && *v ? static_cast<unsigned>(std::strtoul(v, nullptr, 10)) : fallback;
}

std::string env_string(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

std::string machine_summary() {
  std::string model = "?";
  std::ifstream cpu("/proc/cpuinfo");
  for (std::string line; std::getline(cpu, line);) {
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  }
  std::string load = read_text("/proc/loadavg");
  if (!load.empty() && load.back() == '\n') load.pop_back();
  return "nproc " + std::to_string(std::thread::hardware_concurrency()) + ", CPU " + model + ", loadavg " + load;
}

std::FILE* summary_stream(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view a(argv[i]);
    if (a.rfind("--benchmark_format=", 0) == 0 && a != "--benchmark_format=console") return stderr;
  }
  return stdout;
}

bool take_flag(int& argc, char** argv, std::string_view flag) {
  bool found = false;
  int w = 1;
  for (int r = 1; r < argc; ++r) {
    if (argv[r] == flag) {
      found = true;
    } else {
      argv[w++] = argv[r];
    }
  }
  argc = w;
  argv[argc] = nullptr;
  return found;
}

}  // namespace bench

#pragma once
// Black-box tests of the sim7080-ftp binary: it runs as a child process against the sim7080-emu
// binary (an emulated SIM7080 on a pty) and a real pyftpdlib server. Every wait has a deadline
// and a child that overstays it is killed: a test fails, it never hangs.
#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cli_test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Ms = std::chrono::milliseconds;

inline constexpr const char* kUser = "user";
inline constexpr const char* kPassword = "Pw-9f3xq!secret";  // distinctive: searched for in logs

// ---------------------------------------------------------------------------------------------
// Bytes and files.

std::string sha256_hex(std::string_view data);
std::string read_file(const fs::path& path);  // "" when missing
void write_file(const fs::path& path, std::string_view data);
std::string random_bytes(std::size_t n, std::uint64_t seed);
std::vector<std::string> lines_of(const std::string& text);  // split at LF, CR dropped
/// `t` (seconds since the epoch, UTC) as YYYY-MM-DDTHH:MM:SSZ.
std::string iso8601(std::int64_t t);

// ---------------------------------------------------------------------------------------------
// A minimal JSON reader (enough to check that --json output is JSON and read its keys).

struct Json {
  enum class Kind { null, boolean, number, string, array, object } kind = Kind::null;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<Json> array;
  std::vector<std::pair<std::string, Json>> object;
  const Json* find(std::string_view key) const;
};
/// The whole of `text` as one JSON value (surrounding white space allowed), or nothing.
std::optional<Json> parse_json(std::string_view text);

// ---------------------------------------------------------------------------------------------
// Child processes.

struct SpawnOptions {
  std::map<std::string, std::optional<std::string>> env;  // set (value) or unset (nullopt)
  fs::path cwd;                 // "" = the test's cwd
  fs::path stdout_file;         // "" = a pipe read into Result::out
  fs::path stderr_file;         // "" = a pipe (or the pty) read into Result::err
  bool stderr_pty = false;      // stderr is a pseudo-terminal (isatty(2) holds in the child)
};

struct Result {
  int exit = -1;           // exit status; -1 when killed by a signal or not finished
  int signal = 0;          // the terminating signal, if any
  bool timed_out = false;  // the deadline passed and the child was killed
  double seconds = 0;      // wall time from spawn to exit
  std::string out, err;
};
std::ostream& operator<<(std::ostream& os, const Result& r);

class Proc {
 public:
  Proc() = default;
  ~Proc();
  Proc(const Proc&) = delete;
  Proc& operator=(const Proc&) = delete;

  ::testing::AssertionResult start(const std::vector<std::string>& argv, const SpawnOptions& options = {});
  /// Reads the child's output until `pred()` holds, the output ended, or `limit`; returns pred().
  bool pump_until(const std::function<bool()>& pred, Ms limit);
  /// Waits for the exit (reading output) for at most `limit`; then SIGKILL, and timed_out.
  Result wait(Ms limit);
  /// SIGTERM, then SIGKILL after `grace`; reaps. Idempotent.
  void stop(Ms grace = 3s);
  void kill(int sig);
  bool running() const { return pid_ > 0; }
  const std::string& out() const { return result_.out; }
  const std::string& err() const { return result_.err; }

 private:
  bool reap(bool block_until_deadline, std::chrono::steady_clock::time_point deadline);
  void read_available(int timeout_ms);
  pid_t pid_ = -1;
  int out_fd_ = -1, err_fd_ = -1;
  std::chrono::steady_clock::time_point started_;
  Result result_;
};

/// Runs argv to completion under a deadline.
Result run(const std::vector<std::string>& argv, const SpawnOptions& options = {}, Ms limit = 30s);

/// Success when `r` exited normally with `code`; otherwise the whole result as the message.
::testing::AssertionResult exited(const Result& r, int code);

// ---------------------------------------------------------------------------------------------
// The rig: a temp dir, pyftpdlib and the emulator; the CLI pointed at both.

struct RigOptions {
  std::vector<std::string> emu_args{};  // knobs, e.g. {"--drop-after-bytes", "5000"}
  bool bearer_up = true;              // pass --bearer-up
};

/// Options of one sim7080-ftp run.
struct Call {
  std::vector<std::string> args{};   // after the default globals
  bool globals = true;               // prepend -d PTY -s 127.0.0.1 -P PORT -u user
  std::map<std::string, std::optional<std::string>> env{};  // FTP_PASSWORD is set unless overridden
  fs::path cwd{};                    // default: local_dir()
  bool stderr_pty = false;
  Ms limit = 30s;
};

class Rig {
 public:
  Rig() = default;
  ~Rig() { stop(); }
  Rig(const Rig&) = delete;
  Rig& operator=(const Rig&) = delete;

  ::testing::AssertionResult start(RigOptions options = {});
  ::testing::AssertionResult restart_emulator(RigOptions options);
  void stop();

  const fs::path& root() const { return root_; }
  fs::path server_dir() const { return root_ / "server"; }
  fs::path local_dir() const { return root_ / "local"; }
  const std::string& pty() const { return pty_; }
  std::uint16_t port() const { return port_; }
  Proc& emulator() { return emu_; }

  std::vector<std::string> argv(const Call& call) const;
  SpawnOptions spawn_options(const Call& call) const;
  /// Runs sim7080-ftp with the default globals and `args`.
  Result ftp(std::vector<std::string> args, Call call = {});
  Result ftp(Call call);
  /// Server log and emulator stderr tails, for failure messages.
  std::string diagnostics() const;

 private:
  ::testing::AssertionResult start_server();
  fs::path root_;
  Proc server_, emu_;
  std::uint16_t port_ = 0;
  std::string pty_;
  int emu_generation_ = 0;
};

/// All tests of a suite share one rig (default knobs), started in SetUpTestSuite.
class SharedRigTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override;
  void TearDown() override;
  static Rig& rig() { return *shared_; }

 private:
  static std::unique_ptr<Rig> shared_;
  static ::testing::AssertionResult started_;
};

/// A test with its own rig (special emulator knobs).
class OwnRigTest : public ::testing::Test {
 protected:
  void TearDown() override;
  Rig rig;
};

}  // namespace cli_test

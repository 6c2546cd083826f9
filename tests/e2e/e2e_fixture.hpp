#pragma once
// End-to-end fixture: a real pyftpdlib server, the sim7080-emu binary on its pseudo-terminal,
// and the library's Modem (real serial transport) + FtpSession driven by an io_context.
// Every wait has a deadline: a test fails, it never hangs. Nothing sleeps to synchronise.
#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <vector>

#include "asio/bind_cancellation_slot.hpp"
#include "asio/cancellation_signal.hpp"
#include "asio/io_context.hpp"
#include "sim7080/ftp_session.hpp"
#include "sim7080/modem.hpp"
#include "sim7080/trace.hpp"

namespace e2e {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Ms = std::chrono::milliseconds;

// ---------------------------------------------------------------------------------------------
// Bytes, files, hashes, contents.

/// SHA-256 (FIPS 180-4) of `data`, lower-case hex. Checked against the standard vectors.
std::string sha256_hex(std::string_view data);
/// SHA-256 of a file's bytes ("<missing>" when it cannot be read).
std::string sha256_file(const fs::path& path);

std::string read_file(const fs::path& path);
void write_file(const fs::path& path, std::string_view data);
std::string as_string(const std::vector<std::byte>& bytes);
std::span<const std::byte> as_bytes(std::string_view s);

/// The payload kinds of the transfer matrix: each one is hostile to a framing layer.
enum class Content { crlf, ok_lines, ftpget_urc, etx_dle, nul_ff, random };
inline constexpr Content kAllContents[] = {Content::crlf,   Content::ok_lines, Content::ftpget_urc,
                                           Content::etx_dle, Content::nul_ff,   Content::random};
const char* name(Content c);
/// `n` deterministic bytes of kind `c` (seeded; the same arguments give the same bytes).
std::string make_content(Content c, std::size_t n, std::uint64_t seed = 1);

const char* name(sim7080::GetMethod m);
const char* name(sim7080::PutMethod m);

// ---------------------------------------------------------------------------------------------
// Child processes.

/// Output captured from a child's pipe by a drain thread, waitable with a deadline.
class OutputCapture {
 public:
  OutputCapture() = default;
  ~OutputCapture();
  OutputCapture(const OutputCapture&) = delete;
  OutputCapture& operator=(const OutputCapture&) = delete;
  /// Starts draining `fd` (takes ownership) until end of file.
  void start(int fd);
  /// Waits until `pred(text)` holds or the capture hit end of file or the deadline; returns pred.
  bool wait_for(const std::function<bool(const std::string&)>& pred, Ms timeout);
  std::string text() const;
  void join();

 private:
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::string text_;
  bool eof_ = false;
  std::thread thread_;
};

/// A spawned child (posix_spawn): stdin from /dev/null, one stream captured through a pipe, the
/// other to a file. Exits are awaited through a pidfd (poll with a deadline), never by sleeping.
class Child {
 public:
  enum class Capture { stdout_, stderr_ };
  Child() = default;
  ~Child() { stop(); }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  /// Spawns argv; `capture` goes to output(), the other stream to `other_to` ("" = /dev/null).
  ::testing::AssertionResult spawn(const std::vector<std::string>& argv, Capture capture, const fs::path& other_to);
  /// SIGTERM, wait up to `grace`, then SIGKILL; reaps the child. Idempotent.
  void stop(Ms grace = 3s);
  /// True once the child exited (reaps it), waiting at most `timeout`.
  bool wait_exit(Ms timeout);
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  OutputCapture& output() { return output_; }

 private:
  pid_t pid_ = -1;
  int pidfd_ = -1;
  OutputCapture output_;
};

/// `python3 -m pyftpdlib` on 127.0.0.1, port chosen by the kernel (read back from its log).
class FtpServer {
 public:
  ::testing::AssertionResult start(const fs::path& root, const std::string& user, const std::string& password);
  void stop() { child_.stop(); }
  bool running() const { return child_.running(); }
  std::uint16_t port() const { return port_; }
  const fs::path& root() const { return root_; }
  std::string log() { return child_.output().text(); }

 private:
  Child child_;
  fs::path root_;
  std::uint16_t port_ = 0;
};

/// The sim7080-emu binary; its first stdout line is the slave pty path.
class Emulator {
 public:
  ::testing::AssertionResult start(const std::vector<std::string>& args, const fs::path& work_dir);
  void stop() { child_.stop(); }
  bool running() const { return child_.running(); }
  const std::string& pty() const { return pty_; }
  /// The emulator's stderr so far (diagnostics; pass "-v" in the args for details).
  std::string log() const;
  const std::vector<std::string>& args() const { return args_; }

 private:
  Child child_;
  std::string pty_;
  fs::path stderr_file_;
  std::vector<std::string> args_;
};

// ---------------------------------------------------------------------------------------------
// Trace sinks used by the tests.

/// Counts the host's bytes on the wire and, while `capture` is set, keeps both directions.
class WireTap final : public sim7080::TraceSink {
 public:
  void on_tx(std::span<const std::byte> bytes, std::chrono::steady_clock::time_point) override;
  void on_rx(std::span<const std::byte> bytes, std::chrono::steady_clock::time_point) override;
  void on_event(std::string_view text, std::chrono::steady_clock::time_point) override;
  void clear() { tx.clear(); rx.clear(); events.clear(); }
  bool capture = false;
  std::uint64_t tx_bytes = 0;
  std::uint64_t rx_bytes = 0;
  std::string tx, rx;
  std::vector<std::string> events;
};

// ---------------------------------------------------------------------------------------------
// The whole rig.

inline constexpr const char* kUser = "user";
inline constexpr const char* kPassword = "secret";

struct EnvOptions {
  std::vector<std::string> emu_args;  ///< knobs, e.g. {"--fragment", "7"}
  bool bearer_up = true;              ///< pass --bearer-up
  bool initialize = true;             ///< run Modem::async_initialize after open
  std::string server_password = kPassword;  ///< what pyftpdlib accepts
  std::string client_password = kPassword;  ///< what FtpConfig carries
  bool passive = true;
  Ms session_timeout = 20s;           ///< FtpConfig::session_timeout (a bound on failing cases)
};

/// Outcome of an asynchronous operation run under a deadline.
template <class... R>
struct Outcome {
  std::error_code ec;
  std::tuple<R...> values;
  bool completed = false;
  template <std::size_t I = 0>
  const auto& value() const { return std::get<I>(values); }
};

class Env {
 public:
  Env() = default;
  ~Env();
  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;

  /// Temp dir, server, emulator, modem (opened on the pty) and session.
  ::testing::AssertionResult start(EnvOptions options = {});
  /// Replaces the emulator (new knobs) and reopens the modem on it; server and files stay.
  ::testing::AssertionResult restart_emulator(std::vector<std::string> emu_args, bool bearer_up = true,
                                              bool initialize = true);
  /// Closes the modem, kills the children, removes the temp dir. Idempotent.
  void stop();

  fs::path server_root() const { return server.root(); }
  fs::path local_dir() const { return root_ / "local"; }
  sim7080::FtpConfig ftp_config() const;

  /// Runs `init(handler)` then the io_context until the handler ran or `limit` passed. On
  /// timeout the test fails, the operation is cancelled (terminal) and, failing that, the modem
  /// is closed, so no handler outlives the call.
  template <class... R, class Init>
  Outcome<R...> run(Init&& init, Ms limit = 60s) {
    Outcome<R...> out;
    asio::cancellation_signal signal;
    current_signal_ = &signal;
    init(asio::bind_cancellation_slot(signal.slot(), [&out](std::error_code ec, R... r) {
      out.ec = ec;
      out.values = std::tuple<R...>(std::move(r)...);
      out.completed = true;
    }));
    drive([&] { return out.completed; }, limit, signal);
    current_signal_ = nullptr;
    if (!out.completed) out.ec = std::make_error_code(std::errc::timed_out);
    return out;
  }
  /// Emits a terminal cancellation on the operation run() is waiting for.
  void cancel_current();
  /// Runs the io_context until `pred()` or the deadline; false on timeout (does not fail).
  bool run_until(const std::function<bool()>& pred, Ms limit);

  // Shorthands over run().
  std::error_code initialize(Ms limit = 30s);
  Outcome<sim7080::TransferResult> get(const std::string& remote, sim7080::DownloadSink& sink,
                                       sim7080::GetOptions opts = {}, Ms limit = 60s);
  Outcome<sim7080::TransferResult> put(sim7080::UploadSource& source, const std::string& remote,
                                       sim7080::PutOptions opts = {}, Ms limit = 60s);
  Outcome<std::vector<sim7080::ListEntry>> list(const std::string& remote, Ms limit = 30s);
  Outcome<std::uint64_t> size(const std::string& remote, Ms limit = 30s);
  Outcome<std::chrono::sys_seconds> mdtm(const std::string& remote, Ms limit = 30s);
  std::error_code simple(sim7080::FtpSession::SimpleOp op, const std::string& remote, Ms limit = 30s);
  std::error_code rename(const std::string& from, const std::string& to, Ms limit = 30s);
  Outcome<sim7080::FtpState> state(Ms limit = 30s);

  /// Downloads `remote` into memory and checks success; returns the bytes.
  std::string fetch(const std::string& remote, sim7080::GetMethod method = sim7080::GetMethod::get);

  /// What went wrong, for failure messages: emulator stderr tail and server log tail.
  std::string diagnostics() const;

  EnvOptions options;
  FtpServer server;
  Emulator emu;
  asio::io_context io;
  WireTap wire;
  std::unique_ptr<sim7080::Modem> modem;
  std::unique_ptr<sim7080::FtpSession> session;

 private:
  ::testing::AssertionResult open_modem();
  void drive(const std::function<bool()>& done, Ms limit, asio::cancellation_signal& signal);
  fs::path root_;
  asio::cancellation_signal* current_signal_ = nullptr;
  std::unique_ptr<sim7080::TraceSink> stderr_trace_;  // E2E_TRACE=1
  int emu_generation_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Table-driven transfers.

/// One transfer of `size` bytes of `content`, a download (get) or an upload (put).
struct Transfer {
  bool download = true;
  sim7080::GetMethod get = sim7080::GetMethod::get;
  sim7080::PutMethod put = sim7080::PutMethod::put;
  Content content = Content::random;
  std::size_t size = 0;
};
std::string describe(const Transfer& t);
inline void PrintTo(const Transfer& t, std::ostream* os) { *os << describe(t); }
inline void PrintTo(Content c, std::ostream* os) { *os << name(c); }
/// The six methods (three downloads, three uploads) with the same content and size.
std::vector<Transfer> all_methods(Content content, std::size_t size);
/// Runs `t` and checks the bytes: a download from a file put on the server's disk into a
/// MemorySink, an upload from a MemorySource compared on the server's disk. `tag` makes the
/// remote name unique.
void check_transfer(Env& e, const Transfer& t, const std::string& tag);
/// ls, size, mdtm, mkdir, rename, rm, rmdir under `dir`, each checked against the disk.
void check_remote_ops(Env& e, const std::string& dir);

/// A fixture whose Env starts lazily with per-test options.
class E2eTest : public ::testing::Test {
 protected:
  void TearDown() override;
  /// Starts the environment (once per test); asserts inside the caller with ASSERT_TRUE.
  ::testing::AssertionResult start(EnvOptions options = {});
  Env env;
};

/// A fixture sharing one Env (default knobs) by all tests of a suite: SetUpTestSuite starts it.
/// ctest runs every test in its own process, so sharing pays off when the binary runs directly;
/// the matrix groups its sizes inside each test for the ctest case.
class SharedEnvTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override;
  void TearDown() override;
  static Env& env() { return *shared_; }
  static std::unique_ptr<Env> shared_;
  static ::testing::AssertionResult started_;
};

}  // namespace e2e

// gtest value printers for the library's enums (found by ADL, so in their namespace).
namespace sim7080 {
inline void PrintTo(GetMethod m, std::ostream* os) { *os << e2e::name(m); }
inline void PrintTo(PutMethod m, std::ostream* os) { *os << e2e::name(m); }
}  // namespace sim7080

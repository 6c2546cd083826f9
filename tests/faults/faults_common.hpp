#pragma once
// Shared pieces of the fault-injection suite: a trace sink that records where each host read
// ended, a download sink that keeps what was delivered besides writing the file, one transfer
// of any method with all its evidence, the checks every failing case shares, and a hostile FTP
// server (hostile_ftpd.py) for listings.
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "e2e_fixture.hpp"

namespace faults {

using namespace e2e;
using sim7080::AtErrc;
using sim7080::Condition;
using sim7080::FtpErrc;
using sim7080::GetMethod;
using sim7080::PutMethod;
using sim7080::TransportErrc;

/// Where each host read ended (offsets into the received stream) and, for each command line the
/// host wrote that starts with `marker`, how many bytes it had received by then.
/// The trace sees received bytes after the password redactor, which holds back the end of a read
/// that could begin `+FTPPW` (at most 6 bytes) until the next read: read_boundary() allows for it.
class ReadLog final : public sim7080::TraceSink {
 public:
  void on_tx(std::span<const std::byte> bytes, std::chrono::steady_clock::time_point) override;
  void on_rx(std::span<const std::byte> bytes, std::chrono::steady_clock::time_point) override;
  void on_event(std::string_view, std::chrono::steady_clock::time_point) override {}

  /// Whether a host read ended exactly at `offset` of the received stream.
  bool read_boundary(std::uint64_t offset) const;

  std::string marker;                 ///< e.g. "AT+FTPGET=1\r"
  std::vector<std::uint64_t> marks;   ///< rx offsets at which a marked command was written
  std::string rx;                     ///< everything received
  std::uint64_t reads = 0;

 private:
  std::set<std::uint64_t> ends_;      ///< rx offsets at which a trace delivery ended
};

/// A FileSink that also keeps every byte delivered and what the session did with the sink.
class TeeSink final : public sim7080::DownloadSink {
 public:
  explicit TeeSink(fs::path path) : file_(path), path_(std::move(path)) {}
  std::error_code begin() override;
  std::error_code write(std::span<const std::byte> bytes) override;
  std::error_code commit() override;
  void abandon() override;

  const fs::path& path() const { return path_; }
  std::string delivered;
  bool committed = false;
  bool abandoned = false;

 private:
  sim7080::FileSink file_;
  fs::path path_;
};

/// What one transfer did.
struct Attempt {
  std::error_code ec;
  sim7080::TransferResult result;
  bool completed = false;
  std::string delivered;  ///< downloads: bytes handed to the sink
  bool committed = false, abandoned = false;
  fs::path local;         ///< downloads: the FileSink's target
  std::string remote;     ///< "/<name>"
  std::chrono::steady_clock::duration took{};
};

/// Runs `t` once with `data`: a download of `data` (written on the server first) into a TeeSink
/// (FileSink) under the local directory, or an upload of `data` from memory. `on_progress` is
/// passed to the options (e.g. to kill the emulator mid-transfer).
Attempt run_transfer(Env& env, const Transfer& t, const std::string& remote, const std::string& data,
                     std::function<void(const sim7080::Progress&)> on_progress = {}, Ms limit = 60s);

/// The checks of every failed download: the sink was abandoned and not committed, neither the
/// file nor its .part exists, and the bytes delivered are a prefix of the real content
/// (nothing beyond what the module validly sent). For uploads: the result carries no error-free
/// completion (only `ec` matters). Adds failures to the current test.
/// `valid` is the content the delivered bytes must be a prefix of (default: `data`).
void expect_nothing_complete(const Attempt& a, const Transfer& t, const std::string& data,
                             const std::string* valid = nullptr);

/// The method's name: get, extget, etget, put, extput, etput.
std::string method_name(const Transfer& t);

/// Counts of `needle` in `hay`.
std::size_t count_of(std::string_view hay, std::string_view needle);

/// Brings the bearer up (a reboot takes it down); asserts inside the caller.
::testing::AssertionResult bearer_up(Env& env);

/// hostile_ftpd.py: a pyftpdlib server on 127.0.0.1 (kernel-chosen port) whose LIST of a
/// directory holding `.listing` sends that file's bytes verbatim.
class HostileServer {
 public:
  ::testing::AssertionResult start(const fs::path& root, const std::string& user, const std::string& password);
  void stop() { child_.stop(); }
  std::uint16_t port() const { return port_; }
  std::string log() { return child_.output().text(); }

 private:
  Child child_;
  std::uint16_t port_ = 0;
};

}  // namespace faults

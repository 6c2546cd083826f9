#pragma once
// The rig of the end-to-end benchmarks: a pyftpdlib server, the sim7080-emu binary on its
// pseudo-terminal, and the library's Modem (real serial transport) + FtpSession on an
// io_context run by the calling thread. Adapted from tests/e2e/e2e_fixture.* without gtest.
//
// What the rig keeps out of the measurements: it starts no threads (the server's log goes to a
// file, the emulator's pty path is read once from a pipe), the upload source and the download
// sink move bytes with memcpy/memcmp from one 64 KiB pattern (no allocation, no hashing), and
// the wire meter only adds counters.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "asio/io_context.hpp"
#include "sim7080/ftp_session.hpp"
#include "sim7080/modem.hpp"
#include "sim7080/trace.hpp"
#include "sim7080/transfer_io.hpp"

namespace bench {

namespace fs = std::filesystem;
using Ms = std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

/// Thrown by the rig; benchmarks turn it into SkipWithError.
struct RigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// ---------------------------------------------------------------------------------------------
// Methods

/// One of the six transfer methods.
struct Method {
  bool download = true;
  sim7080::GetMethod get = sim7080::GetMethod::get;
  sim7080::PutMethod put = sim7080::PutMethod::put;
  const char* name() const;
  bool extended() const;  ///< extget / extput: the module's RAM caps one transfer at 300 000 bytes
  /// The method's unit of transfer ("chunk") in bytes, as the library uses it; 0 for etget,
  /// whose chunks are the serial reads of the stream (counted by the WireMeter instead).
  std::size_t nominal_chunk() const;
};
/// get, extget, etget, put, extput, etput.
std::vector<Method> all_methods();
/// "get" ... "etput" → Method; throws RigError for anything else.
Method method_by_name(std::string_view name);

// ---------------------------------------------------------------------------------------------
// Content

/// The bytes of every benchmark file: a 64 KiB block of splitmix64 output repeated, so
/// payloads contain CR, LF, '+', DLE and ETX like any binary file.
std::span<const std::byte> pattern();
/// Byte `offset` of the content.
inline std::byte content_at(std::uint64_t offset) { return pattern()[offset % pattern().size()]; }
/// Writes `n` content bytes to `path` (in 64 KiB writes: no memory proportional to n).
void write_content_file(const fs::path& path, std::uint64_t n);
/// True when `path` holds exactly the first `n` content bytes.
bool check_content_file(const fs::path& path, std::uint64_t n);

/// Uploads the first `n` content bytes.
class PatternSource final : public sim7080::UploadSource {
 public:
  explicit PatternSource(std::uint64_t n) : size_(n) {}
  std::error_code read(std::span<std::byte> into, std::size_t& got) override;
  std::optional<std::uint64_t> size() const override { return size_; }

 private:
  std::uint64_t size_;
  std::uint64_t pos_ = 0;
};

/// Takes a download, compares it with the content as it arrives (memcmp), keeps nothing.
class PatternSink final : public sim7080::DownloadSink {
 public:
  std::error_code begin() override {
    pos_ = 0;
    mismatch_ = false;
    return {};
  }
  std::error_code write(std::span<const std::byte> bytes) override;
  std::uint64_t bytes() const noexcept { return pos_; }
  bool matches() const noexcept { return !mismatch_; }

 private:
  std::uint64_t pos_ = 0;
  bool mismatch_ = false;
};

// ---------------------------------------------------------------------------------------------
// The wire meter

/// Counts what crossed the serial line, as the Modem's TraceSink. Also measures the host's own
/// turnaround: for every write that directly follows a read (a command or data sent in reaction
/// to the modem's output), the time from that read's completion to the write's start.
class WireMeter final : public sim7080::TraceSink {
 public:
  void on_tx(std::span<const std::byte> bytes, Clock::time_point when) override;
  void on_rx(std::span<const std::byte> bytes, Clock::time_point when) override;
  void on_event(std::string_view, Clock::time_point) override {}
  void reset();

  std::uint64_t rx_bytes = 0;
  std::uint64_t tx_bytes = 0;
  std::uint64_t rx_chunks = 0;      ///< read completions
  std::uint64_t tx_chunks = 0;      ///< writes started
  std::uint64_t command_lines = 0;  ///< writes that are an AT command line (each costs the emulator's latency)
  std::uint64_t reactions = 0;      ///< writes that directly followed a read
  Clock::duration host_turnaround{}; ///< sum over reactions of (write start - read completion)
  Clock::duration max_turnaround{};

  /// The counters above, without the timeline.
  struct Counts {
    std::uint64_t rx_bytes = 0, tx_bytes = 0, rx_chunks = 0, tx_chunks = 0, command_lines = 0, reactions = 0;
    Clock::duration host_turnaround{}, max_turnaround{};
  };
  Counts counts() const {
    return {rx_bytes, tx_bytes, rx_chunks, tx_chunks, command_lines, reactions, host_turnaround, max_turnaround};
  }

  /// With record_timeline(n), the first n chunks are also kept (time, direction, size, first
  /// bytes) for loss_breakdown(); the storage is reserved up front, so recording never allocates.
  struct Chunk {
    Clock::time_point when;
    bool rx = false;
    std::uint32_t size = 0;
    char head[31] = {};
  };
  void record_timeline(std::size_t max_chunks);
  const std::vector<Chunk>& timeline() const { return timeline_; }

 private:
  bool recording_ = false;
  std::vector<Chunk> timeline_;
  void keep(bool rx, std::span<const std::byte> bytes, Clock::time_point when);
  bool last_was_rx_ = false;
  Clock::time_point last_rx_{};
};

/// Where the time beyond the bound went, from a WireMeter timeline. The link is modelled as the
/// emulator paces it: a host write of n bytes occupies it for n x 10 / baud from when it starts
/// (or from when the line is free), plus, for a command line, the latency; the emulator writes
/// each output slice of n bytes when its last byte has crossed the line, so a read can arrive at
/// (line free) + n x 10 / baud at the earliest, and the line is free again when it arrived. Each
/// chunk that arrives later than that adds the difference to a cause:
///   - a read: the emulator's output came late (its wake-up and work, the pty's round trip, the
///     host's wake-up). Keyed by the first line of the chunk ("+FTPGET: 1,1", "OK", ...) or
///     "(output continued)" for the rest of a paced burst (there the host's late read of one
///     slice shows up as an early next one: those negative gaps are kept, so a burst counts
///     only the lateness of its last read);
///   - a write after a read: the link waited for the host ("host: ..."), as did the operation's
///     start (before the first write) and its end (after the last read, until the handler ran);
///   - a write after a write: the previous write was still draining into the emulator ("pty:
///     ..."; the channel keeps one write in flight).
/// Host wake-up latency for a read is not visible from the host's own timestamps and counts on
/// the read's side. The items add up to wall - bound (less any overlap the model cannot see).
struct LossItem {
  std::string cause;
  Clock::duration total{};
  std::uint64_t count = 0;
};
std::vector<LossItem> loss_breakdown(const WireMeter& wire, Clock::time_point start, Clock::time_point end,
                                     unsigned baud, unsigned latency_ms);

// ---------------------------------------------------------------------------------------------
// Child processes

/// A child started with posix_spawn: stdin from /dev/null, stdout to a pipe (read with
/// read_line) or a file, stderr to a file. LD_PRELOAD and heaptrack's variables are not passed
/// on, so profiling the benchmark does not profile the server and the emulator too.
class Child {
 public:
  Child() = default;
  ~Child() { stop(); }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  /// stdout_to empty: stdout is a pipe for read_line()/read_all().
  void spawn(const std::vector<std::string>& argv, const fs::path& stdout_to, const fs::path& stderr_to);
  /// The next line of stdout (without '\n'), waiting at most `timeout`; throws on timeout/EOF.
  std::string read_line(Ms timeout);
  /// All of stdout until EOF (the child exited), waiting at most `timeout`.
  std::string read_all(Ms timeout);
  /// SIGTERM, up to `grace`, then SIGKILL; reaps. Idempotent.
  void stop(Ms grace = Ms{3000});
  /// Reaps the child if it exited within `timeout`; its wait status in *status.
  bool wait_exit(Ms timeout, int* status = nullptr);
  bool running() const { return pid_ > 0; }

 private:
  pid_t pid_ = -1;
  int pidfd_ = -1;
  int out_fd_ = -1;
  std::string pending_;
};

// ---------------------------------------------------------------------------------------------
// The rig

inline constexpr const char* kUser = "user";
inline constexpr const char* kPassword = "secret";

/// The emulator's pacing knobs.
struct Pacing {
  unsigned baud = 0;        ///< --baud N; 0 = unpaced
  unsigned latency_ms = 0;  ///< --latency-ms N
  std::string name() const; ///< "115200", "921600", "unpaced+1ms"
  bool operator==(const Pacing&) const = default;
};

class Rig {
 public:
  Rig() = default;
  ~Rig() { stop(); }
  Rig(const Rig&) = delete;
  Rig& operator=(const Rig&) = delete;

  /// Temp dir, server, emulator with `pacing`, modem (opened, initialised), session.
  void start(const Pacing& pacing);
  /// A new emulator (and modem) with other knobs; server and files stay.
  void restart_emulator(const Pacing& pacing);
  void stop();
  bool started() const { return modem != nullptr; }
  const Pacing& pacing() const { return pacing_; }

  fs::path server_root() const { return root_ / "server"; }
  fs::path local_dir() const { return root_ / "local"; }
  /// The emulator's stderr so far (for error messages).
  std::string emulator_log() const;

  /// Downloads `remote` ("/name") into `sink`; throws RigError on failure or after `limit`.
  sim7080::TransferResult get(const std::string& remote, sim7080::DownloadSink& sink, sim7080::GetMethod method,
                              Ms limit);
  /// Uploads `source` to `remote`; throws RigError on failure or after `limit`.
  sim7080::TransferResult put(sim7080::UploadSource& source, const std::string& remote, sim7080::PutMethod method,
                              Ms limit);
  /// Runs `method` once over `bytes` bytes: a download of a server file written beforehand into
  /// a PatternSink, or an upload from a PatternSource; checks the bytes either way. `before`
  /// runs just before the operation starts (after the file was prepared), `after` as soon as it
  /// completed (before the check): take the measurements there.
  sim7080::TransferResult transfer(const Method& method, std::uint64_t bytes, Ms limit,
                                   const std::function<void()>& before = {},
                                   const std::function<void()>& after = {});

  asio::io_context io;
  WireMeter wire;
  std::unique_ptr<sim7080::Modem> modem;
  std::unique_ptr<sim7080::FtpSession> session;

 private:
  template <class R, class Init>
  std::pair<std::error_code, R> run(Init&& init, Ms limit, const char* what);
  void open_modem();
  void drive(const std::function<bool()>& done, Ms limit);
  bool run_until(const std::function<bool()>& pred, Ms limit);

  Pacing pacing_;
  fs::path root_;
  Child server_;
  Child emu_;
  fs::path emu_stderr_;
  std::string pty_;
  int generation_ = 0;
  std::uint16_t port_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Measuring

/// Host CPU time of this process (user + system, getrusage RUSAGE_SELF); the parts if asked.
Clock::duration process_cpu_time(Clock::duration* user = nullptr, Clock::duration* sys = nullptr);
/// Peak resident set of this process: VmHWM of /proc/self/status and ru_maxrss, in KiB.
struct PeakRss {
  long vm_hwm_kib = -1;
  long ru_maxrss_kib = -1;
};
PeakRss peak_rss();

/// An environment variable as a byte count ("65536", "64K", "1M", "64MiB"); `fallback` if unset.
std::uint64_t env_bytes(const char* name, std::uint64_t fallback);
unsigned env_unsigned(const char* name, unsigned fallback);
std::string env_string(const char* name, const std::string& fallback);

/// The machine, for the record: nproc, CPU model, load averages.
std::string machine_summary();

/// Where a benchmark prints its summary table: stdout, or stderr when stdout carries JSON/CSV
/// (--benchmark_format=json|csv), so the machine-readable output stays parseable.
std::FILE* summary_stream(int argc, char** argv);

/// Removes `flag` from argv (before benchmark::Initialize sees it); true when present.
bool take_flag(int& argc, char** argv, std::string_view flag);

}  // namespace bench

// End-to-end goodput of the six transfer methods against sim7080-emu, and the host's CPU time.
//
// For every pacing (--baud 115200, --baud 921600, unpaced with --latency-ms 1) and method, one
// transfer is timed from the call to its completion handler. The bound is what the emulated
// link allows for the bytes that actually crossed it in that run (a TraceSink on the Modem
// counts RX and TX): (rx + tx) bytes x 10 bits / baud, plus the emulator's latency for every
// command line written. The emulator models a full-duplex UART (one schedule per direction), but
// the AT conversation never overlaps the directions (every host write waits for the module's
// complete previous output, and the module answers only once the host's line has arrived), so
// on any line the two add up. Unpaced, the bound is the latency only (0 without latency: no
// ratio): it leaves out the pty's own round trip and copy (rig/pty_round_trip).
// ratio = bound / wall time: 100 % means the host lost nothing.
//
// Where the rest of the time went: `host` is the host's own turnaround (from each read's
// completion to the write it caused, summed); `rest` = wall - bound - host. loss_breakdown()
// (bench_rig.hpp) splits wall - bound by cause from the trace timeline: the link idle while the
// host had the turn ("host: ..."), and output that came later than the link allowed (the
// emulator's replies and URCs by their first line, "(output continued)" for the rest of a paced
// burst). `host-only` = bound / (bound + the host's time): the ratio an ideal emulator would
// give, i.e. what the host alone loses, counting every turnaround in full as on a real UART
// (the emulator writes each ~10 ms slice when its last byte has crossed the line, so the host's
// reaction to a reply starts at the end of the reply's wire time there too).
//
// Host CPU: getrusage(RUSAGE_SELF) around the transfer (the emulator and server are other
// processes): CPU % of one core over the wall time, and CPU ms per MiB.
//
// Sizes (env): BENCH_SIZE_115200 (default 64K), BENCH_SIZE_921600 (256K), BENCH_SIZE_UNPACED
// (1M), BENCH_LATENCY_MS (1), BENCH_PACINGS ("115200,921600,unpaced"), BENCH_METHODS (all);
// extget/extput use min(size, 256K) (the module's RAM holds 300 000 bytes).
// --smoke (ctest): 16 KiB per method, unpaced with 1 ms latency.
// Also (not in --smoke; BENCH_CALIBRATE=0 skips it): rig/sleep_overshoot, the real length of
// relative sleeps on this machine (why the emulator paces on an absolute schedule), and
// rig/pty_round_trip, the time a command and its reply take through a pty alone.
#include <benchmark/benchmark.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <thread>

#include "bench_rig.hpp"

namespace {

bool g_failed = false;  // a benchmark could not run: the exit status says so (never for time)

using bench::Clock;
using bench::Method;
using bench::Pacing;

constexpr double kTargetRatio = 99.0;      // % of the bound
constexpr double kTargetCpuPct921600 = 2;  // % of one core at 921600 baud
constexpr std::uint64_t kExtCap = 256 * 1024;

struct Row {
  std::string method;
  std::string pacing;
  unsigned baud = 0;
  std::uint64_t bytes = 0;
  double wall_s = 0, bound_s = 0, host_s = 0, cpu_s = 0, cpu_user_s = 0, cpu_sys_s = 0;
  double host_loss_s = 0;  // the host's time on the critical path (conservative, see below)
  double ratio_pct = NAN;
  bench::WireMeter::Counts wire;
  std::vector<bench::LossItem> losses;
};
std::vector<Row> g_rows;

bench::Rig& rig() {
  static bench::Rig r;
  return r;
}

void ensure_rig(const Pacing& p) {
  auto& r = rig();
  if (r.started() && r.pacing() == p) return;
  if (!r.started()) {
    r.start(p);
  } else {
    r.restart_emulator(p);
  }
  // Warm-up: the first operation on a new emulator writes every session setting; later ones
  // only what changed (file names). Every measured transfer then starts from the same state.
  r.transfer(bench::method_by_name("get"), 1000, std::chrono::seconds(60));
}

void BM_Goodput(benchmark::State& state, Method m, Pacing p, std::uint64_t bytes) {
  Row row;
  row.method = m.name();
  row.pacing = p.name();
  row.baud = p.baud;
  row.bytes = bytes;
  try {
    ensure_rig(p);
    auto& r = rig();
    // Generous: three times the wire time at the baud, plus a minute.
    const double wire_s = p.baud ? static_cast<double>(bytes) * 1.05 * 10 / p.baud : 0;
    const auto limit = std::chrono::seconds(60 + static_cast<long>(3 * wire_s));
    // Room for every chunk of the transfer (reads are >= 1 byte; at the baud rates used here a
    // read brings a pacing slice of ~baud/1000 bytes, unpaced up to 4096).
    r.wire.record_timeline(static_cast<std::size_t>(bytes / 64 + 20000));
    for (auto _ : state) {
      Clock::time_point t0, t1;
      Clock::duration cpu0{}, cpu1{}, user0{}, user1{}, sys0{}, sys1{};
      r.transfer(
          m, bytes, std::chrono::duration_cast<bench::Ms>(limit),
          [&] {
            r.wire.reset();
            cpu0 = bench::process_cpu_time(&user0, &sys0);
            t0 = Clock::now();
          },
          [&] {
            t1 = Clock::now();
            cpu1 = bench::process_cpu_time(&user1, &sys1);
          });
      const auto secs = [](Clock::duration d) { return std::chrono::duration<double>(d).count(); };
      row.wall_s = secs(t1 - t0);
      row.cpu_s = secs(cpu1 - cpu0);
      row.cpu_user_s = secs(user1 - user0);
      row.cpu_sys_s = secs(sys1 - sys0);
      row.wire = r.wire.counts();
      row.host_s = secs(r.wire.host_turnaround);
      row.losses = bench::loss_breakdown(r.wire, t0, t1, p.baud, p.latency_ms);
      state.SetIterationTime(row.wall_s);
    }
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    g_failed = true;
    return;
  }
  const auto& w = row.wire;
  row.bound_s = (p.baud ? static_cast<double>(w.rx_bytes + w.tx_bytes) * 10.0 / p.baud : 0.0) +
                static_cast<double>(w.command_lines) * p.latency_ms / 1000.0;
  if (row.bound_s > 0) row.ratio_pct = 100.0 * row.bound_s / row.wall_s;
  // The host's time on the critical path, counted conservatively: every turnaround in full (on
  // a real UART the last byte of a reply arrives at the end of its wire time, so nothing hides
  // the host's reaction; the emulator does the same),
  // plus the other idle time the breakdown gives the host (start and end).
  row.host_loss_s = row.host_s;
  for (const auto& l : row.losses) {
    if (l.cause.rfind("host:", 0) == 0 && l.cause.rfind("host: turnaround", 0) != 0) {  // start, end
      row.host_loss_s += std::chrono::duration<double>(l.total).count();
    }
  }
  g_rows.push_back(row);

  auto& c = state.counters;
  c["bytes"] = static_cast<double>(bytes);
  c["goodput_Bps"] = static_cast<double>(bytes) / row.wall_s;
  c["bound_Bps"] = row.bound_s > 0 ? static_cast<double>(bytes) / row.bound_s : 0;
  c["ratio_pct"] = std::isnan(row.ratio_pct) ? 0 : row.ratio_pct;
  c["target_ratio_pct"] = kTargetRatio;
  c["wall_ms"] = row.wall_s * 1e3;
  c["bound_ms"] = row.bound_s * 1e3;
  c["host_ms"] = row.host_s * 1e3;
  c["rest_ms"] = (row.wall_s - row.bound_s - row.host_s) * 1e3;
  c["cpu_pct"] = 100.0 * row.cpu_s / row.wall_s;
  c["cpu_user_ms"] = row.cpu_user_s * 1e3;
  c["cpu_sys_ms"] = row.cpu_sys_s * 1e3;
  // What the ratio would be with an ideal emulator: only the host's own time added.
  c["host_critical_ms"] = row.host_loss_s * 1e3;
  c["host_only_ratio_pct"] = row.bound_s > 0 ? 100.0 * row.bound_s / (row.bound_s + row.host_loss_s) : 0;
  c["wire_efficiency_pct"] = 100.0 * static_cast<double>(bytes) / static_cast<double>(w.rx_bytes + w.tx_bytes);
  c["cpu_ms_per_MiB"] = row.cpu_s * 1e3 / (static_cast<double>(bytes) / (1 << 20));
  c["rx_bytes"] = static_cast<double>(w.rx_bytes);
  c["tx_bytes"] = static_cast<double>(w.tx_bytes);
  c["lines"] = static_cast<double>(w.command_lines);
  c["reactions"] = static_cast<double>(w.reactions);
  c["max_turnaround_us"] = std::chrono::duration<double, std::micro>(w.max_turnaround).count();
  if (p.baud == 921600) c["target_cpu_pct"] = kTargetCpuPct921600;
  double host_loss = 0, continued = 0, emulator = 0, pty = 0;
  for (const auto& l : row.losses) {
    const double ms = std::chrono::duration<double, std::milli>(l.total).count();
    if (l.cause.rfind("host:", 0) == 0) host_loss += ms;
    else if (l.cause.rfind("pty:", 0) == 0) pty += ms;
    else if (l.cause == "(output continued)") continued += ms;
    else emulator += ms;
  }
  c["loss_host_ms"] = host_loss;                // the link idle, waiting for the host
  c["loss_pty_ms"] = pty;                       // a write waiting for the emulator to read the previous one
  c["loss_pacing_overshoot_ms"] = continued;    // gaps inside the emulator's paced bursts
  c["loss_emulator_reply_ms"] = emulator;       // the emulator's replies and URCs later than the link allowed
}

void print_summary(std::FILE* out) {
  if (g_rows.empty()) return;
  std::fprintf(out, "\nGoodput (target: >= %.0f %% of each method's bound) and host CPU (target: <= %.0f %% of one core at "
              "921600 baud)\n",
              kTargetRatio, kTargetCpuPct921600);
  std::fprintf(out, "%-7s %-12s %9s %11s %11s %8s %9s %9s %9s %9s %6s %9s  %s\n", "method", "pacing", "bytes",
              "goodput B/s", "bound B/s", "ratio", "host-only", "bound ms", "host ms", "rest ms", "CPU%", "CPUms/MiB",
              "verdict");
  for (const auto& r : g_rows) {
    std::string verdict;
    if (std::isnan(r.ratio_pct)) {
      verdict = "no bound (unpaced, no latency)";
    } else {
      verdict = r.ratio_pct >= kTargetRatio ? "ratio met" : "ratio MISSED";
    }
    const double cpu_pct = 100.0 * r.cpu_s / r.wall_s;
    if (r.baud == 921600) verdict += cpu_pct <= kTargetCpuPct921600 ? ", CPU met" : ", CPU MISSED";
    const double host_only = r.bound_s > 0 ? 100.0 * r.bound_s / (r.bound_s + r.host_loss_s) : 0.0;
    std::fprintf(out, "%-7s %-12s %9llu %11.0f %11.0f %7.2f%% %8.2f%% %9.1f %9.1f %9.1f %6.2f %9.2f  %s\n", r.method.c_str(),
                r.pacing.c_str(), static_cast<unsigned long long>(r.bytes), static_cast<double>(r.bytes) / r.wall_s,
                r.bound_s > 0 ? static_cast<double>(r.bytes) / r.bound_s : 0.0, std::isnan(r.ratio_pct) ? 0 : r.ratio_pct,
                host_only, r.bound_s * 1e3, r.host_s * 1e3, (r.wall_s - r.bound_s - r.host_s) * 1e3, cpu_pct,
                r.cpu_s * 1e3 / (static_cast<double>(r.bytes) / (1 << 20)), verdict.c_str());
  }
  std::fprintf(out, "\nWhere wall - bound went (largest causes; see loss_breakdown() in bench_rig.hpp)\n");
  for (const auto& r : g_rows) {
    std::fprintf(out, "%s @ %s: wall - bound = %.1f ms\n", r.method.c_str(), r.pacing.c_str(), (r.wall_s - r.bound_s) * 1e3);
    int shown = 0;
    for (const auto& l : r.losses) {
      if (++shown > 6) break;
      const double ms = std::chrono::duration<double, std::milli>(l.total).count();
      std::fprintf(out, "    %8.2f ms in %6llu gaps (%8.1f us each)  %s\n", ms, static_cast<unsigned long long>(l.count),
                  1e3 * ms / static_cast<double>(l.count), l.cause.c_str());
    }
  }
}

// Rig calibration: how long std::this_thread::sleep_for(d) really sleeps on this machine. The
// emulator used to pace with such relative sleeps (one per ~10 ms slice of output, one per
// input read, one per command's latency), and every overshoot added up; it now sleeps until
// absolute due times (WireWriter, sim7080-emu's main loop), so an overshoot delays one write
// and is absorbed by the next.
void BM_SleepOvershoot(benchmark::State& state) {
  const auto d = std::chrono::microseconds(state.range(0));
  double over_us = 0;
  std::int64_t n = 0;
  for (auto _ : state) {
    const auto t0 = Clock::now();
    std::this_thread::sleep_for(d);
    over_us += std::chrono::duration<double, std::micro>(Clock::now() - t0 - d).count();
    ++n;
  }
  state.counters["overshoot_us"] = over_us / static_cast<double>(n);
  state.counters["overshoot_pct"] = 100.0 * over_us / static_cast<double>(n) / static_cast<double>(state.range(0));
}

// Rig calibration: a round trip through a pseudo-terminal between two processes that both wait
// in poll() in between, as the host and the emulator do: 17 bytes (an AT+FTPGET=2,1460 line) one
// way, N bytes back (20: a short reply; 1489: a +FTPGET: 2,1460 reply; 16403: a +FTPEXTGET: 3
// reply of 16 KiB), then Q ms of quiet before the next: 1 as between the commands of an unpaced
// run with 1 ms latency, 10 as before the first slice of a reply at 921600 baud (idle CPUs wake
// up slower). No emulator on a pty can answer a command faster; the unpaced bound (the latency
// alone) leaves it out.
void BM_PtyRoundTrip(benchmark::State& state) {
  const auto reply_size = static_cast<std::size_t>(state.range(0));
  const auto quiet = std::chrono::milliseconds(state.range(1));
  const int master = ::posix_openpt(O_RDWR | O_NOCTTY);
  char name[128] = {};
  if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0 || ::ptsname_r(master, name, sizeof name) != 0) {
    state.SkipWithError("posix_openpt");
    return;
  }
  const int slave = ::open(name, O_RDWR | O_NOCTTY);
  termios t{};
  ::tcgetattr(slave, &t);
  ::cfmakeraw(&t);
  ::tcsetattr(slave, TCSANOW, &t);
  const std::vector<char> reply(reply_size, 'x');
  const pid_t pid = ::fork();
  if (pid == 0) {  // the "emulator": answers every 17 bytes with the reply
    ::close(slave);
    char buf[4096];
    std::size_t have = 0;
    while (true) {
      pollfd p{master, POLLIN, 0};
      ::poll(&p, 1, -1);
      const ssize_t r = ::read(master, buf, sizeof buf);
      if (r <= 0) ::_exit(0);
      for (have += static_cast<std::size_t>(r); have >= 17; have -= 17) {
        for (std::size_t off = 0; off < reply.size();) {
          const ssize_t w = ::write(master, reply.data() + off, reply.size() - off);
          if (w <= 0) ::_exit(0);
          off += static_cast<std::size_t>(w);
        }
      }
    }
  }
  ::close(master);
  std::vector<double> us;
  char buf[65536];
  for (auto _ : state) {
    const auto t0 = Clock::now();
    if (::write(slave, "AT+FTPGET=2,1460\r", 17) != 17) break;
    for (std::size_t got = 0; got < reply_size;) {
      pollfd p{slave, POLLIN, 0};
      ::poll(&p, 1, 1000);
      const ssize_t r = ::read(slave, buf, sizeof buf);
      if (r > 0) got += static_cast<std::size_t>(r);
    }
    const double d = std::chrono::duration<double>(Clock::now() - t0).count();
    state.SetIterationTime(d);
    us.push_back(d * 1e6);
    std::this_thread::sleep_for(quiet);
  }
  ::close(slave);
  ::kill(pid, SIGTERM);
  ::waitpid(pid, nullptr, 0);
  std::sort(us.begin(), us.end());
  if (!us.empty()) {
    double sum = 0;
    for (double x : us) sum += x;
    state.counters["mean_us"] = sum / static_cast<double>(us.size());
    state.counters["median_us"] = us[us.size() / 2];
    state.counters["p90_us"] = us[us.size() * 9 / 10];
  }
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string item; std::getline(ss, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const bool smoke = bench::take_flag(argc, argv, "--smoke");
  std::vector<std::pair<Pacing, std::uint64_t>> runs;
  std::vector<Method> methods;
  try {
    const unsigned latency = bench::env_unsigned("BENCH_LATENCY_MS", 1);
    if (smoke) {
      runs.push_back({Pacing{0, 1}, 16 * 1024});
    } else {
      for (const auto& p : split(bench::env_string("BENCH_PACINGS", "115200,921600,unpaced"))) {
        if (p == "unpaced") {
          runs.push_back({Pacing{0, latency}, bench::env_bytes("BENCH_SIZE_UNPACED", 1 << 20)});
        } else {
          const auto baud = static_cast<unsigned>(std::stoul(p));
          const std::string var = "BENCH_SIZE_" + p;
          const std::uint64_t fallback = baud <= 115200 ? 64 * 1024 : 256 * 1024;
          runs.push_back({Pacing{baud, 0}, bench::env_bytes(var.c_str(), fallback)});
        }
      }
    }
    for (const auto& name : split(bench::env_string("BENCH_METHODS", "get,extget,etget,put,extput,etput"))) {
      methods.push_back(bench::method_by_name(name));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "goodput_bench: %s\n", e.what());
    return 2;
  }
  if (!smoke && bench::env_string("BENCH_CALIBRATE", "1") == "1") {
    // 9993 us: a 921-byte slice at 921600 baud; 1000 us: the 1 ms latency; 184 us: the input
    // pacing of a 17-byte command at 921600.
    benchmark::RegisterBenchmark("rig/sleep_overshoot", BM_SleepOvershoot)
        ->Arg(9993)->Arg(1000)->Arg(184)->Iterations(200)->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark("rig/pty_round_trip", BM_PtyRoundTrip)
        ->Args({20, 1})->Args({1489, 1})->Args({16403, 1})->Args({1489, 10})
        ->Iterations(300)->UseManualTime()->Unit(benchmark::kMicrosecond);
  }
  for (const auto& [pacing, size] : runs) {
    for (const auto& m : methods) {
      const std::uint64_t bytes = m.extended() ? std::min(size, kExtCap) : size;
      const std::string name = std::string("goodput/") + m.name() + "/" + pacing.name() + "/" + std::to_string(bytes);
      benchmark::RegisterBenchmark(name.c_str(), BM_Goodput, m, pacing, bytes)
          ->Iterations(1)
          ->UseManualTime()
          ->Unit(benchmark::kMillisecond);
    }
  }
  std::FILE* const summary_out = bench::summary_stream(argc, argv);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::AddCustomContext("machine", bench::machine_summary());
  benchmark::RunSpecifiedBenchmarks();
  rig().stop();
  print_summary(summary_out);
  benchmark::Shutdown();
  return g_failed ? 1 : 0;
}

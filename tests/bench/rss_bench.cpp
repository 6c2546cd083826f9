// Peak RSS of the host process for a 1 MiB and a 64 MiB download streamed to a FileSink.
//
// Each download runs in its own child process (this binary re-executed with --rss-child), so
// the peaks are separate; the child starts its own server and emulator (unpaced: the size of
// the buffers, not the time, is measured), downloads with one method into a FileSink, and
// reports its peak: VmHWM from /proc/self/status (the peak of this process image alone) and
// getrusage ru_maxrss. ru_maxrss is printed too, but after posix_spawn it starts from the
// parent's peak (Linux keeps the old mm's high-water mark across exec), so VmHWM is the
// figure compared with the target: growth from the small to the large download < 1 MiB.
//
// Methods: get and etget (extget cannot hold more than 300 000 bytes). Sizes (env):
// BENCH_RSS_SMALL (1M), BENCH_RSS_LARGE (64M), BENCH_RSS_METHODS ("get,etget").
// --smoke (ctest): 64K and 256K with get.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "bench_rig.hpp"

namespace {

bool g_failed = false;  // a benchmark could not run: the exit status says so (never for time)

constexpr double kTargetGrowthKiB = 1024;

struct ChildResult {
  long hwm_kib = -1;
  long maxrss_kib = -1;
  long hwm_before_kib = -1;  // after the rig started, before the download
  double seconds = 0;
};

struct Row {
  std::string method;
  std::uint64_t small = 0, large = 0;
  ChildResult s, l;
};
std::vector<Row> g_rows;
std::uint64_t g_small = 1 << 20, g_large = 64u << 20;

// Child mode: one download, then one line "RSS <hwm> <maxrss> <hwm_before> <seconds>".
int child_main(const std::string& method_name, std::uint64_t bytes) {
  try {
    const auto m = bench::method_by_name(method_name);
    if (!m.download) throw bench::RigError("rss: downloads only");
    bench::Rig r;
    r.start(bench::Pacing{0, 0});
    const std::string name = "rss.bin";
    bench::write_content_file(r.server_root() / name, bytes);
    const auto target = r.local_dir() / name;
    const long before = bench::peak_rss().vm_hwm_kib;
    const auto t0 = bench::Clock::now();
    {
      sim7080::FileSink sink(target);
      r.get("/" + name, sink, m.get, std::chrono::minutes(30));
    }
    const double secs = std::chrono::duration<double>(bench::Clock::now() - t0).count();
    const auto peak = bench::peak_rss();
    if (!bench::check_content_file(target, bytes)) throw bench::RigError("the downloaded file differs");
    std::printf("RSS %ld %ld %ld %.3f\n", peak.vm_hwm_kib, peak.ru_maxrss_kib, before, secs);
    std::fflush(stdout);
    r.stop();
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rss child: %s\n", e.what());
    return 1;
  }
}

ChildResult run_child(const std::string& method, std::uint64_t bytes) {
  char self[4096];
  const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) throw bench::RigError("readlink /proc/self/exe failed");
  self[n] = '\0';
  bench::Child child;
  const std::string err = "/tmp/sim7080-rss-child-" + std::to_string(::getpid()) + ".stderr";
  child.spawn({self, "--rss-child", method, std::to_string(bytes)}, {}, err);
  const std::string out = child.read_all(std::chrono::minutes(35));
  int status = 0;
  child.wait_exit(std::chrono::seconds(30), &status);
  std::ifstream ef(err);
  std::stringstream es;
  es << ef.rdbuf();
  std::remove(err.c_str());
  ChildResult r;
  std::istringstream ss(out);
  std::string tag;
  if (!(ss >> tag >> r.hwm_kib >> r.maxrss_kib >> r.hwm_before_kib >> r.seconds) || tag != "RSS") {
    throw bench::RigError("rss child (" + method + ", " + std::to_string(bytes) + " bytes) failed: " + out + es.str());
  }
  return r;
}

void BM_PeakRss(benchmark::State& state, std::string method) {
  Row row;
  row.method = method;
  row.small = g_small;
  row.large = g_large;
  try {
    for (auto _ : state) {
      row.s = run_child(method, g_small);
      row.l = run_child(method, g_large);
    }
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    g_failed = true;
    return;
  }
  g_rows.push_back(row);
  auto& c = state.counters;
  c["hwm_small_KiB"] = static_cast<double>(row.s.hwm_kib);
  c["hwm_large_KiB"] = static_cast<double>(row.l.hwm_kib);
  c["growth_KiB"] = static_cast<double>(row.l.hwm_kib - row.s.hwm_kib);
  c["target_growth_KiB"] = kTargetGrowthKiB;
  c["maxrss_small_KiB"] = static_cast<double>(row.s.maxrss_kib);
  c["maxrss_large_KiB"] = static_cast<double>(row.l.maxrss_kib);
  c["hwm_before_small_KiB"] = static_cast<double>(row.s.hwm_before_kib);
  c["hwm_before_large_KiB"] = static_cast<double>(row.l.hwm_before_kib);
  c["large_seconds"] = row.l.seconds;
  c["bytes_small"] = static_cast<double>(row.small);
  c["bytes_large"] = static_cast<double>(row.large);
}

void print_summary(std::FILE* out) {
  if (g_rows.empty()) return;
  std::fprintf(out, "\nPeak RSS of the host process, download streamed to a FileSink (target: growth < %.0f KiB)\n",
              kTargetGrowthKiB);
  std::fprintf(out, "%-7s %10s %10s %14s %14s %11s %16s %16s  %s\n", "method", "small", "large", "VmHWM small KiB",
              "VmHWM large KiB", "growth KiB", "ru_maxrss small", "ru_maxrss large", "verdict");
  for (const auto& r : g_rows) {
    const long growth = r.l.hwm_kib - r.s.hwm_kib;
    std::fprintf(out, "%-7s %10llu %10llu %14ld %14ld %11ld %16ld %16ld  %s\n", r.method.c_str(),
                static_cast<unsigned long long>(r.small), static_cast<unsigned long long>(r.large), r.s.hwm_kib,
                r.l.hwm_kib, growth, r.s.maxrss_kib, r.l.maxrss_kib, static_cast<double>(growth) < kTargetGrowthKiB ? "met" : "MISSED");
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
  if (argc == 4 && std::string(argv[1]) == "--rss-child") {
    return child_main(argv[2], std::strtoull(argv[3], nullptr, 10));
  }
  const bool smoke = bench::take_flag(argc, argv, "--smoke");
  std::vector<std::string> methods;
  try {
    g_small = smoke ? 64 * 1024 : bench::env_bytes("BENCH_RSS_SMALL", 1 << 20);
    g_large = smoke ? 256 * 1024 : bench::env_bytes("BENCH_RSS_LARGE", 64u << 20);
    methods = smoke ? std::vector<std::string>{"get"} : split(bench::env_string("BENCH_RSS_METHODS", "get,etget"));
    for (const auto& m : methods) (void)bench::method_by_name(m);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rss_bench: %s\n", e.what());
    return 2;
  }
  for (const auto& m : methods) {
    benchmark::RegisterBenchmark(("peak_rss/" + m).c_str(), BM_PeakRss, m)->Iterations(1)->Unit(benchmark::kMillisecond);
  }
  std::FILE* const summary_out = bench::summary_stream(argc, argv);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::AddCustomContext("machine", bench::machine_summary());
  benchmark::RunSpecifiedBenchmarks();
  print_summary(summary_out);
  benchmark::Shutdown();
  return g_failed ? 1 : 0;
}

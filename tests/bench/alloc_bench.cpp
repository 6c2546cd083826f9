// Heap allocations per transferred chunk in steady state, for each transfer method.
//
// This binary replaces the global operator new (alloc_counter.cpp), so every allocation of the
// library, libstdc++ and Asio in this process is counted. For each method, a warm-up transfer
// runs first (one-time growth: Asio's recycled operation memory, buffers reaching their size),
// then a small and a large transfer are counted from the call to the completion handler; their
// difference cancels the per-operation set-up, and is divided by the difference in chunks:
//   get: reads of 1460 bytes; extget: reads of 16384; etget: serial reads of the stream;
//   put: data phases of 1360 (the emulator's <maxlength>); extput and etput: 4096-byte chunks.
// Target: 0 allocations per chunk. The emulator runs unpaced without latency (timing does not
// matter here). Sizes (env): BENCH_ALLOC_SMALL (64K), BENCH_ALLOC_LARGE (1M); extget/extput
// use min(size, 256K). --smoke (ctest): 16K and 64K.
// BENCH_ALLOC_TRACE=N: prints the N most frequent allocation stacks of each large transfer.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>

#include "alloc_counter.hpp"
#include "bench_rig.hpp"

namespace {

bool g_failed = false;  // a benchmark could not run: the exit status says so (never for time)

using bench::Method;
constexpr std::uint64_t kExtCap = 256 * 1024;

struct Row {
  std::string method;
  std::uint64_t small = 0, large = 0;
  bench::alloc::Count a_small, a_large;
  double chunks_small = 0, chunks_large = 0;
  std::uint64_t reads_small = 0, reads_large = 0, writes_small = 0, writes_large = 0;
  double per_chunk = NAN;
};
std::vector<Row> g_rows;
std::uint64_t g_small = 64 * 1024, g_large = 1 << 20;

bench::Rig& rig() {
  static bench::Rig r;
  return r;
}

struct Measured {
  bench::alloc::Count allocs;
  double chunks = 0;
  std::uint64_t reads = 0, writes = 0;
};

Measured measure(const Method& m, std::uint64_t bytes, bool trace) {
  auto& r = rig();
  Measured out;
  bench::alloc::Count a0, a1;
  r.transfer(
      m, bytes, std::chrono::seconds(300),
      [&] {
        r.wire.reset();
        if (trace) {
          bench::alloc::clear_trace();
          bench::alloc::set_tracing(true);
        }
        a0 = bench::alloc::now();
      },
      [&] {
        a1 = bench::alloc::now();
        bench::alloc::set_tracing(false);
      });
  out.allocs = a1 - a0;
  out.reads = r.wire.rx_chunks;
  out.writes = r.wire.tx_chunks;
  const std::size_t unit = m.nominal_chunk();
  out.chunks = unit ? std::ceil(static_cast<double>(bytes) / static_cast<double>(unit)) : static_cast<double>(r.wire.rx_chunks);
  return out;
}

void BM_Allocs(benchmark::State& state, Method m) {
  Row row;
  row.method = m.name();
  row.small = m.extended() ? std::min(g_small, kExtCap / 8) : g_small;
  row.large = m.extended() ? std::min(g_large, kExtCap) : g_large;
  try {
    if (!rig().started()) rig().start(bench::Pacing{0, 0});
    for (auto _ : state) {
      measure(m, row.small, false);  // warm-up
      const auto s = measure(m, row.small, false);
      const auto l = measure(m, row.large, true);
      row.a_small = s.allocs;
      row.a_large = l.allocs;
      row.chunks_small = s.chunks;
      row.chunks_large = l.chunks;
      row.reads_small = s.reads;
      row.reads_large = l.reads;
      row.writes_small = s.writes;
      row.writes_large = l.writes;
    }
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    g_failed = true;
    return;
  }
  const double dchunks = row.chunks_large - row.chunks_small;
  const double dallocs = static_cast<double>(row.a_large.calls) - static_cast<double>(row.a_small.calls);
  row.per_chunk = dchunks > 0 ? dallocs / dchunks : NAN;
  g_rows.push_back(row);
  bench::alloc::print_trace((std::string(m.name()) + " " + std::to_string(row.large) + " bytes").c_str());

  auto& c = state.counters;
  const double dbytes = static_cast<double>(row.large - row.small);
  c["allocs_per_chunk"] = row.per_chunk;
  c["target_allocs_per_chunk"] = 0;
  c["alloc_bytes_per_chunk"] =
      (static_cast<double>(row.a_large.bytes) - static_cast<double>(row.a_small.bytes)) / dchunks;
  c["allocs_per_MiB"] = dallocs / (dbytes / (1 << 20));
  c["allocs_small"] = static_cast<double>(row.a_small.calls);
  c["allocs_large"] = static_cast<double>(row.a_large.calls);
  c["chunks_small"] = row.chunks_small;
  c["chunks_large"] = row.chunks_large;
  c["allocs_per_read"] = dallocs / (static_cast<double>(row.reads_large) - static_cast<double>(row.reads_small));
  c["allocs_per_write"] = dallocs / (static_cast<double>(row.writes_large) - static_cast<double>(row.writes_small));
}

void print_summary(std::FILE* out) {
  if (g_rows.empty()) return;
  std::fprintf(out, "\nHeap allocations per chunk in steady state (target: 0)\n");
  std::fprintf(out, "%-7s %9s %9s %12s %12s %10s %10s %12s  %s\n", "method", "small", "large", "allocs small",
              "allocs large", "chunks", "per chunk", "per MiB", "verdict");
  for (const auto& r : g_rows) {
    const double dbytes = static_cast<double>(r.large - r.small);
    const double dallocs = static_cast<double>(r.a_large.calls) - static_cast<double>(r.a_small.calls);
    std::fprintf(out, "%-7s %9llu %9llu %12llu %12llu %10.0f %10.2f %12.0f  %s\n", r.method.c_str(),
                static_cast<unsigned long long>(r.small), static_cast<unsigned long long>(r.large),
                static_cast<unsigned long long>(r.a_small.calls), static_cast<unsigned long long>(r.a_large.calls),
                r.chunks_large - r.chunks_small, r.per_chunk, dallocs / (dbytes / (1 << 20)),
                r.per_chunk < 0.05 ? "met" : "MISSED");
  }
}

}  // namespace

int main(int argc, char** argv) {
  const bool smoke = bench::take_flag(argc, argv, "--smoke");
  try {
    g_small = smoke ? 16 * 1024 : bench::env_bytes("BENCH_ALLOC_SMALL", 64 * 1024);
    g_large = smoke ? 64 * 1024 : bench::env_bytes("BENCH_ALLOC_LARGE", 1 << 20);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "alloc_bench: %s\n", e.what());
    return 2;
  }
  for (const auto& m : bench::all_methods()) {
    benchmark::RegisterBenchmark((std::string("allocs/") + m.name()).c_str(), BM_Allocs, m)
        ->Iterations(1)
        ->Unit(benchmark::kMillisecond);
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

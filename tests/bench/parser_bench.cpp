// Tokenizer throughput on a payload-heavy stream (AT+FTPGET reads of 1460 random bytes) and a
// line-heavy stream (URCs and short replies). Targets: ≥ 1 GB/s and ≥ 200 MB/s.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "at/tokenizer.hpp"

namespace {

using sim7080::at::Event;
using sim7080::at::EventKind;
using sim7080::at::PayloadRule;
using sim7080::at::Tokenizer;

struct CountingSink final : sim7080::at::EventSink {
  std::size_t events = 0;
  std::size_t payload = 0;
  Tokenizer* tokenizer = nullptr;
  void on_event(const Event& ev) override {
    ++events;
    if (ev.kind == EventKind::payload) payload += ev.bytes.size();
    // The channel re-arms the header for every read it sends; do the same after each OK.
    if (ev.kind == EventKind::final_ok && tokenizer) tokenizer->arm_payload(kGet);
  }
  static constexpr PayloadRule kGet{"+FTPGET", "2", PayloadRule::Mode::counted, 1460};
};

std::string payload_stream(std::size_t reads) {
  std::mt19937 rng(1);
  std::string s;
  for (std::size_t i = 0; i < reads; ++i) {
    s += "\r\n+FTPGET: 2,1460\r\n";
    for (int b = 0; b < 1460; ++b) s.push_back(static_cast<char>(rng()));
    s += "\r\nOK\r\n";
  }
  return s;
}

std::string line_stream(std::size_t rounds) {
  std::string s;
  for (std::size_t i = 0; i < rounds; ++i) {
    s += "\r\n+FTPGET: 1,1\r\n\r\n+CEREG: 1,5\r\n\r\n+FTPSTATE: 1\r\n\r\nOK\r\n\r\n+CSQ: 27,99\r\n\r\nOK\r\n";
  }
  return s;
}

void run(benchmark::State& state, const std::string& input, std::size_t chunk) {
  const auto* bytes = reinterpret_cast<const std::byte*>(input.data());
  for (auto _ : state) {
    Tokenizer t;
    CountingSink sink;
    sink.tokenizer = &t;
    t.arm_payload(CountingSink::kGet);
    for (std::size_t pos = 0; pos < input.size(); pos += chunk) {
      t.feed(std::span<const std::byte>(bytes + pos, std::min(chunk, input.size() - pos)), sink);
    }
    benchmark::DoNotOptimize(sink.events);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(input.size()));
}

void BM_PayloadHeavy(benchmark::State& state) {
  static const std::string input = payload_stream(2000);  // ~2.9 MB
  run(state, input, static_cast<std::size_t>(state.range(0)));
  state.counters["target_MBps"] = 1000;
}
BENCHMARK(BM_PayloadHeavy)->Arg(4096)->Arg(64);

void BM_LineHeavy(benchmark::State& state) {
  static const std::string input = line_stream(20000);  // ~1.6 MB
  run(state, input, static_cast<std::size_t>(state.range(0)));
  state.counters["target_MBps"] = 200;
}
BENCHMARK(BM_LineHeavy)->Arg(4096)->Arg(64);

// Prints each throughput beside its target once the runs are done (console output as usual).
class TargetReporter final : public benchmark::ConsoleReporter {
 public:
  explicit TargetReporter(OutputOptions o) : ConsoleReporter(o) {}
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& r : runs) {
      const auto t = r.counters.find("target_MBps");
      const auto b = r.counters.find("bytes_per_second");
      if (r.error_occurred || t == r.counters.end() || b == r.counters.end()) continue;
      lines_.push_back({r.benchmark_name(), b->second.value / 1e6, t->second.value});
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    std::printf("\nTokenizer throughput against its targets\n");
    for (const auto& l : lines_) {
      std::printf("%-28s %10.0f MB/s  target >= %5.0f MB/s  %s\n", l.name.c_str(), l.mbps, l.target,
                  l.mbps >= l.target ? "met" : "MISSED");
    }
  }

 private:
  struct Line {
    std::string name;
    double mbps, target;
  };
  std::vector<Line> lines_;
};

}  // namespace

int main(int argc, char** argv) {
  bool console = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a(argv[i]);
    if (a.rfind("--benchmark_format=", 0) == 0 && a != "--benchmark_format=console") console = false;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  if (console) {
    TargetReporter reporter(::isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_ColorTabular
                                                    : benchmark::ConsoleReporter::OO_Tabular);
    benchmark::RunSpecifiedBenchmarks(&reporter);
  } else {
    benchmark::RunSpecifiedBenchmarks();
  }
  benchmark::Shutdown();
  return 0;
}

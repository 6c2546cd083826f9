#pragma once
// Counts every call of the global operator new in this process. alloc_counter.cpp replaces the
// global operator new/delete (all forms) by malloc/free with a counter; link it into a benchmark
// binary to measure allocations of the library, the standard library and Asio alike.
//
// With BENCH_ALLOC_TRACE=N set, allocations made while tracing() is on are attributed to their
// call stacks (glibc backtrace(), no allocation while recording); print_trace() then writes the
// N most frequent stacks to stderr (symbolised with -rdynamic; pipe through c++filt).
#include <cstdint>

namespace bench::alloc {

struct Count {
  std::uint64_t calls = 0;
  std::uint64_t bytes = 0;
};
Count now() noexcept;
inline Count operator-(Count a, Count b) noexcept { return {a.calls - b.calls, a.bytes - b.bytes}; }

/// Starts/stops attributing allocations to stacks (only when BENCH_ALLOC_TRACE is set).
void set_tracing(bool on) noexcept;
/// Forgets the recorded stacks.
void clear_trace() noexcept;
/// Writes the most frequent stacks recorded so far to stderr, under `title`.
void print_trace(const char* title);

}  // namespace bench::alloc

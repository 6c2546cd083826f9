#include "alloc_counter.hpp"

#include <execinfo.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

namespace bench::alloc {
namespace {

std::atomic<std::uint64_t> g_calls{0};
std::atomic<std::uint64_t> g_bytes{0};

// Stack attribution: a fixed table, filled without allocating (backtrace() itself may malloc on
// its first call, which is malloc, not operator new, so nothing recurses).
constexpr int kDepth = 14;
constexpr int kSlots = 512;
struct Slot {
  std::uint64_t hash = 0;
  std::uint64_t count = 0;
  std::uint64_t bytes = 0;
  int depth = 0;
  void* frames[kDepth] = {};
};
Slot g_slots[kSlots];
std::atomic<bool> g_tracing{false};
int g_trace_top = -1;  // -1: not read yet; 0: tracing disabled
thread_local bool t_inside = false;

int trace_top() {
  if (g_trace_top < 0) {
    const char* v = std::getenv("BENCH_ALLOC_TRACE");
    g_trace_top = v ? std::max(1, std::atoi(v)) : 0;
  }
  return g_trace_top;
}

void record(std::size_t n) {
  if (t_inside) return;
  t_inside = true;
  void* frames[kDepth + 2];
  const int got = ::backtrace(frames, kDepth + 2);
  // Skip record() and operator new itself.
  const int skip = std::min(got, 2);
  std::uint64_t h = 1469598103934665603ull;
  for (int i = skip; i < got; ++i) h = (h ^ reinterpret_cast<std::uintptr_t>(frames[i])) * 1099511628211ull;
  for (int probe = 0; probe < kSlots; ++probe) {
    Slot& s = g_slots[(h + static_cast<std::uint64_t>(probe)) % kSlots];
    if (s.count == 0) {
      s.hash = h;
      s.depth = got - skip;
      std::memcpy(s.frames, frames + skip, sizeof(void*) * static_cast<std::size_t>(s.depth));
    }
    if (s.hash == h) {
      ++s.count;
      s.bytes += n;
      break;
    }
  }
  t_inside = false;
}

inline void* counted(std::size_t n) {
  g_calls.fetch_add(1, std::memory_order_relaxed);
  g_bytes.fetch_add(n, std::memory_order_relaxed);
  if (g_tracing.load(std::memory_order_relaxed)) record(n);
  return std::malloc(n == 0 ? 1 : n);
}

inline void* counted_aligned(std::size_t n, std::size_t align) {
  g_calls.fetch_add(1, std::memory_order_relaxed);
  g_bytes.fetch_add(n, std::memory_order_relaxed);
  if (g_tracing.load(std::memory_order_relaxed)) record(n);
  void* p = nullptr;
  if (::posix_memalign(&p, std::max(align, sizeof(void*)), n == 0 ? 1 : n) != 0) return nullptr;
  return p;
}

}  // namespace

Count now() noexcept { return {g_calls.load(std::memory_order_relaxed), g_bytes.load(std::memory_order_relaxed)}; }

void set_tracing(bool on) noexcept { g_tracing.store(on && trace_top() > 0, std::memory_order_relaxed); }

void clear_trace() noexcept {
  for (auto& s : g_slots) s = Slot{};
}

void print_trace(const char* title) {
  const int top = trace_top();
  if (top <= 0) return;
  Slot* order[kSlots];
  int n = 0;
  for (auto& s : g_slots) {
    if (s.count) order[n++] = &s;
  }
  std::sort(order, order + n, [](const Slot* a, const Slot* b) { return a->count > b->count; });
  std::fprintf(stderr, "=== allocation stacks: %s (%d distinct) ===\n", title, n);
  for (int i = 0; i < n && i < top; ++i) {
    std::fprintf(stderr, "--- %llu allocations, %llu bytes\n", static_cast<unsigned long long>(order[i]->count),
                 static_cast<unsigned long long>(order[i]->bytes));
    std::fflush(stderr);
    ::backtrace_symbols_fd(order[i]->frames, order[i]->depth, STDERR_FILENO);
  }
}

}  // namespace bench::alloc

// The replaced global allocation functions ([new.delete]).
void* operator new(std::size_t n) {
  if (void* p = bench::alloc::counted(n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  if (void* p = bench::alloc::counted(n)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return bench::alloc::counted(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return bench::alloc::counted(n); }
void* operator new(std::size_t n, std::align_val_t a) {
  if (void* p = bench::alloc::counted_aligned(n, static_cast<std::size_t>(a))) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n, std::align_val_t a) {
  if (void* p = bench::alloc::counted_aligned(n, static_cast<std::size_t>(a))) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return bench::alloc::counted_aligned(n, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return bench::alloc::counted_aligned(n, static_cast<std::size_t>(a));
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }

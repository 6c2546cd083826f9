// Steady-state reads and writes must not allocate: a read loop re-arming from its handler and
// writes started from completions, over SerialPort alone and under TracedStream with a sink.
// Counting is done by replacing the global allocation functions for this test binary; only
// allocations made while `counting` is set are counted.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "pty_helpers.hpp"
#include "transport/serial_port.hpp"
#include "transport/traced_stream.hpp"

namespace {
std::atomic<bool> counting{false};
std::atomic<std::size_t> allocations{0};

void* counted_alloc(std::size_t size, std::size_t align) {
  if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1, std::memory_order_relaxed);
  if (size == 0) size = 1;
  void* p = nullptr;
  if (align <= alignof(std::max_align_t)) {
    p = std::malloc(size);
  } else {
    p = std::aligned_alloc(align, (size + align - 1) / align * align);
  }
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
}  // namespace

void* operator new(std::size_t size) { return counted_alloc(size, alignof(std::max_align_t)); }
void* operator new[](std::size_t size) { return counted_alloc(size, alignof(std::max_align_t)); }
void* operator new(std::size_t size, std::align_val_t al) { return counted_alloc(size, static_cast<std::size_t>(al)); }
void* operator new[](std::size_t size, std::align_val_t al) { return counted_alloc(size, static_cast<std::size_t>(al)); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

namespace sim7080::transport {
namespace {

using namespace test;

// A sink that only counts, so the sink itself allocates nothing.
class CountingSink final : public TraceSink {
 public:
  void on_tx(std::span<const std::byte> b, std::chrono::steady_clock::time_point) override { tx_bytes += b.size(); }
  void on_rx(std::span<const std::byte> b, std::chrono::steady_clock::time_point) override { rx_bytes += b.size(); }
  void on_event(std::string_view, std::chrono::steady_clock::time_point) override { ++events; }
  std::size_t tx_bytes = 0, rx_bytes = 0, events = 0;
};

// Echo rounds: write a message, the far side echoes it, read it back; everything is started
// from completion handlers, as the AT channel does. Handlers capture only `this`.
class EchoLoop {
 public:
  EchoLoop(ByteStream& stream, const Pty& pty) : stream_(stream), pty_(pty) {
    for (std::size_t i = 0; i < message_.size(); ++i) message_[i] = static_cast<std::byte>("AT+FTPGET=2,64\r\n"[i % 16]);
  }

  void start() { write(); }

  int rounds = 0;
  int start_counting_at = -1;
  int stop_at = 0;
  bool failed = false;
  std::size_t counted = 0;

 private:
  void write() {
    if (rounds == start_counting_at) {
      allocations = 0;
      counting = true;
    }
    if (rounds == stop_at) {
      counting = false;
      counted = allocations;
      return;
    }
    stream_.async_write(message_, [this](std::error_code ec, std::size_t) { on_written(ec); });
  }

  void on_written(std::error_code ec) {
    // The far side echoes: read what the port wrote, write it back (plain POSIX, no allocation).
    if (ec || pty_.read_into(echo_, Clock::now() + 5s) != echo_.size() ||
        !pty_.write_all(echo_, Clock::now() + 5s)) {
      fail();
      return;
    }
    received_ = 0;
    read();
  }

  void read() {
    stream_.async_read_some(std::span(in_).subspan(received_), [this](std::error_code ec, std::size_t n) {
      if (ec) {
        fail();
        return;
      }
      received_ += n;
      if (received_ < in_.size()) {
        read();
        return;
      }
      ++rounds;
      write();
    });
  }

  void fail() {
    counting = false;
    failed = true;
  }

  ByteStream& stream_;
  const Pty& pty_;
  std::array<std::byte, 64> message_{};
  std::array<std::byte, 64> echo_{};
  std::array<std::byte, 64> in_{};
  std::size_t received_ = 0;
};

class SteadyStateAlloc : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(pty_.ok());
    ASSERT_FALSE(port_.open({pty_.slave_path(), 115200, false}));
  }
  void run_loop(ByteStream& stream) {
    EchoLoop loop(stream, pty_);
    loop.start_counting_at = 10;
    loop.stop_at = 210;
    loop.start();
    ASSERT_TRUE(run_until(io_, [&] { return loop.failed || loop.rounds == loop.stop_at; }, 30000ms));
    counting = false;
    ASSERT_FALSE(loop.failed);
    EXPECT_EQ(loop.counted, 0u) << "allocations during 200 steady-state write/read rounds";
  }

  asio::io_context io_;
  Pty pty_;
  SerialPort port_{io_};
};

TEST_F(SteadyStateAlloc, SerialPortReadsAndWritesDoNotAllocate) { run_loop(port_); }

TEST_F(SteadyStateAlloc, TracedStreamWithSinkDoesNotAllocate) {
  TracedStream traced{port_};
  CountingSink sink;
  traced.add_sink(sink);
  run_loop(traced);
  EXPECT_EQ(sink.tx_bytes, 210u * 64u);
  EXPECT_EQ(sink.rx_bytes, 210u * 64u);
}

TEST_F(SteadyStateAlloc, CounterSeesAllocations) {  // the instrument itself works
  allocations = 0;
  counting = true;
  auto* p = new int(3);
  counting = false;
  delete p;
  EXPECT_EQ(allocations.load(), 1u);
}

}  // namespace
}  // namespace sim7080::transport

// VirtualClock: timers fire (posted, never inline) only when advance() reaches them.
#include <gtest/gtest.h>

#include <asio/io_context.hpp>
#include <string>
#include <vector>

#include "support/virtual_clock.hpp"

using namespace std::chrono_literals;
using sim7080::test::VirtualClock;

TEST(VirtualClock, FiresOnlyWhenAdvancedPastTheDeadline) {
  asio::io_context io;
  VirtualClock clock(io.get_executor());
  auto timer = clock.make_timer();
  int fired = 0;
  timer->arm(100ms, [&] { ++fired; });
  EXPECT_EQ(clock.armed_timers(), 1u);
  clock.advance(99ms);
  io.run();
  EXPECT_EQ(fired, 0);
  EXPECT_EQ(clock.now(), 99ms);
  clock.advance(1ms);
  EXPECT_EQ(fired, 0) << "expiry is posted, not run inline";
  io.restart();
  io.run();
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(clock.armed_timers(), 0u);
  clock.advance(1000ms);
  io.restart();
  io.run();
  EXPECT_EQ(fired, 1) << "a timer fires once per arming";
}

TEST(VirtualClock, DisarmAndRearmCancelAPostedExpiry) {
  asio::io_context io;
  VirtualClock clock(io.get_executor());
  auto a = clock.make_timer();
  auto b = clock.make_timer();
  int fired_a = 0, fired_b = 0;
  a->arm(10ms, [&] { ++fired_a; });
  b->arm(10ms, [&] { ++fired_b; });
  clock.advance(10ms);  // both posted
  a->disarm();
  b->arm(50ms, [&] { fired_b += 10; });
  io.run();
  EXPECT_EQ(fired_a, 0);
  EXPECT_EQ(fired_b, 0);
  clock.advance(50ms);
  io.restart();
  io.run();
  EXPECT_EQ(fired_b, 10);
}

TEST(VirtualClock, FiresInDeadlineOrderWithNowAtEachDeadline) {
  asio::io_context io;
  VirtualClock clock(io.get_executor());
  std::vector<std::string> log;
  auto t1 = clock.make_timer();
  auto t2 = clock.make_timer();
  auto t3 = clock.make_timer();
  auto t4 = clock.make_timer();
  t1->arm(300ms, [&] { log.push_back("t1"); });
  t2->arm(100ms, [&] { log.push_back("t2"); });
  t3->arm(100ms, [&] { log.push_back("t3"); });
  t4->arm(301ms, [&] { log.push_back("t4"); });
  clock.advance(300ms);
  io.run();
  EXPECT_EQ(log, (std::vector<std::string>{"t2", "t3", "t1"}));
  EXPECT_EQ(clock.now(), 300ms);
  EXPECT_EQ(clock.armed_timers(), 1u);
}

TEST(VirtualClock, DestroyedTimerNeverFires) {
  asio::io_context io;
  VirtualClock clock(io.get_executor());
  int fired = 0;
  {
    auto t = clock.make_timer();
    t->arm(5ms, [&] { ++fired; });
    clock.advance(5ms);  // posted, then the timer goes away
  }
  io.run();
  EXPECT_EQ(fired, 0);
}

TEST(VirtualClock, ZeroDelayFiresWithoutAdvancing) {
  asio::io_context io;
  VirtualClock clock(io.get_executor());
  auto t = clock.make_timer();
  int fired = 0;
  t->arm(0ms, [&] { ++fired; });
  io.run();
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(clock.now(), 0ms);
}

TEST(VirtualClock, RearmFromExpiryUsesTheNewNow) {
  asio::io_context io;
  VirtualClock clock(io.get_executor());
  auto t = clock.make_timer();
  std::vector<std::chrono::milliseconds> at;
  std::function<void()> tick = [&] {
    at.push_back(clock.now());
    if (at.size() < 3) t->arm(1000ms, tick);
  };
  t->arm(1000ms, tick);
  for (int i = 0; i < 3; ++i) {
    clock.advance(1000ms);
    io.restart();
    io.run();
  }
  EXPECT_EQ(at, (std::vector<std::chrono::milliseconds>{1000ms, 2000ms, 3000ms}));
}

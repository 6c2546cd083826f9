// util::InplaceFunction: the handler type of the I/O seams. It must behave as std::function
// (call, copy, move, empty, nullptr) and keep its callable inside the object.
#include "util/inplace_function.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <system_error>

namespace sim7080::util {
namespace {

using Handler = InplaceFunction<int(int)>;

TEST(InplaceFunction, EmptyByDefaultAndFromNullptr) {
  Handler a;
  Handler b = nullptr;
  EXPECT_FALSE(a);
  EXPECT_TRUE(a == nullptr);
  EXPECT_FALSE(b);
}

TEST(InplaceFunction, CallsTheCallableWithItsArguments) {
  int base = 40;
  Handler h = [&base](int x) { return base + x; };
  ASSERT_TRUE(h);
  EXPECT_EQ(h(2), 42);
  base = 0;
  EXPECT_EQ(h(7), 7);
}

TEST(InplaceFunction, KeepsTheCallableInsideTheObject) {
  auto owned = std::make_shared<int>(5);
  Handler h = [owned](int x) { return *owned * x; };
  // The captured shared_ptr lives in the handler's own bytes: no separate block holds it.
  const auto* begin = reinterpret_cast<const unsigned char*>(&h);
  const auto* end = begin + sizeof h;
  bool found = false;
  for (const auto* p = begin; p + sizeof(void*) <= end; ++p) {
    const int* stored = nullptr;
    std::memcpy(&stored, p, sizeof stored);
    found = found || stored == owned.get();
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(h(3), 15);
}

TEST(InplaceFunction, CopiesShareNothingButTheCapturedValues) {
  auto counter = std::make_shared<int>(0);
  Handler a = [counter](int x) { return *counter += x; };
  EXPECT_EQ(counter.use_count(), 2);
  Handler b = a;
  EXPECT_EQ(counter.use_count(), 3);
  EXPECT_EQ(a(1), 1);
  EXPECT_EQ(b(2), 3);  // both call the same shared counter through their own copies
  Handler c;
  c = b;
  EXPECT_EQ(counter.use_count(), 4);
  EXPECT_EQ(c(4), 7);
}

TEST(InplaceFunction, MovingLeavesTheSourceEmptyAndDestroysNothingTwice) {
  auto counter = std::make_shared<int>(0);
  Handler a = [counter](int x) { return *counter + x; };
  Handler b = std::move(a);
  EXPECT_FALSE(a);  // NOLINT(bugprone-use-after-move): the moved-from state is specified
  ASSERT_TRUE(b);
  EXPECT_EQ(counter.use_count(), 2);
  Handler c;
  c = std::move(b);
  EXPECT_FALSE(b);  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(counter.use_count(), 2);
  EXPECT_EQ(c(9), 9);
}

TEST(InplaceFunction, ResetAndDestructionReleaseTheCapturedState) {
  auto counter = std::make_shared<int>(0);
  {
    Handler h = [counter](int) { return 0; };
    EXPECT_EQ(counter.use_count(), 2);
    h = nullptr;
    EXPECT_FALSE(h);
    EXPECT_EQ(counter.use_count(), 1);
    h = [counter](int) { return 1; };
    EXPECT_EQ(counter.use_count(), 2);
  }
  EXPECT_EQ(counter.use_count(), 1);
}

TEST(InplaceFunction, SelfAssignmentKeepsTheCallable) {
  Handler h = [](int x) { return x * 2; };
  Handler& same = h;
  h = same;
  EXPECT_EQ(h(21), 42);
}

TEST(InplaceFunction, HoldsTheChannelsHandlerShapes) {
  // What the command channel passes: a shared_ptr keep-alive, and the (error, size) signature.
  using ReadHandler = InplaceFunction<void(std::error_code, std::size_t)>;
  auto self = std::make_shared<std::string>("channel");
  std::size_t seen = 0;
  ReadHandler r = [self, &seen](std::error_code ec, std::size_t n) { seen = ec ? 0 : n + self->size(); };
  r(std::error_code{}, 3);
  EXPECT_EQ(seen, 3u + 7u);
}

}  // namespace
}  // namespace sim7080::util

#pragma once
// A virtual clock for deadline tests: timers made here fire only when the test (or a
// transcript's `~` line, through ReplayStream) advances the clock, so a 75-second timeout
// takes microseconds and no test sleeps.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "asio/any_io_executor.hpp"
#include "at/deadline_timer.hpp"

namespace sim7080::test {

/// Virtual time plus the DeadlineTimers that run on it. Single-threaded: use it, its timers
/// and the executor from one thread. Timers may outlive the clock (they then never fire).
class VirtualClock {
 public:
  using duration = std::chrono::milliseconds;

  /// A clock at time 0 whose timers post their expiries to `executor`.
  explicit VirtualClock(asio::any_io_executor executor);
  ~VirtualClock();
  VirtualClock(const VirtualClock&) = delete;
  VirtualClock& operator=(const VirtualClock&) = delete;

  /// Virtual time elapsed since construction.
  duration now() const noexcept;

  /// A timer on this clock. `arm(d, fn)` sets the deadline now() + d; when an advance() reaches
  /// it, fn is posted to the executor (never run inline). Arming with d <= 0 posts at once.
  /// Re-arming or disarming before the posted expiry runs cancels it.
  std::unique_ptr<at::DeadlineTimer> make_timer();

  /// Moves time forward by `by`, posting the expiry of every armed timer whose deadline falls
  /// within (now, now + by], earliest first (ties in arming order); now() steps to each
  /// deadline as its timer fires and ends at now + by.
  void advance(duration by);

  /// How many timers are armed and not yet fired.
  std::size_t armed_timers() const noexcept;

  struct Slot;   // one timer's state (defined in the .cpp)
  struct State;  // shared between the clock and its timers

 private:
  std::shared_ptr<State> state_;
};

}  // namespace sim7080::test

#pragma once
// Deadlines as events: the channel asks a DeadlineTimer to call it back after a duration.
// The Asio shell uses a steady_timer (SteadyDeadlineTimer); tests use a virtual clock that a
// transcript's `~ 75s` line advances, so a 75-second timeout test takes microseconds.
#include <chrono>
#include <memory>

#include "asio/any_io_executor.hpp"
#include "util/inplace_function.hpp"

namespace sim7080::at {

// Stored in place: arming a deadline per command allocates nothing.
using ExpiryHandler = util::InplaceFunction<void()>;

class DeadlineTimer {
 public:
  virtual ~DeadlineTimer() = default;
  // Arms the timer; replaces any earlier arming. on_expiry runs on the I/O executor.
  virtual void arm(std::chrono::milliseconds after, ExpiryHandler on_expiry) = 0;
  // Disarms; a disarmed expiry never runs.
  virtual void disarm() = 0;
};

// A DeadlineTimer over asio::steady_timer.
std::unique_ptr<DeadlineTimer> make_steady_deadline_timer(asio::any_io_executor ex);

}  // namespace sim7080::at

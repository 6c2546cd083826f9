#pragma once
// Deadlines as events: the channel asks a DeadlineTimer to call it back after a duration.
// The Asio shell uses a steady_timer (SteadyDeadlineTimer); tests use a virtual clock that a
// transcript's `~ 75s` line advances, so a 75-second timeout test takes microseconds.
#include <chrono>
#include <functional>
#include <memory>

#include "asio/any_io_executor.hpp"

namespace sim7080::at {

class DeadlineTimer {
 public:
  virtual ~DeadlineTimer() = default;
  // Arms the timer; replaces any earlier arming. on_expiry runs on the I/O executor.
  virtual void arm(std::chrono::milliseconds after, std::function<void()> on_expiry) = 0;
  // Disarms; a disarmed expiry never runs.
  virtual void disarm() = 0;
};

// A DeadlineTimer over asio::steady_timer.
std::unique_ptr<DeadlineTimer> make_steady_deadline_timer(asio::any_io_executor ex);

}  // namespace sim7080::at

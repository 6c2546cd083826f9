#include <memory>

#include "asio/steady_timer.hpp"
#include "at/deadline_timer.hpp"

namespace sim7080::at {
namespace {

// Each arming bumps a generation number, so an expiry that was already queued when the
// timer was re-armed or disarmed is recognised and ignored.
class SteadyDeadlineTimer final : public DeadlineTimer {
 public:
  explicit SteadyDeadlineTimer(asio::any_io_executor ex) : state_(std::make_shared<State>(ex)) {}
  ~SteadyDeadlineTimer() override { disarm(); }

  void arm(std::chrono::milliseconds after, ExpiryHandler on_expiry) override {
    auto& s = *state_;
    const auto generation = ++s.generation;
    s.on_expiry = std::move(on_expiry);
    s.timer.expires_after(after);
    s.timer.async_wait([state = state_, generation](std::error_code ec) {
      if (ec || state->generation != generation) return;
      auto fn = std::move(state->on_expiry);
      state->on_expiry = nullptr;
      if (fn) fn();
    });
  }

  void disarm() override {
    ++state_->generation;
    state_->on_expiry = nullptr;
    state_->timer.cancel();
  }

 private:
  struct State {
    explicit State(asio::any_io_executor ex) : timer(ex) {}
    asio::steady_timer timer;
    std::uint64_t generation = 0;
    ExpiryHandler on_expiry;
  };
  std::shared_ptr<State> state_;
};

}  // namespace

std::unique_ptr<DeadlineTimer> make_steady_deadline_timer(asio::any_io_executor ex) {
  return std::make_unique<SteadyDeadlineTimer>(std::move(ex));
}

}  // namespace sim7080::at

#include "support/virtual_clock.hpp"

#include <algorithm>

#include "asio/post.hpp"

namespace sim7080::test {

struct VirtualClock::Slot {
  bool armed = false;
  duration deadline{0};
  std::uint64_t generation = 0;  // bumped by every arm/disarm: a posted expiry checks it
  std::uint64_t order = 0;       // arming sequence, breaks deadline ties
  at::ExpiryHandler on_expiry;
};

struct VirtualClock::State {
  asio::any_io_executor executor;
  duration now{0};
  std::uint64_t next_order = 0;
  std::vector<std::weak_ptr<Slot>> slots;  // every timer made; expired entries pruned lazily

  // Posts `slot`'s expiry; it runs only if nothing re-armed or disarmed the timer meanwhile.
  void fire(const std::shared_ptr<Slot>& slot) {
    slot->armed = false;
    asio::post(executor, [weak = std::weak_ptr<Slot>(slot), gen = slot->generation, fn = slot->on_expiry] {
      const auto s = weak.lock();
      if (s && s->generation == gen && fn) fn();
    });
  }
};

namespace {

class VirtualTimer final : public at::DeadlineTimer {
 public:
  VirtualTimer(std::weak_ptr<VirtualClock::State> clock, std::shared_ptr<VirtualClock::Slot> slot)
      : clock_(std::move(clock)), slot_(std::move(slot)) {}

  void arm(std::chrono::milliseconds after, at::ExpiryHandler on_expiry) override {
    const auto clock = clock_.lock();
    ++slot_->generation;
    slot_->on_expiry = std::move(on_expiry);
    slot_->armed = clock != nullptr;
    if (!clock) return;
    slot_->deadline = clock->now + after;
    slot_->order = clock->next_order++;
    if (after <= std::chrono::milliseconds{0}) clock->fire(slot_);
  }

  void disarm() override {
    ++slot_->generation;
    slot_->armed = false;
    slot_->on_expiry = nullptr;
  }

 private:
  std::weak_ptr<VirtualClock::State> clock_;
  std::shared_ptr<VirtualClock::Slot> slot_;
};

}  // namespace

VirtualClock::VirtualClock(asio::any_io_executor executor) : state_(std::make_shared<State>()) {
  state_->executor = std::move(executor);
}

VirtualClock::~VirtualClock() = default;

VirtualClock::duration VirtualClock::now() const noexcept { return state_->now; }

std::unique_ptr<at::DeadlineTimer> VirtualClock::make_timer() {
  auto slot = std::make_shared<Slot>();
  std::erase_if(state_->slots, [](const std::weak_ptr<Slot>& w) { return w.expired(); });
  state_->slots.push_back(slot);
  return std::make_unique<VirtualTimer>(state_, std::move(slot));
}

void VirtualClock::advance(duration by) {
  const duration target = state_->now + std::max(by, duration{0});
  for (;;) {
    std::shared_ptr<Slot> next;
    for (const auto& w : state_->slots) {
      const auto s = w.lock();
      if (!s || !s->armed || s->deadline > target) continue;
      if (!next || s->deadline < next->deadline || (s->deadline == next->deadline && s->order < next->order)) next = s;
    }
    if (!next) break;
    state_->now = std::max(state_->now, next->deadline);
    state_->fire(next);
  }
  state_->now = target;
}

std::size_t VirtualClock::armed_timers() const noexcept {
  return static_cast<std::size_t>(std::count_if(state_->slots.begin(), state_->slots.end(), [](const std::weak_ptr<Slot>& w) {
    const auto s = w.lock();
    return s && s->armed;
  }));
}

}  // namespace sim7080::test

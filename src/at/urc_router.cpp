#include "at/urc_router.hpp"

#include <algorithm>

namespace sim7080::at {

UrcSubscription& UrcSubscription::operator=(UrcSubscription&& o) noexcept {
  if (this != &o) {
    reset();
    router_ = o.router_;
    id_ = o.id_;
    o.router_ = nullptr;
  }
  return *this;
}

void UrcSubscription::reset() noexcept {
  if (router_) router_->unsubscribe(id_);
  router_ = nullptr;
}

UrcSubscription UrcRouter::subscribe(std::string prefix, UrcHandler handler) {
  const auto id = next_id_++;
  entries_.push_back(std::make_shared<Entry>(Entry{id, std::move(prefix), std::move(handler)}));
  return UrcSubscription(this, id);
}

void UrcRouter::unsubscribe(std::uint64_t id) noexcept {
  // Handlers may unsubscribe while dispatch runs: mark instead of erasing mid-iteration.
  for (auto& e : entries_) {
    if (e->id == id) e->id = 0;
  }
  if (dispatching_ == 0) std::erase_if(entries_, [](const auto& e) { return e->id == 0; });
}

bool UrcRouter::matches(std::string_view line, std::string_view prefix) noexcept {
  if (line == prefix) return true;
  return line.size() > prefix.size() && line.compare(0, prefix.size(), prefix) == 0 &&
         line[prefix.size()] == ':';
}

bool UrcRouter::dispatch(std::string_view line) {
  bool matched = false;
  // Index loop: a handler may subscribe (push_back) while we iterate.
  ++dispatching_;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i]->id == 0 || !matches(line, entries_[i]->prefix)) continue;
    matched = true;
    const std::shared_ptr<Entry> keep = entries_[i];
    keep->handler(line);
  }
  if (--dispatching_ == 0) std::erase_if(entries_, [](const auto& e) { return e->id == 0; });
  if (!matched) {
    ++unknown_count_;
    if (unknown_) unknown_(line);
  }
  return matched;
}

}  // namespace sim7080::at

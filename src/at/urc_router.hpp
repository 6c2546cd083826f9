#pragma once
// URC routing by prefix (style practice 10). Subscribers own an RAII token; a line that no
// subscriber claims goes to the unknown-URC hook and a counter, never into a response.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sim7080::at {

using UrcHandler = std::function<void(std::string_view line)>;

class UrcRouter;

// Unsubscribes on destruction. Movable, not copyable.
class [[nodiscard]] UrcSubscription {
 public:
  UrcSubscription() = default;
  UrcSubscription(UrcRouter* router, std::uint64_t id) : router_(router), id_(id) {}
  UrcSubscription(UrcSubscription&& o) noexcept : router_(o.router_), id_(o.id_) { o.router_ = nullptr; }
  UrcSubscription& operator=(UrcSubscription&& o) noexcept;
  UrcSubscription(const UrcSubscription&) = delete;
  UrcSubscription& operator=(const UrcSubscription&) = delete;
  ~UrcSubscription() { reset(); }
  void reset() noexcept;

 private:
  UrcRouter* router_ = nullptr;
  std::uint64_t id_ = 0;
};

class UrcRouter {
 public:
  // `prefix` matches a line equal to it ("RDY") or starting with `<prefix>:` ("+FTPGET").
  UrcSubscription subscribe(std::string prefix, UrcHandler handler);
  // Delivers to every matching subscriber; returns false if none matched (then the unknown
  // hook runs and the counter grows).
  bool dispatch(std::string_view line);
  void set_unknown_hook(UrcHandler hook) { unknown_ = std::move(hook); }
  std::uint64_t unknown_count() const noexcept { return unknown_count_; }
  static bool matches(std::string_view line, std::string_view prefix) noexcept;

 private:
  friend class UrcSubscription;
  void unsubscribe(std::uint64_t id) noexcept;

  struct Entry {
    std::uint64_t id;
    std::string prefix;
    UrcHandler handler;
  };
  // shared_ptr: a handler stays alive while it runs even if it unsubscribes itself or a
  // new subscription reallocates the vector; allocation happens at subscribe time only.
  std::vector<std::shared_ptr<Entry>> entries_;
  int dispatching_ = 0;
  UrcHandler unknown_;
  std::uint64_t next_id_ = 1;
  std::uint64_t unknown_count_ = 0;
};

}  // namespace sim7080::at

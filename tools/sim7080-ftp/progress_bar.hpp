#pragma once
// A one-line progress bar on a terminal: bytes, rate and ETA, redrawn at most 10 times a second.
#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>

namespace sim7080::cli {

class ProgressBar {
 public:
  explicit ProgressBar(std::ostream& out) : out_(out), started_(Clock::now()) {}
  void update(std::uint64_t done, std::optional<std::uint64_t> total);
  void finish();

 private:
  using Clock = std::chrono::steady_clock;
  std::ostream& out_;
  Clock::time_point started_;
  Clock::time_point last_{};
  bool drawn_ = false;
  std::uint64_t last_done_ = 0;                // the latest count, drawn or not
  std::uint64_t drawn_done_ = 0;               // the count on screen
  std::optional<std::uint64_t> last_total_;
  void draw(std::uint64_t done, std::optional<std::uint64_t> total, Clock::time_point now);
};

}  // namespace sim7080::cli

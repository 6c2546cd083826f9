#include "progress_bar.hpp"

#include <fmt/format.h>

namespace sim7080::cli {

void ProgressBar::update(std::uint64_t done, std::optional<std::uint64_t> total) {
  const auto now = Clock::now();
  last_done_ = done;
  last_total_ = total;
  // Redraw at most 10 times a second; finish() draws the final count whatever the throttle.
  if (drawn_ && now - last_ < std::chrono::milliseconds(100) && (!total || done < *total)) return;
  draw(done, total, now);
}

void ProgressBar::draw(std::uint64_t done, std::optional<std::uint64_t> total, Clock::time_point now) {
  last_ = now;
  drawn_ = true;
  drawn_done_ = done;
  const double seconds = std::chrono::duration<double>(now - started_).count();
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0.0;
  std::string line = fmt::format("\r{:>10} B {:>8.1f} KiB/s", done, rate / 1024.0);
  if (total && *total > 0) {
    const double frac = std::min(1.0, static_cast<double>(done) / static_cast<double>(*total));
    const int width = 30;
    const int fill = static_cast<int>(frac * width);
    const double eta = rate > 0 ? static_cast<double>(*total - std::min(done, *total)) / rate : 0.0;
    line += fmt::format(" [{}{}] {:3.0f}% ETA {:.0f}s", std::string(static_cast<std::size_t>(fill), '#'),
                        std::string(static_cast<std::size_t>(width - fill), ' '), frac * 100.0, eta);
  }
  out_ << line << std::flush;
}

void ProgressBar::finish() {
  if (!drawn_) return;
  if (drawn_done_ != last_done_) draw(last_done_, last_total_, Clock::now());
  out_ << "\n" << std::flush;
  drawn_ = false;
}

}  // namespace sim7080::cli

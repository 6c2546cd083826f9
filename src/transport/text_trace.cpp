// The human-readable trace: pyserial spy:// style lines, one per chunk (wrapped at 16 bytes),
// so a failing session's log shows exactly which bytes crossed the line and when.
#include <algorithm>
#include <chrono>
#include <iterator>
#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>

#include "fmt/format.h"
#include "sim7080/trace.hpp"

namespace sim7080 {
namespace {

constexpr std::size_t bytes_per_line = 16;

class TextTrace final : public TraceSink {
 public:
  explicit TextTrace(std::ostream& out) : out_(out) {}

  void on_tx(std::span<const std::byte> bytes, std::chrono::steady_clock::time_point when) override {
    dump("TX", tx_offset_, bytes, when);
  }
  void on_rx(std::span<const std::byte> bytes, std::chrono::steady_clock::time_point when) override {
    dump("RX", rx_offset_, bytes, when);
  }
  void on_event(std::string_view text, std::chrono::steady_clock::time_point when) override {
    buf_.clear();
    fmt::format_to(std::back_inserter(buf_), "{:.6f} EV ", seconds(when));
    for (char c : text) buf_.push_back(printable(static_cast<unsigned char>(c)) ? c : '.');
    buf_.push_back('\n');
    out_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
  }

 private:
  static bool printable(unsigned char c) noexcept { return c >= 0x20 && c < 0x7f; }

  double seconds(std::chrono::steady_clock::time_point when) {
    if (!start_) start_ = when;
    if (when < *start_) return 0.0;
    return std::chrono::duration<double>(when - *start_).count();
  }

  void dump(const char* dir, std::uint64_t& offset, std::span<const std::byte> bytes,
            std::chrono::steady_clock::time_point when) {
    if (bytes.empty()) return;
    const double t = seconds(when);
    buf_.clear();
    for (std::size_t row = 0; row < bytes.size(); row += bytes_per_line) {
      const auto line = bytes.subspan(row, std::min(bytes_per_line, bytes.size() - row));
      fmt::format_to(std::back_inserter(buf_), "{:.6f} {} {:08x} ", t, dir, offset + row);
      for (std::size_t i = 0; i < line.size(); ++i) {
        if (i != 0) buf_.push_back(' ');
        fmt::format_to(std::back_inserter(buf_), "{:02x}", static_cast<unsigned>(line[i]));
      }
      buf_.push_back(' ');
      buf_.push_back(' ');
      for (std::byte b : line) {
        const auto c = static_cast<unsigned char>(b);
        buf_.push_back(printable(c) ? static_cast<char>(c) : '.');
      }
      buf_.push_back('\n');
    }
    offset += bytes.size();
    out_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
  }

  std::ostream& out_;
  std::optional<std::chrono::steady_clock::time_point> start_;
  std::uint64_t tx_offset_ = 0;
  std::uint64_t rx_offset_ = 0;
  fmt::memory_buffer buf_;  // one write per chunk; capacity kept between chunks
};

}  // namespace

std::unique_ptr<TraceSink> make_text_trace(std::ostream& out) { return std::make_unique<TextTrace>(out); }

}  // namespace sim7080

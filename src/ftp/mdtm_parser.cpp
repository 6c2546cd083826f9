#include "ftp/mdtm_parser.hpp"

#include <cstdio>

namespace sim7080::ftp {
namespace {

bool all_digits(std::string_view s) noexcept {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

// Reads `n` (at most 4) decimal digits at `pos`; nullopt when any is not a digit.
std::optional<int> digits(std::string_view s, std::size_t pos, std::size_t n) noexcept {
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    const char c = s[i];
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace

std::optional<std::chrono::sys_seconds> parse_mdtm(std::string_view text) noexcept {
  using namespace std::chrono;
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') text = text.substr(1, text.size() - 2);
  if (text.size() < 14) return std::nullopt;
  if (text.size() > 14) {
    // RFC 3659 time-val: 14DIGIT [ "." 1*DIGIT ]. The fraction is checked, then dropped
    // (never converted: it may be any length).
    const std::string_view frac = text.substr(14);
    if (frac.front() != '.' || !all_digits(frac.substr(1))) return std::nullopt;
  }
  const auto y = digits(text, 0, 4), mo = digits(text, 4, 2), d = digits(text, 6, 2);
  const auto h = digits(text, 8, 2), mi = digits(text, 10, 2), s = digits(text, 12, 2);
  if (!y || !mo || !d || !h || !mi || !s) return std::nullopt;
  if (*h > 23 || *mi > 59 || *s > 60) return std::nullopt;
  const year_month_day ymd{year{*y}, month{static_cast<unsigned>(*mo)}, day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;  // month 1–12 and the day within that month and year
  return sys_seconds{sys_days{ymd}} + hours{*h} + minutes{*mi} + seconds{*s};
}

std::string format_iso8601(std::chrono::sys_seconds t) {
  using namespace std::chrono;
  const auto day_start = floor<days>(t);
  const year_month_day ymd{day_start};
  const hh_mm_ss<seconds> hms{t - day_start};
  char buf[48];
  const int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                              static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                              static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                              static_cast<int>(hms.seconds().count()));
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string{};
}

}  // namespace sim7080::ftp

#include "at/quote.hpp"

#include <algorithm>

#include "sim7080/error.hpp"

namespace sim7080::at {

bool is_quotable(std::string_view value) noexcept {
  return std::all_of(value.begin(), value.end(), [](char c) { return is_quotable_char(c); });
}

std::error_code quote_argument(std::string_view value, std::size_t max_len, std::string& out) {
  if (value.size() > max_len || !is_quotable(value)) return make_error_code(AtErrc::invalid_argument);
  out.reserve(out.size() + value.size() + 2);
  out += '"';
  out += value;
  out += '"';
  return {};
}

std::error_code check_command_line(std::string_view line) {
  const auto is_a = [](char c) { return c == 'A' || c == 'a'; };
  const auto is_t = [](char c) { return c == 'T' || c == 't'; };
  if (line.size() < 2 || !is_a(line[0]) || !is_t(line[1])) return make_error_code(AtErrc::invalid_argument);
  if (line.size() - 2 > max_command_line_chars) return make_error_code(AtErrc::invalid_argument);
  // Unlike an argument, a whole line may contain '"' (it delimits the arguments); everything
  // else that could end the line early or is not IRA is refused.
  const bool clean = std::all_of(line.begin(), line.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u < 0x7F;
  });
  return clean ? std::error_code{} : make_error_code(AtErrc::invalid_argument);
}

}  // namespace sim7080::at

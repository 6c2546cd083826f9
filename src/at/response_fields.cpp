#include "at/response_fields.hpp"

namespace sim7080::at {
namespace {

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<std::uint64_t> parse_unsigned(std::string_view s) noexcept {
  if (s.empty() || s.size() > 20) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (v > (UINT64_MAX - digit) / 10) return std::nullopt;
    v = v * 10 + digit;
  }
  return v;
}

std::optional<std::uint64_t> ResponseFields::number(std::size_t i) const noexcept {
  if (i >= count) return std::nullopt;
  return parse_unsigned(fields[i]);
}

std::string_view ResponseFields::text(std::size_t i) const noexcept {
  if (i >= count) return {};
  std::string_view f = fields[i];
  if (f.size() >= 2 && f.front() == '"' && f.back() == '"') f = f.substr(1, f.size() - 2);
  return f;
}

bool has_prefix(std::string_view line, std::string_view prefix) noexcept {
  return line.size() > prefix.size() && line.compare(0, prefix.size(), prefix) == 0 &&
         line[prefix.size()] == ':';
}

std::optional<ResponseFields> parse_response(std::string_view line) noexcept {
  const auto colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  ResponseFields out;
  out.prefix = line.substr(0, colon);
  std::string_view rest = trim(line.substr(colon + 1));
  if (rest.empty()) return out;
  // Split on commas outside quotes and outside parentheses (test replies such as
  // `+FTPGET: (1,2),(1-1460)` keep their groups as single fields).
  std::size_t start = 0;
  bool quoted = false;
  int depth = 0;
  for (std::size_t i = 0; i <= rest.size(); ++i) {
    const bool end = i == rest.size();
    const char c = end ? ',' : rest[i];
    if (!end && c == '"') quoted = !quoted;
    if (!quoted && c == '(') ++depth;
    if (!quoted && c == ')' && depth > 0) --depth;
    if ((c == ',' && !quoted && depth == 0) || end) {
      if (out.count == ResponseFields::max_fields) return std::nullopt;
      out.fields[out.count++] = trim(rest.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

}  // namespace sim7080::at

#pragma once
// Splitting a response or URC line such as `+FTPGET: 2,1024` or `+CNACT: 0,1,"10.94.36.44"`
// into its prefix and fields, with the tolerance of spec §6.3: any number of spaces after the
// colon and around commas, quoted or unquoted strings, 64-bit unsigned numbers.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace sim7080::at {

struct ResponseFields {
  static constexpr std::size_t max_fields = 8;
  std::string_view prefix;                          // "+FTPGET"
  std::array<std::string_view, max_fields> fields;  // raw, trimmed (quotes kept)
  std::size_t count = 0;

  // Field i as an unsigned number; nullopt if absent, empty, non-numeric or over 2^64-1.
  std::optional<std::uint64_t> number(std::size_t i) const noexcept;
  // Field i without surrounding quotes; empty if absent.
  std::string_view text(std::size_t i) const noexcept;
};

// nullopt when the line has no colon, or more than max_fields fields.
std::optional<ResponseFields> parse_response(std::string_view line) noexcept;

// True when `line` is `<prefix>:` (the colon immediately follows the prefix).
bool has_prefix(std::string_view line, std::string_view prefix) noexcept;

// Parses a whole string as an unsigned decimal number (no sign, no spaces).
std::optional<std::uint64_t> parse_unsigned(std::string_view s) noexcept;

}  // namespace sim7080::at

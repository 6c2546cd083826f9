#pragma once
// The AT injection guard (spec §1.1, §3.13, §8 Q19). The module defines no escape for `"`
// inside a quoted argument, and a CR or LF ends the command line, so a value carrying either
// would let a caller's string become a second command. Rather than try to escape what cannot
// be escaped, every string argument goes through quote_argument() and every finished command
// line through check_command_line(); both refuse with AtErrc::invalid_argument.
#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

namespace sim7080::at {

/// The longest command line the module accepts, counted after the `AT` prefix (spec §1.1);
/// beyond it nothing runs and the module answers `ERROR`.
inline constexpr std::size_t max_command_line_chars = 559;

/// True when `c` may appear inside a quoted argument: printable ASCII (0x20..0x7E) except `"`.
/// Control bytes, DEL and non-ASCII are refused because the character set is IRA and no
/// escaping is defined (spec §3.13).
constexpr bool is_quotable_char(char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x20 && u < 0x7F && c != '"';
}

/// True when every byte of `value` is quotable (see is_quotable_char); the empty string is.
bool is_quotable(std::string_view value) noexcept;

/// Appends `"value"` to `out`. Refuses with AtErrc::invalid_argument, leaving `out` untouched,
/// when `value` is longer than `max_len` characters or holds `"`, CR, LF, any other byte below
/// 0x20, DEL or a byte of 0x80 and above.
std::error_code quote_argument(std::string_view value, std::size_t max_len, std::string& out);

/// Checks a complete command line, without its final CR, before it is written: it must start
/// with `AT` (any case), hold at most max_command_line_chars characters after that prefix, and
/// contain no CR, LF, other control byte, DEL or non-ASCII byte. Else AtErrc::invalid_argument.
std::error_code check_command_line(std::string_view line);

}  // namespace sim7080::at

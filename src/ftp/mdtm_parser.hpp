#pragma once
// The timestamp of `+FTPMDTM: 1,0,<timestamp>` (spec §3.28): the server's MDTM value,
// `YYYYMMDDhhmmss`, which RFC 3659 makes UTC and lets carry a `.fff` fraction.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace sim7080::ftp {

/// Parses `YYYYMMDDhhmmss` with an optional `.` and one or more fraction digits (dropped: the
/// API reports whole seconds), optionally inside one pair of double quotes (spec §3.28 accepts
/// both). Ranges are checked: month 1–12, day within the month (leap years included), hour
/// < 24, minute < 60, second ≤ 60 (a leap second, which lands on the next minute's second 0).
/// Anything else, including surrounding spaces or a sign, gives nullopt.
/// `20140409060951` → 2014-04-09 06:09:51 UTC.
std::optional<std::chrono::sys_seconds> parse_mdtm(std::string_view text) noexcept;

/// Formats a time as ISO 8601 UTC with whole seconds: `2014-04-09T06:09:51Z`. Years outside
/// 0000–9999 are printed with as many digits as they need (and a `-` sign before year 0).
std::string format_iso8601(std::chrono::sys_seconds t);

}  // namespace sim7080::ftp

#pragma once
// Parsing the raw output of AT+FTPLIST (spec §3.22): the server's LIST reply, which the module
// passes on untouched. There is no standard format; servers send Unix `ls -l` lines (most) or
// DOS/IIS lines. Anything else is kept, not dropped, as an entry of kind unknown, so a caller
// never loses a line it could still show to a person.
#include <chrono>
#include <cstddef>
#include <string_view>
#include <vector>

#include "sim7080/ftp_types.hpp"

namespace sim7080::ftp {

/// Longest listing line that is parsed. Longer lines (no real server sends one: a name is at
/// most a few hundred bytes) become unknown entries holding their first max_list_line_bytes
/// bytes, which bounds the work and memory a hostile listing can cause per line.
inline constexpr std::size_t max_list_line_bytes = 4096;

/// Parses one listing line, given without its line end. Recognised forms:
///  - Unix `ls -l`: `<perms> <links> <owner> [<group>] <size> <Mon> <DD> <HH:MM|YYYY> <name>`.
///    The first character of `<perms>` gives the kind (`d` directory, `-` file, `l` symlink,
///    anything else other); `<name>` is everything after the single space that follows the
///    date, spaces included; a symlink's ` -> <target>` is cut off. `HH:MM` dates carry no year:
///    the most recent such date not after `now` is taken (pass a later `now` to allow for a
///    server clock running ahead). `YYYY` dates are taken at 00:00.
///  - DOS/IIS: `MM-DD-YY[YY]  hh:mm{AM|PM}  {<DIR>|<size>}  <name>` (24-hour time accepted);
///    two-digit years 70–99 are 19xx, 00–69 are 20xx (the POSIX `%y` rule).
/// Times are taken as UTC. A calendar-impossible date (Feb 30) leaves `modified` empty. A line
/// matching neither form gives kind unknown, `name` = `raw` = the line (truncated to
/// max_list_line_bytes). Never throws except std::bad_alloc; any bytes are accepted.
ListEntry parse_list_line(std::string_view line, std::chrono::sys_seconds now);

/// Parses a whole listing as received (the concatenated AT+FTPLIST payloads): lines end with
/// CR LF or LF, the last one may lack its line end; blank lines and `total <n>` lines are
/// skipped. Each entry's `raw` is a substring of `listing`.
std::vector<ListEntry> parse_list(std::string_view listing, std::chrono::sys_seconds now);

}  // namespace sim7080::ftp

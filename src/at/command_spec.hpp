#pragma once
// How the channel treats one AT command: its deadline, which lines are its replies (and not
// URCs), whether a reply announces a counted payload, and whether the modem asks the host for
// data. Rows of these live in the command table (src/ftp/command_table.cpp); the AT layer
// knows only the shape.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "at/payload_rule.hpp"

namespace sim7080::at {

// The host data phase a command may have (spec §1.5, §4.1).
enum class GoAhead : std::uint8_t {
  none,
  counted,      // `<prefix>: 2,<n>` then exactly n host bytes, then OK (AT+FTPPUT=2,<n>)
  staged,       // `<prefix>: <pos>,<n>` then exactly n host bytes, then OK (AT+FTPEXTPUT=2,...)
  transparent,  // [OK] then `<prefix>: 2,1`, then DLE-escaped bytes and one ETX, then OK (AT+FTPETPUT=2)
  prompt,       // a `DOWNLOAD` line, then the request's data_length bytes, then OK (AT+CFSWFILE)
};

struct CommandSpec {
  std::string_view name;                 // "AT+FTPGET"
  std::chrono::milliseconds timeout;     // deadline for the final result code
  std::string_view reply_prefix;         // lines `<reply_prefix>:` may be replies ("" = none)
  std::string_view reply_first;          // if set, only lines whose first field is one of these
                                         // characters are replies ("2" for +FTPGET: 2,<n>);
                                         // the others are URCs (spec §6.2)
  std::optional<PayloadRule> payload;    // a reply that announces counted bytes
  GoAhead go_ahead = GoAhead::none;
  std::string_view go_ahead_prefix;      // "+FTPPUT", "+FTPEXTPUT", "+FTPETPUT", "" for prompt
};

}  // namespace sim7080::at

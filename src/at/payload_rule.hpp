#pragma once
// Which header line switches the tokenizer out of line mode. Armed only for the outstanding
// command (spec §4.1 rule 1), so a prefix alone never triggers raw mode.
#include <cstdint>
#include <string_view>

namespace sim7080::at {

struct PayloadRule {
  enum class Mode : std::uint8_t { counted, transparent };
  std::string_view prefix;   // "+FTPGET" (no colon)
  std::string_view first;    // first field that marks the header: "2" for +FTPGET: 2,<n>
  Mode mode = Mode::counted; // counted: second field is the byte count; transparent: second field must be 1
  std::uint64_t max_length = 0;  // counted: a larger count is a protocol error (no raw mode)
};

}  // namespace sim7080::at

#pragma once
// Messages for AtErrc and the module's +CME ERROR numbers. Messages live only here.
#include <span>
#include <string_view>

#include "sim7080/error.hpp"

namespace sim7080::at {

struct CmeErrorRow {
  int code;
  std::string_view text;  // the module's verbose text (AT+CMEE=2), also accepted by the parser
};

std::span<const CmeErrorRow> cme_error_table() noexcept;
const CmeErrorRow* find_cme_error(int code) noexcept;
const CmeErrorRow* find_cme_error_text(std::string_view text) noexcept;  // case-insensitive
std::string_view at_error_message(AtErrc e) noexcept;

}  // namespace sim7080::at

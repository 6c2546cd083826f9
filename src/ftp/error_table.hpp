#pragma once
// The FTP session error table: the module's number, our enum, and the one message for it.
// Messages live only here (and in the AT/CME tables); docs/errors.md is checked against them.
#include <span>
#include <string_view>

#include "sim7080/error.hpp"

namespace sim7080::ftp {

struct FtpErrorRow {
  int code;                  // the module's number, as in `+FTPGET: 1,<code>`
  FtpErrc errc;
  std::string_view label;    // what the message says, e.g. "FTP password error"
  std::string_view advice;   // likely cause and what to do (docs/errors.md, CLI)
};

std::span<const FtpErrorRow> ftp_error_table() noexcept;
const FtpErrorRow* find_ftp_error(int code) noexcept;

}  // namespace sim7080::ftp

#pragma once
/// @file error.hpp
/// Error codes of the sim7080 library: four enums with stable values, their categories, and
/// the portable conditions callers test against (`ec == sim7080::Condition::retryable`).

#include <string_view>
#include <system_error>

namespace sim7080 {

/// Errors of the AT layer and of the command channel (category "sim7080.at").
enum class AtErrc {
  timeout = 1,          ///< a deadline passed before the modem answered
  line_too_long,        ///< a line exceeded the parser's limit; the parser resynchronised
  malformed_line,       ///< a line with control or NUL bytes; dropped, parser resynchronised
  error_result,         ///< the modem answered plain `ERROR`
  protocol_error,       ///< the modem sent something the protocol does not allow here
  modem_restarted,      ///< `RDY`, `SMS Ready`, `+CFUN: 1` or `+CPIN: READY` arrived unsolicited
  modem_powered_down,   ///< `NORMAL POWER DOWN` or a voltage power-down URC arrived
  invalid_argument,     ///< an argument would break the command line (quote, CR, LF, ...) or is out of range
  channel_closed,       ///< the channel was closed while the command was pending
  busy,                 ///< another operation is already running on this session
  truncated,            ///< a transfer ended with fewer bytes than the modem announced
  baud_rate_fallback,   ///< the modem did not answer at the new baud rate; the link is back at the old one
};

/// `+CME ERROR: <n>` codes; values equal the module's numbers (category "sim7080.cme").
enum class CmeErrc {
  operation_not_allowed = 3,
  operation_not_supported = 4,
  sim_not_inserted = 10,
  sim_pin_required = 11,
  sim_puk_required = 12,
  sim_failure = 13,
  sim_busy = 14,
  sim_wrong = 15,
  incorrect_password = 16,
  no_network_service = 30,
  network_timeout = 31,
  unknown = 100,
  gprs_services_not_allowed = 107,
  unspecified_gprs_error = 148,
  pdp_authentication_failure = 149,
  dns_resolve_failed = 160,
  socket_open_failed = 161,
  operation_overtime = 173,
  network_connection_failed = 177,
  gprs_not_attached = 180,
  tcpip_stack_busy = 181,
  file_not_found = 188,
  unrecognized_command = 601,
  syntax_error = 603,
  unspecified_error = 604,
  data_transfer_already = 605,
  action_already = 606,
  multi_command_too_long = 608,
  invalid_input_value = 765,
  unsupported_mode = 766,
  operation_failed = 767,
  param_count_not_enough = 791,
  param_count_beyond = 792,
  param_value_range_beyond = 793,
  param_type_not_match = 794,
  param_format_invalid = 795,
  null_param = 796,
  cfun_state_0_or_4 = 797,
};

/// FTP session error codes carried by `+FTPxxx: 1,<error>` URCs; values equal the module's
/// numbers, so `static_cast<int>` round-trips (category "sim7080.ftp"). Codes the module may
/// send that are not listed here still map into the category with a generic message.
enum class FtpErrc {
  net_error = 61,
  dns_error = 62,
  connect_error = 63,
  timeout = 64,
  server_error = 65,
  operation_not_allowed = 66,
  reply_error = 70,
  user_error = 71,
  password_error = 72,
  type_error = 73,
  rest_error = 74,
  passive_error = 75,
  active_error = 76,
  operate_error = 77,
  upload_error = 78,
  download_error = 79,
  manual_quit = 80,
  ssl_connect_error = 90,
  ssl_alert_error = 91,
  auth_error = 92,
  pbsz_error = 93,
  prot_error = 94,
};

/// Errors of the serial transport (category "sim7080.transport").
enum class TransportErrc {
  no_device = 1,     ///< the device path does not exist or cannot be opened
  port_vanished,     ///< the device went away (EIO, ENXIO, hang-up, end of file)
  configure_failed,  ///< the port opened but baud rate, framing or flow control could not be set
  not_open,          ///< an operation on a port that is not open
};

/// Portable conditions, for `ec == sim7080::Condition::retryable` (category "sim7080.condition").
enum class Condition {
  retryable = 1,  ///< trying the same operation again may succeed (timeouts, network, link loss)
  auth_failed,    ///< the server rejected the user name or password
  not_found,      ///< the remote file or directory does not exist (or the command on it failed)
  link_lost,      ///< the modem or the serial link went away (restart, power-down, vanished port)
};

/// The category objects; their `name()`s are "sim7080.at", "sim7080.cme", "sim7080.ftp",
/// "sim7080.transport" and "sim7080.condition".
const std::error_category& at_category() noexcept;
/// The "sim7080.cme" category (`+CME ERROR: <n>`).
const std::error_category& cme_category() noexcept;
/// The "sim7080.ftp" category (FTP session errors 61–94).
const std::error_category& ftp_category() noexcept;
/// The "sim7080.transport" category (the serial device).
const std::error_category& transport_category() noexcept;
/// The "sim7080.condition" category of the portable conditions.
const std::error_category& condition_category() noexcept;

/// Makes AtErrc usable as a std::error_code.
inline std::error_code make_error_code(AtErrc e) noexcept { return {static_cast<int>(e), at_category()}; }
/// Makes CmeErrc usable as a std::error_code.
inline std::error_code make_error_code(CmeErrc e) noexcept { return {static_cast<int>(e), cme_category()}; }
/// Makes FtpErrc usable as a std::error_code.
inline std::error_code make_error_code(FtpErrc e) noexcept { return {static_cast<int>(e), ftp_category()}; }
/// Makes TransportErrc usable as a std::error_code.
inline std::error_code make_error_code(TransportErrc e) noexcept { return {static_cast<int>(e), transport_category()}; }
/// Makes Condition usable as a std::error_condition (`ec == Condition::retryable`).
inline std::error_condition make_error_condition(Condition c) noexcept { return {static_cast<int>(c), condition_category()}; }

/// An FTP session error from the module's number (any number, listed in FtpErrc or not).
inline std::error_code make_ftp_error(int module_code) noexcept { return {module_code, ftp_category()}; }
/// A `+CME ERROR` from the module's number (any number).
inline std::error_code make_cme_error(int module_code) noexcept { return {module_code, cme_category()}; }

}  // namespace sim7080

namespace std {
template <> struct is_error_code_enum<sim7080::AtErrc> : true_type {};
template <> struct is_error_code_enum<sim7080::CmeErrc> : true_type {};
template <> struct is_error_code_enum<sim7080::FtpErrc> : true_type {};
template <> struct is_error_code_enum<sim7080::TransportErrc> : true_type {};
template <> struct is_error_condition_enum<sim7080::Condition> : true_type {};
}  // namespace std

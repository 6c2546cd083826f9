#pragma once
/// @file modem.hpp
/// sim7080::Modem: the serial link to one SIM7080, its AT command channel, and the basic and
/// bearer (PDP) operations. FtpSession runs on top of a Modem.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "asio/any_io_executor.hpp"
#include "asio/async_result.hpp"
#include "sim7080/detail/completion.hpp"
#include "sim7080/error.hpp"
#include "sim7080/serial_options.hpp"
#include "sim7080/trace.hpp"

namespace sim7080 {
namespace transport { class ByteStream; }
namespace at { class DeadlineTimer; }

/// Counters of what the channel saw and set aside.
struct ModemStats {
  std::uint64_t unknown_urcs = 0;   ///< lines no subscriber claimed
  std::uint64_t stray_finals = 0;   ///< final result codes with no command in flight
  std::uint64_t parse_errors = 0;   ///< over-long, malformed or protocol-violating output
  std::uint64_t restarts = 0;       ///< module restarts or power-downs seen
};

/// Bearer (PDP context) state, from AT+CPIN?, AT+CSQ, AT+CGATT?, AT+COPS?, AT+CNACT?.
struct BearerInfo {
  std::string sim_state;          ///< "READY", "SIM PIN", "NOT INSERTED", ...
  int rssi = 99;                  ///< AT+CSQ rssi, 0..31 or 99 (unknown)
  int ber = 99;                   ///< AT+CSQ bit error rate, 0..7 or 99
  bool attached = false;          ///< AT+CGATT? = 1
  std::string operator_name;      ///< from AT+COPS? ("" if not registered)
  int access_technology = -1;     ///< AT+COPS? netact (7 LTE Cat-M, 9 NB-IoT), -1 unknown
  bool active = false;            ///< the context FTP uses is active
  std::string address;            ///< its IP address ("0.0.0.0" when inactive)
};

/// Options for bringing the bearer up.
struct BearerOptions {
  int cid = 0;                                   ///< PDP context index 0..3 (same as FtpConfig::cid)
  std::string apn;                               ///< APN; empty = leave the network's default
  std::chrono::milliseconds attach_timeout{60000};  ///< wait for AT+CGATT? = 1 (polled every 2 s)
  std::chrono::milliseconds activate_timeout{60000};///< wait for `+APP PDP: <cid>,ACTIVE`
};

/// Thread safety, as for Asio's own I/O objects: use one Modem (and the sessions on it) from
/// its executor's thread only; post work there from other threads.
class Modem {
 public:
  class Impl;

  /// A modem whose I/O runs on `executor`. Call open() before any operation.
  explicit Modem(const asio::any_io_executor& executor);
  /// For tests and custom links: a modem over an already-open byte stream (not owned) and a
  /// deadline timer (e.g. a virtual clock's).
  Modem(transport::ByteStream& stream, std::unique_ptr<at::DeadlineTimer> command_timer,
        std::function<std::unique_ptr<at::DeadlineTimer>()> timer_factory);
  ~Modem();
  Modem(const Modem&) = delete;
  Modem& operator=(const Modem&) = delete;

  /// The executor all I/O and handlers without an executor of their own run on.
  asio::any_io_executor get_executor() const;

  /// Opens the serial device (raw 8N1 at the given baud, optional RTS/CTS) and starts reading.
  /// Errors: TransportErrc::no_device, TransportErrc::configure_failed.
  std::error_code open(const SerialOptions& options);
  /// Ends every pending operation with AtErrc::channel_closed and closes the port. The
  /// io_context then runs out of work.
  void close();
  /// True between a successful open() and close().
  bool is_open() const;

  /// Adds a sink that sees all traffic (the FTP password is redacted before any sink).
  void add_trace_sink(TraceSink& sink);
  /// Removes a sink added with add_trace_sink().
  void remove_trace_sink(TraceSink& sink);
  /// Called with every line that no one claimed (unknown URCs).
  void set_unknown_urc_hook(std::function<void(std::string_view)> hook);
  /// Counters of unknown URCs, stray results, parse errors and restarts so far.
  ModemStats stats() const;

  /// Brings the command interface to a known state: `AT` until `OK` (up to 20 tries, 1 s
  /// apart, for auto-baud modules), then `ATE0`, `AT+CMEE=1`, and `AT+IFC=2,2` when RTS/CTS is
  /// enabled.
  ///
  /// Handler signature: `void(std::error_code)`.
  /// Completion condition: the last command answered OK, or one failed.
  /// Error codes: AtErrc::timeout (no answer to AT), AtErrc::error_result, CME errors,
  /// AtErrc::modem_restarted, TransportErrc::port_vanished, AtErrc::channel_closed.
  /// Per-Operation Cancellation: terminal; the command in flight completes first, then the
  /// handler gets asio::error::operation_aborted.
  template <class Token>
  auto async_initialize(Token&& token) {
    return async_initialize(20, std::forward<Token>(token));
  }

  /// As above, with at most `attempts` tries of `AT` (e.g. 3, to probe a baud rate quickly).
  template <class Token>
  auto async_initialize(int attempts, Token&& token) {
    return asio::async_initiate<Token, void(std::error_code)>(
        [this](auto handler, int n) {
          auto slot = asio::get_associated_cancellation_slot(handler);
          start_initialize(n, detail::Completion<>(std::move(handler), get_executor()), slot);
        },
        token, attempts);
  }

  /// Switches the line speed (spec §1.7): `AT+IPR=<rate>`; after its OK the serial port is
  /// reopened at the new rate and `AT` verifies it (3 tries, 1 s each). If the module does not
  /// answer, the port goes back to the old rate and `AT` checks the link there. AT+IPR is
  /// AUTO_SAVE: the module keeps the rate across reboots.
  ///
  /// Handler signature: `void(std::error_code)`.
  /// Completion condition: `AT` answered at the new rate, or the fallback finished.
  /// Error codes: AtErrc::invalid_argument (a rate the host port or the module cannot use;
  /// nothing is written), AtErrc::baud_rate_fallback (no answer at the new rate, link fine at the
  /// old one), AtErrc::timeout (no answer at either rate), CME errors, the link errors.
  /// Per-Operation Cancellation: terminal, as async_command (the port keeps the rate it has).
  template <class Token>
  auto async_set_baud_rate(unsigned baud_rate, Token&& token) {
    return asio::async_initiate<Token, void(std::error_code)>(
        [this](auto handler, unsigned rate) {
          auto slot = asio::get_associated_cancellation_slot(handler);
          start_set_baud_rate(rate, detail::Completion<>(std::move(handler), get_executor()), slot);
        },
        token, baud_rate);
  }

  /// Sends one command line (without CR, e.g. "AT+CSQ") and collects its information lines.
  ///
  /// Handler signature: `void(std::error_code, std::vector<std::string> lines)`.
  /// Completion condition: the final result code, or the deadline.
  /// Error codes: AtErrc::invalid_argument (bad characters or over 559 characters; nothing is
  /// written), AtErrc::error_result, CME errors, AtErrc::timeout, AtErrc::modem_restarted,
  /// TransportErrc::port_vanished, AtErrc::channel_closed.
  /// Per-Operation Cancellation: terminal; a queued command is dropped, one in flight
  /// completes with asio::error::operation_aborted at its final result or deadline.
  template <class Token>
  auto async_command(std::string line, std::chrono::milliseconds timeout, Token&& token) {
    return asio::async_initiate<Token, void(std::error_code, std::vector<std::string>)>(
        [this](auto handler, std::string l, std::chrono::milliseconds t) {
          auto slot = asio::get_associated_cancellation_slot(handler);
          start_command(std::move(l), t, detail::Completion<std::vector<std::string>>(std::move(handler), get_executor()), slot);
        },
        token, std::move(line), timeout);
  }

  /// Reads the bearer state: SIM, signal, attach, operator and the context's address.
  ///
  /// Handler signature: `void(std::error_code, BearerInfo)`.
  /// Completion condition: all five queries answered, or one failed.
  /// Error codes: as async_command; AtErrc::protocol_error for unparseable replies.
  /// Per-Operation Cancellation: terminal, as async_command.
  template <class Token>
  auto async_bearer_status(int cid, Token&& token) {
    return asio::async_initiate<Token, void(std::error_code, BearerInfo)>(
        [this](auto handler, int c) {
          auto slot = asio::get_associated_cancellation_slot(handler);
          start_bearer(c, nullptr, false, detail::Completion<BearerInfo>(std::move(handler), get_executor()), slot);
        },
        token, cid);
  }

  /// Brings the PDP context up (spec §2.5): checks the SIM, waits for attach, sets the APN
  /// with AT+CNCFG when given, activates with `AT+CNACT=<cid>,1` and waits for
  /// `+APP PDP: <cid>,ACTIVE`; an already active context is left as it is.
  ///
  /// Handler signature: `void(std::error_code, BearerInfo)`.
  /// Completion condition: the context is active with an address, or a step failed.
  /// Error codes: as async_command; CmeErrc::sim_not_inserted/sim_pin_required when the SIM
  /// is not READY; AtErrc::timeout when attach or activation does not happen in time.
  /// Per-Operation Cancellation: terminal, as async_command.
  template <class Token>
  auto async_bearer_up(BearerOptions options, Token&& token) {
    return asio::async_initiate<Token, void(std::error_code, BearerInfo)>(
        [this](auto handler, BearerOptions o) {
          auto slot = asio::get_associated_cancellation_slot(handler);
          start_bearer(o.cid, &o, true, detail::Completion<BearerInfo>(std::move(handler), get_executor()), slot);
        },
        token, std::move(options));
  }

  /// Deactivates the PDP context (`AT+CNACT=<cid>,0`) and waits for `+APP PDP: <cid>,DEACTIVE`.
  ///
  /// Handler signature: `void(std::error_code, BearerInfo)`.
  /// Completion condition: the context reads inactive, or a step failed.
  /// Error codes: as async_command.
  /// Per-Operation Cancellation: terminal, as async_command.
  template <class Token>
  auto async_bearer_down(int cid, Token&& token) {
    return asio::async_initiate<Token, void(std::error_code, BearerInfo)>(
        [this](auto handler, int c) {
          auto slot = asio::get_associated_cancellation_slot(handler);
          BearerOptions down;
          down.cid = c;
          start_bearer_down(down, detail::Completion<BearerInfo>(std::move(handler), get_executor()), slot);
        },
        token, cid);
  }

  /// Stores a PEM certificate in the module's file system and converts it for TLS (spec §3.29,
  /// [AN2] 5.2.1): `AT+CFSINIT`, `AT+CFSWFILE=3,"<name>",0,<size>,<ms>` then the bytes after
  /// `DOWNLOAD`, `AT+CFSTERM`, and `AT+CSSLCFG="convert",2,"<name>"` (a CA list, as
  /// FtpConfig::ca_file names it). `pem` must stay valid until completion.
  ///
  /// Handler signature: `void(std::error_code)`.
  /// Completion condition: the conversion answered OK, or a step failed.
  /// Error codes: AtErrc::invalid_argument (name over 50 characters or with `"`/CR/LF; size 0
  /// or over 10240 bytes; nothing is written), AtErrc::error_result, CME errors,
  /// AtErrc::timeout, the link errors.
  /// Per-Operation Cancellation: terminal, as async_command.
  template <class Token>
  auto async_install_ca_certificate(std::string name, std::span<const std::byte> pem, Token&& token) {
    return asio::async_initiate<Token, void(std::error_code)>(
        [this, pem](auto handler, std::string n) {
          auto slot = asio::get_associated_cancellation_slot(handler);
          start_install_certificate(std::move(n), pem, detail::Completion<>(std::move(handler), get_executor()), slot);
        },
        token, std::move(name));
  }

  /// Internal: the implementation shared with FtpSession.
  Impl& impl() noexcept { return *impl_; }

 private:
  void start_initialize(int attempts, detail::Completion<> done, asio::cancellation_slot slot);
  void start_set_baud_rate(unsigned rate, detail::Completion<> done, asio::cancellation_slot slot);
  void start_command(std::string line, std::chrono::milliseconds timeout,
                     detail::Completion<std::vector<std::string>> done, asio::cancellation_slot slot);
  void start_bearer(int cid, const BearerOptions* up, bool bring_up, detail::Completion<BearerInfo> done,
                    asio::cancellation_slot slot);
  void start_install_certificate(std::string name, std::span<const std::byte> pem, detail::Completion<> done,
                                 asio::cancellation_slot slot);
  void start_bearer_down(BearerOptions options, detail::Completion<BearerInfo> done, asio::cancellation_slot slot);

  std::shared_ptr<Impl> impl_;
};

}  // namespace sim7080

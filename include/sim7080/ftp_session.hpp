#pragma once
/// @file ftp_session.hpp
/// sim7080::FtpSession: every AT+FTP* operation of the SIM7080 as a typed, asynchronous,
/// cancellable call. One operation runs at a time per session (the module allows one); a
/// second call while one runs completes with AtErrc::busy.
///
/// Every operation below documents four things: its handler signature, its completion
/// condition, its error codes, and its per-operation cancellation. Common to all:
/// - Errors before any byte is written: AtErrc::invalid_argument (a name, path or setting
///   with `"`, CR, LF, a control or non-ASCII byte, or over the module's length limit),
///   AtErrc::busy.
/// - Link errors at any time: AtErrc::modem_restarted, AtErrc::modem_powered_down,
///   TransportErrc::port_vanished, AtErrc::channel_closed.
/// - Session errors: FtpErrc (the module's number, e.g. FtpErrc::password_error = 72),
///   AtErrc::timeout (no session result within FtpConfig::session_timeout; the session then
///   sends AT+FTPQUIT), AtErrc::error_result / CME errors for refused commands.
/// - Test with conditions: `ec == sim7080::Condition::retryable`, `auth_failed`, `not_found`,
///   `link_lost`.
/// - Thread safety, as for Asio's own I/O objects: distinct sessions are independent; one
///   session (and its Modem) must only be used from its executor's thread — start operations
///   there (or `asio::post` them there, e.g. when waiting on `asio::use_future` elsewhere).
/// - Cancellation (terminal, through the completion token's cancellation slot): the session
///   sends the module-side abort (AT+FTPQUIT, or waits out a transparent stream, which has no
///   abort), waits for the closing URC under its own deadline, and completes with
///   asio::error::operation_aborted; the session is then ready for the next operation.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "asio/async_result.hpp"
#include "sim7080/detail/completion.hpp"
#include "sim7080/ftp_types.hpp"
#include "sim7080/modem.hpp"
#include "sim7080/transfer_io.hpp"

namespace sim7080 {

/// Options of a download.
struct GetOptions {
  GetMethod method = GetMethod::get;          ///< AT+FTPGET, AT+FTPEXTGET or AT+FTPETGET
  std::uint64_t offset = 0;                   ///< resume from this byte (AT+FTPREST; FTPGET only)
  std::optional<std::uint64_t> expected_size; ///< if known (e.g. from async_size): fewer bytes → AtErrc::truncated
  std::function<void(const Progress&)> on_progress;  ///< called as bytes arrive
  /// Automatic resume (method get only): after a retryable failure (dropped connection,
  /// timeout, module restart…) try again up to this many times from the byte reached, with
  /// AT+FTPREST, into the same sink. 0 = no retry.
  int retries = 0;
};

/// Options of an upload.
struct PutOptions {
  PutMethod method = PutMethod::put;          ///< AT+FTPPUT, AT+FTPEXTPUT or AT+FTPETPUT
  PutMode mode = PutMode::store;              ///< STOR, APPE or STOU (AT+FTPPUTOPT)
  std::function<void(const Progress&)> on_progress;  ///< called as bytes are sent
};

/// Every AT+FTP* operation of one module as an asynchronous call; what all operations share is
/// described at the top of this file.
class FtpSession {
 public:
  class Impl;

  /// A session on `modem` with `config`. Nothing is sent until the first operation; the
  /// configuration is written then, in the order of docs/session-protocol.md, and later only
  /// what changed.
  FtpSession(Modem& modem, FtpConfig config);
  ~FtpSession();
  FtpSession(const FtpSession&) = delete;
  FtpSession& operator=(const FtpSession&) = delete;

  /// The executor of the Modem, on which handlers without one of their own run.
  asio::any_io_executor get_executor() const;
  /// The configuration in use.
  const FtpConfig& config() const noexcept;
  /// Replaces the configuration; changed settings are written before the next operation.
  void set_config(FtpConfig config);

  /// Downloads `remote_path` into `sink`.
  ///
  /// Handler signature: `void(std::error_code, TransferResult)`.
  /// Completion condition: the module reported the end of the transfer (`+FTPGET: 1,0`,
  /// `+FTPEXTGET: 1,0` and all bytes read, `+FTPETGET: 1,0`) and the sink committed; or an
  /// error. On error the sink's abandon() has run: nothing partial looks complete.
  /// Error codes: the common ones; FtpErrc::operate_error (77) for a missing file;
  /// AtErrc::truncated when fewer bytes than GetOptions::expected_size (or than the module
  /// announced) arrived; AtErrc::invalid_argument for an offset with extget/etget; the sink's
  /// own errors.
  /// Per-Operation Cancellation: terminal, as described above.
  template <class Token>
  auto async_get(std::string remote_path, DownloadSink& sink, GetOptions options, Token&& token) {
    return asio::async_initiate<Token, void(std::error_code, TransferResult)>(
        [this, &sink](auto handler, std::string path, GetOptions opts) {
          auto slot = asio::get_associated_cancellation_slot(handler);
          start_get(std::move(path), sink, std::move(opts),
                    detail::Completion<TransferResult>(std::move(handler), get_executor()), slot);
        },
        token, std::move(remote_path), std::move(options));
  }

  /// Has the module download `remote_path` into its own file system (AT+FTPEXTGET=2, up to
  /// 5 800 000 bytes); nothing crosses the serial line. Status and size come from
  /// AT+FTPTOFSST.
  ///
  /// Handler signature: `void(std::error_code, std::uint64_t file_size)`.
  /// Completion condition: `+FTPEXTGETFILE: 1,0` and AT+FTPTOFSST reporting success, or an
  /// error.
  /// Error codes: the common ones; AtErrc::error_result when the target file already exists
  /// (delete it with AT+CFSDFILE first); FtpErrc codes from the URC or from AT+FTPTOFSST.
  /// Per-Operation Cancellation: terminal, as described above (AT+FTPQUIT).
  template <class Token>
  auto async_get_to_module(std::string remote_path, ModuleFile target, Token&& token) {
    return asio::async_initiate<Token, void(std::error_code, std::uint64_t)>(
        [this](auto handler, std::string path, ModuleFile file) {
          auto slot = asio::get_associated_cancellation_slot(handler);
          start_get_to_module(std::move(path), std::move(file),
                              detail::Completion<std::uint64_t>(std::move(handler), get_executor()), slot);
        },
        token, std::move(remote_path), std::move(target));
  }

  /// Uploads `source` to `remote_path`.
  ///
  /// Handler signature: `void(std::error_code, TransferResult)`.
  /// Completion condition: the module reported `+FTPPUT: 1,0` / `+FTPETPUT: 1,0` (the server
  /// has the file), or an error.
  /// Extended uploads (extput) larger than the module's RAM (300 000 bytes) go up in rounds:
  /// the first 300 000 bytes are stored, each further 300 000 appended (APPE); progress and
  /// the result count the whole file. With PutMode::unique that is impossible (the module
  /// cannot report the server's name), so it is refused.
  /// Error codes: the common ones; FtpErrc::upload_error (78); AtErrc::invalid_argument for a
  /// multi-round extput with PutMode::unique; the source's errors.
  /// Per-Operation Cancellation: terminal, as described above (AT+FTPQUIT; an extended upload
  /// still ends with AT+FTPEXTPUT=0).
  template <class Token>
  auto async_put(UploadSource& source, std::string remote_path, PutOptions options, Token&& token) {
    return asio::async_initiate<Token, void(std::error_code, TransferResult)>(
        [this, &source](auto handler, std::string path, PutOptions opts) {
          auto slot = asio::get_associated_cancellation_slot(handler);
          start_put(source, std::move(path), std::move(opts),
                    detail::Completion<TransferResult>(std::move(handler), get_executor()), slot);
        },
        token, std::move(remote_path), std::move(options));
  }

  /// Lists a directory (or one file) with AT+FTPLIST; UNIX and DOS listings are parsed.
  ///
  /// Handler signature: `void(std::error_code, std::vector<ListEntry>)`.
  /// Completion condition: `+FTPLIST: 1,0` after the last read, or an error.
  /// Error codes: the common ones; FtpErrc::operate_error (77) for a missing path.
  /// Per-Operation Cancellation: terminal, as described above.
  template <class Token>
  auto async_list(std::string remote_path, Token&& token) {
    return asio::async_initiate<Token, void(std::error_code, std::vector<ListEntry>)>(
        [this](auto handler, std::string path) {
          auto slot = asio::get_associated_cancellation_slot(handler);
          start_list(std::move(path), detail::Completion<std::vector<ListEntry>>(std::move(handler), get_executor()), slot);
        },
        token, std::move(remote_path));
  }

  /// The size of a remote file in bytes (AT+FTPSIZE).
  ///
  /// Handler signature: `void(std::error_code, std::uint64_t)`.
  /// Completion condition: `+FTPSIZE: 1,<result>,<size>`, or an error.
  /// Error codes: the common ones; FtpErrc::operate_error (77) for a missing file.
  /// Per-Operation Cancellation: terminal, as described above.
  template <class Token>
  auto async_size(std::string remote_path, Token&& token) {
    return asio::async_initiate<Token, void(std::error_code, std::uint64_t)>(
        [this](auto handler, std::string path) {
          auto slot = asio::get_associated_cancellation_slot(handler);
          start_size(std::move(path), detail::Completion<std::uint64_t>(std::move(handler), get_executor()), slot);
        },
        token, std::move(remote_path));
  }

  /// The last-modification time of a remote file, UTC (AT+FTPMDTM).
  ///
  /// Handler signature: `void(std::error_code, std::chrono::sys_seconds)`.
  /// Completion condition: `+FTPMDTM: 1,<result>[,<timestamp>]`, or an error.
  /// Error codes: the common ones; FtpErrc::operate_error (77); AtErrc::protocol_error for a
  /// timestamp that is not YYYYMMDDhhmmss.
  /// Per-Operation Cancellation: terminal, as described above.
  template <class Token>
  auto async_mdtm(std::string remote_path, Token&& token) {
    return asio::async_initiate<Token, void(std::error_code, std::chrono::sys_seconds)>(
        [this](auto handler, std::string path) {
          auto slot = asio::get_associated_cancellation_slot(handler);
          start_mdtm(std::move(path), detail::Completion<std::chrono::sys_seconds>(std::move(handler), get_executor()), slot);
        },
        token, std::move(remote_path));
  }

  /// What a simple remote operation does.
  enum class SimpleOp { remove, mkdir, rmdir };

  /// Deletes a remote file (AT+FTPDELE), creates (AT+FTPMKD) or removes (AT+FTPRMD) a
  /// directory.
  ///
  /// Handler signature: `void(std::error_code)`.
  /// Completion condition: the operation's `+FTPxxx: 1,<result>` URC, or an error.
  /// Error codes: the common ones; FtpErrc::operate_error (77) when the server refuses.
  /// Per-Operation Cancellation: terminal, as described above.
  template <class Token>
  auto async_simple(SimpleOp op, std::string remote_path, Token&& token) {
    return asio::async_initiate<Token, void(std::error_code)>(
        [this](auto handler, SimpleOp o, std::string path) {
          auto slot = asio::get_associated_cancellation_slot(handler);
          start_simple(o, std::move(path), detail::Completion<>(std::move(handler), get_executor()), slot);
        },
        token, op, std::move(remote_path));
  }
  /// async_simple(SimpleOp::remove, ...).
  template <class Token> auto async_remove(std::string p, Token&& t) { return async_simple(SimpleOp::remove, std::move(p), std::forward<Token>(t)); }
  /// async_simple(SimpleOp::mkdir, ...).
  template <class Token> auto async_mkdir(std::string p, Token&& t) { return async_simple(SimpleOp::mkdir, std::move(p), std::forward<Token>(t)); }
  /// async_simple(SimpleOp::rmdir, ...).
  template <class Token> auto async_rmdir(std::string p, Token&& t) { return async_simple(SimpleOp::rmdir, std::move(p), std::forward<Token>(t)); }

  /// Renames a remote file within its directory (AT+FTPRENAME).
  ///
  /// Handler signature: `void(std::error_code)`.
  /// Completion condition: `+FTPRENAME: 1,<result>`, or an error.
  /// Error codes: the common ones; AtErrc::invalid_argument when `to` is in another
  /// directory; FtpErrc::operate_error (77).
  /// Per-Operation Cancellation: terminal, as described above.
  template <class Token>
  auto async_rename(std::string from, std::string to, Token&& token) {
    return asio::async_initiate<Token, void(std::error_code)>(
        [this](auto handler, std::string f, std::string t) {
          auto slot = asio::get_associated_cancellation_slot(handler);
          start_rename(std::move(f), std::move(t), detail::Completion<>(std::move(handler), get_executor()), slot);
        },
        token, std::move(from), std::move(to));
  }

  /// The module's FTP state (AT+FTPSTATE): idle, or busy with an operation.
  ///
  /// Handler signature: `void(std::error_code, FtpState)`.
  /// Completion condition: the reply and OK, or an error.
  /// Error codes: the link errors; AtErrc::timeout; AtErrc::protocol_error.
  /// Per-Operation Cancellation: terminal, as Modem::async_command.
  template <class Token>
  auto async_state(Token&& token) {
    return asio::async_initiate<Token, void(std::error_code, FtpState)>(
        [this](auto handler) {
          auto slot = asio::get_associated_cancellation_slot(handler);
          start_state(detail::Completion<FtpState>(std::move(handler), get_executor()), slot);
        },
        token);
  }

  /// Ends whatever FTP operation the module runs (AT+FTPQUIT), e.g. after a host restart.
  ///
  /// Handler signature: `void(std::error_code)`.
  /// Completion condition: `OK` (an operation was ended) or `ERROR` (none was running: not an
  /// error, completes with {}).
  /// Error codes: the link errors; AtErrc::timeout.
  /// Per-Operation Cancellation: terminal, as Modem::async_command.
  template <class Token>
  auto async_quit(Token&& token) {
    return asio::async_initiate<Token, void(std::error_code)>(
        [this](auto handler) {
          auto slot = asio::get_associated_cancellation_slot(handler);
          start_quit(detail::Completion<>(std::move(handler), get_executor()), slot);
        },
        token);
  }

 private:
  void start_get(std::string path, DownloadSink& sink, GetOptions opts, detail::Completion<TransferResult> done, asio::cancellation_slot slot);
  void start_get_to_module(std::string path, ModuleFile file, detail::Completion<std::uint64_t> done, asio::cancellation_slot slot);
  void start_put(UploadSource& source, std::string path, PutOptions opts, detail::Completion<TransferResult> done, asio::cancellation_slot slot);
  void start_list(std::string path, detail::Completion<std::vector<ListEntry>> done, asio::cancellation_slot slot);
  void start_size(std::string path, detail::Completion<std::uint64_t> done, asio::cancellation_slot slot);
  void start_mdtm(std::string path, detail::Completion<std::chrono::sys_seconds> done, asio::cancellation_slot slot);
  void start_simple(SimpleOp op, std::string path, detail::Completion<> done, asio::cancellation_slot slot);
  void start_rename(std::string from, std::string to, detail::Completion<> done, asio::cancellation_slot slot);
  void start_state(detail::Completion<FtpState> done, asio::cancellation_slot slot);
  void start_quit(detail::Completion<> done, asio::cancellation_slot slot);

  struct PutRun;
  struct GetRun;
  std::shared_ptr<Impl> impl_;
};

}  // namespace sim7080

#pragma once
/// @file ftp_types.hpp
/// Value types of the FTP API: configuration, options and results.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sim7080 {

/// How a file travels between the module and the host.
enum class GetMethod {
  get,     ///< AT+FTPGET: polled chunks of up to 1460 bytes (any size)
  extget,  ///< AT+FTPEXTGET: the module downloads into its RAM (≤ 300 000 bytes), then the host reads it
  etget,   ///< AT+FTPETGET: transparent stream, DLE/ETX framed (any size)
};

/// How a file travels from the host to the server.
enum class PutMethod {
  put,     ///< AT+FTPPUT: chunks of the module's announced maximum (any size)
  extput,  ///< AT+FTPEXTPUT: staged in module RAM (≤ 300 000 bytes), then uploaded at once
  etput,   ///< AT+FTPETPUT: transparent stream, DLE/ETX framed (any size)
};

/// What an upload does to an existing remote file (AT+FTPPUTOPT).
enum class PutMode {
  store,   ///< "STOR": create or overwrite
  append,  ///< "APPE": append (also for resuming an upload)
  unique,  ///< "STOU": the server picks a unique name (the module cannot report it)
};

/// FTPS (AT+FTPSSL).
enum class TlsMode {
  none = 0,      ///< plain FTP
  implicit = 1,  ///< TLS from the first byte (normally port 990)
  explicit_ = 2, ///< AUTH TLS on the control connection
};

/// Everything the session needs to reach the server. The password is never logged, traced
/// or recorded.
struct FtpConfig {
  std::string server;            ///< IPv4 address or host name, at most 49 characters
  std::uint16_t port = 21;       ///< control port
  std::string user;              ///< at most 49 characters
  std::string password;          ///< at most 49 characters; never logged
  bool passive = true;           ///< passive (PASV) or active (PORT) data connections
  bool binary = true;            ///< TYPE I (binary) or TYPE A (ASCII, corrupts 8-bit data)
  int cid = 0;                   ///< PDP context (AT+CNACT index 0..3) used for FTP
  TlsMode tls = TlsMode::none;   ///< FTPS mode
  int ssl_context = 0;           ///< AT+CSSLCFG context index 0..5 for FTPS
  std::string ca_file;           ///< CA list file in the module's file system ("" = none)
  std::string cert_file;         ///< client certificate file ("" = none)
  /// How long an FTP operation waits for the module, at most, each time: for each session
  /// result URC, for each command's final result (commands the spec gives less keep their
  /// shorter deadline), and for the abort's `1,80` (at most 10 s). The default is the spec's
  /// 75 s; a lower value notices a silent module sooner, at the risk of giving up on a slow
  /// server. Expiry → AtErrc::timeout.
  std::chrono::milliseconds session_timeout{75000};
};

/// Progress of a transfer: bytes done and, when known, the total.
struct Progress {
  std::uint64_t bytes_done = 0;              ///< payload bytes moved so far
  std::optional<std::uint64_t> bytes_total;  ///< the total, when known
};

/// Result of a download or upload.
struct TransferResult {
  std::uint64_t bytes = 0;                        ///< payload bytes moved (not counting the offset)
  std::chrono::steady_clock::duration duration{}; ///< from the first command to completion
};

/// One entry of a remote directory listing.
struct ListEntry {
  /// What the entry is, from the listing's type character or `<DIR>`.
  enum class Kind { file, directory, symlink, other, unknown };
  std::string name;                                       ///< file name (for symlinks, without " -> target")
  Kind kind = Kind::unknown;                              ///< file, directory, ...
  std::optional<std::uint64_t> size_bytes;                ///< when the listing shows it
  std::optional<std::chrono::sys_seconds> modified;       ///< when the listing shows a full date (UTC assumed)
  std::string raw;                                        ///< the listing line, without CR LF
};

/// A file in the module's own file system (the target of AT+FTPEXTGET=2).
struct ModuleFile {
  /// The module's directories, by their AT index.
  enum class Directory { custapp = 0, fota = 1, datatx = 2, customer = 3 };
  Directory directory = Directory::customer;  ///< where the file is
  std::string name;  ///< at most 50 characters, no '/'

  /// Parses "/customer/name.txt" (also custapp, fota, datatx); nullopt if it is not one.
  static std::optional<ModuleFile> parse(std::string_view path);
};

/// The module's FTP state (AT+FTPSTATE).
enum class FtpState { idle = 0, busy = 1 };

}  // namespace sim7080

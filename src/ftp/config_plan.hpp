#pragma once
// The configuration cache and planner of docs/session-protocol.md. The module forgets nothing
// between operations but everything at a restart, and every setter costs a round trip, so the
// session remembers what the module acknowledged and writes only what differs or is unknown,
// always in the documented order (which makes transcripts of a fresh session canonical).
//
// Sans-I/O: planners read the cache and append SetterSteps; the caller sends each step's line,
// then reports the outcome with record_ack (OK) or record_failure (ERROR, +CME ERROR, timeout).
// Every planner validates all its inputs first and appends nothing on error, so an invalid
// argument never leaves half a configuration on the module.
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <variant>
#include <vector>

#include "ftp/command_table.hpp"
#include "ftp/remote_path.hpp"
#include "sim7080/ftp_types.hpp"

namespace sim7080::ftp {

/// Longest AT+FTPSERV value (spec §3.7: a length range 0–49).
inline constexpr std::size_t max_server_chars = 49;
/// Longest AT+FTPUN value (spec §3.8).
inline constexpr std::size_t max_user_chars = 49;
/// Longest AT+FTPPW value (spec §3.9).
inline constexpr std::size_t max_password_chars = 49;
/// Longest CA-list or certificate file name in AT+FTPSSL (spec §3.29).
inline constexpr std::size_t max_ssl_file_chars = 50;
/// Highest AT+FTPREST offset (spec §3.6: 0–4294967295).
inline constexpr std::uint64_t max_rest_offset_bytes = 4294967295u;
/// Highest AT+FTPCID value (spec §3.5: the AT+CNACT contexts 0–3).
inline constexpr int max_cid = 3;
/// Highest AT+FTPSSL SSL context index (spec §3.29: 0–5).
inline constexpr int max_ssl_context = 5;

/// The AT+FTPSSL setting: `AT+FTPSSL=<type>,<context>,"<ca_file>","<cert_file>"`.
struct SslSetting {
  int type = 0;           ///< 0 none, 1 implicit, 2 explicit (TlsMode's values)
  int context = 0;        ///< AT+CSSLCFG context 0–5
  std::string ca_file;    ///< CA list file name, "" for none
  std::string cert_file;  ///< client certificate file name, "" for none
  /// Equal when every field is equal.
  friend bool operator==(const SslSetting&, const SslSetting&) = default;
};

/// The module's last acknowledged value of each FTP setter, in the module's own terms (the
/// values AT+FTPxxx? would read back); empty = unknown. Values are stored as sent because the
/// planner must compare them, the password included: it is never printed (PrintTo and
/// to_string redact it), and it is no more exposed than in the FtpConfig it came from.
struct ModemFtpSettings {
  std::optional<int> cid;               ///< AT+FTPCID
  std::optional<std::string> serv;      ///< AT+FTPSERV
  std::optional<std::uint16_t> port;    ///< AT+FTPPORT
  std::optional<std::string> un;        ///< AT+FTPUN
  std::optional<std::string> pw;        ///< AT+FTPPW; never printed
  std::optional<int> mode;              ///< AT+FTPMODE: 1 passive, 0 active
  std::optional<std::string> type;      ///< AT+FTPTYPE: "I" or "A"
  std::optional<SslSetting> ssl;        ///< AT+FTPSSL
  std::optional<std::string> putopt;    ///< AT+FTPPUTOPT: "STOR", "APPE" or "STOU"
  std::optional<std::uint64_t> rest;    ///< AT+FTPREST
  std::optional<std::string> getpath;   ///< AT+FTPGETPATH
  std::optional<std::string> getname;   ///< AT+FTPGETNAME
  std::optional<std::string> putpath;   ///< AT+FTPPUTPATH
  std::optional<std::string> putname;   ///< AT+FTPPUTNAME
  /// True while a non-zero AT+FTPSSL may be in force although `ssl` is unknown (a setter failed
  /// or timed out after TLS was set). Plain sessions then write `AT+FTPSSL=0,...` rather than
  /// trust the module's default; only a restart or an acknowledged type 0 clears it.
  bool ssl_maybe_on = false;

  /// Makes every value unknown, after an `ERROR`, a `+CME ERROR` or a timeout on a setter (the
  /// module's state is then in doubt). Keeps ssl_maybe_on, and sets it if TLS was known on.
  void forget_all() noexcept;
  /// Makes every value unknown after a module restart (`RDY` and friends, spec §1.8): all FTP
  /// settings are NO_SAVE, so TLS is off again and ssl_maybe_on is cleared too.
  void forget_after_restart() noexcept;
};

/// What the module holds once a setter is acknowledged: a number, a string, or the FTPSSL tuple.
using SetterValue = std::variant<std::uint64_t, std::string, SslSetting>;

/// One setter to write: the command, its line (without CR), and the value to record on `OK`.
struct SetterStep {
  CommandId id;       ///< which setter (ftpcid … ftpputpath, ftpssl)
  std::string line;   ///< e.g. `AT+FTPSERV="112.74.93.163"`; holds the password for ftppw
  SetterValue value;  ///< recorded into ModemFtpSettings by record_ack
  bool error_is_fine = false;  ///< `ERROR` is an expected answer (AT+FTPQUIT while idle), not a failure
};

/// The AT+FTPPUTOPT value of a PutMode: "STOR", "APPE" or "STOU".
std::string_view put_mode_value(PutMode mode) noexcept;

/// Appends the session setters of docs/session-protocol.md in its order — FTPCID, FTPSERV,
/// FTPPORT, FTPUN, FTPPW, FTPMODE, FTPTYPE, FTPSSL — each only when `cache` does not already
/// hold the wanted value. FTPSSL is planned only when `config.tls` is not none or the module
/// may still have TLS on (a known non-zero FTPSSL, or ssl_maybe_on), so firmware without
/// AT+FTPSSL (spec §8 Q18) keeps working for plain FTP.
/// Validation, before anything is appended: server non-empty and ≤ 49 characters, user and
/// password ≤ 49, cid 0–3, port 1–65535, tls a TlsMode value, ssl_context 0–5, ca/cert file
/// names ≤ 50, and every string quotable (no `"`, CR, LF, control or non-ASCII bytes, spec §8
/// Q19). Else AtErrc::invalid_argument and `out` is untouched.
std::error_code plan_session(const FtpConfig& config, const ModemFtpSettings& cache, std::vector<SetterStep>& out);

/// Appends the recovery after an operation that ended because the module went silent: `AT`
/// (the module answers again; if not, the operation fails with AtErrc::timeout before any FTP
/// command is written into the void), then `AT+FTPQUIT`, which ends a session the silent
/// operation may have left open (`ERROR` means none was: spec §3.26). The settings cache was
/// forgotten at the timeout, so the session setters follow.
void plan_resync(std::vector<SetterStep>& out);

/// Appends `AT+FTPREST=<offset_bytes>`: with `always` (before AT+FTPGET=1, spec §8 Q6) in any
/// case, else (before LIST, EXTGET, ETGET) only when the module is not known to hold that
/// offset. An offset above max_rest_offset_bytes → AtErrc::invalid_argument, nothing appended.
std::error_code plan_rest(std::uint64_t offset_bytes, bool always, const ModemFtpSettings& cache,
                          std::vector<SetterStep>& out);

/// Appends AT+FTPGETPATH then AT+FTPGETNAME, as needed, for an operation on the file
/// `directory`/`name` (get, size, mdtm, rm). Both are checked as validate_directory and
/// validate_name; on error nothing is appended.
std::error_code plan_get_target(std::string_view directory, std::string_view name, const ModemFtpSettings& cache,
                                std::vector<SetterStep>& out);

/// Appends AT+FTPPUTOPT, AT+FTPPUTPATH, AT+FTPPUTNAME, as needed, for an upload to
/// `directory`/`name` with `mode`. Validated as plan_get_target; an out-of-range PutMode is
/// refused too.
std::error_code plan_put_target(std::string_view directory, std::string_view name, PutMode mode,
                                const ModemFtpSettings& cache, std::vector<SetterStep>& out);

/// Appends AT+FTPGETPATH, as needed, for an operation on a directory itself (mkdir, rmdir, ls);
/// pass the result of directory_path(). Validated as validate_directory.
std::error_code plan_getpath(std::string_view directory, const ModemFtpSettings& cache,
                             std::vector<SetterStep>& out);

/// Appends AT+FTPGETPATH and AT+FTPGETNAME (of `from`) and AT+FTPPUTNAME (the name of `to`),
/// as needed, for AT+FTPRENAME. The module renames within one directory (docs/session-protocol.md),
/// so `to.directory` must equal `from.directory`; else, or on invalid parts,
/// AtErrc::invalid_argument and nothing appended.
std::error_code plan_rename(const RemotePath& from, const RemotePath& to, const ModemFtpSettings& cache,
                            std::vector<SetterStep>& out);

/// Records that the module answered `OK` to `step`: its value becomes the known value. Steps of
/// commands that are not setters are ignored; a value of the wrong kind makes the field unknown.
void record_ack(ModemFtpSettings& cache, const SetterStep& step);

/// Records that `step` failed (`ERROR`, `+CME ERROR`) or timed out: everything becomes unknown
/// (forget_all), and a non-zero FTPSSL step sets ssl_maybe_on, since it may have been applied.
void record_failure(ModemFtpSettings& cache, const SetterStep& step);

/// The step for logs and test output, with the password replaced: `AT+FTPPW=<redacted>`.
std::string to_string(const SetterStep& step);

/// GoogleTest printer: the redacted line (see to_string), so a failing test never shows a password.
void PrintTo(const SetterStep& step, std::ostream* os);

/// GoogleTest printer for the cache; the password shows only as known or unknown.
void PrintTo(const ModemFtpSettings& settings, std::ostream* os);

}  // namespace sim7080::ftp

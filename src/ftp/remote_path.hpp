#pragma once
// Remote paths as the module wants them (docs/session-protocol.md, spec §3.10–§3.13): the
// module takes a directory (GETPATH/PUTPATH) and a name (GETNAME/PUTNAME) separately, so a
// user's path `/a/b/file` is split into `/a/b` and `file`. Nothing is resolved: `.` and `..`
// are passed to the server as given, since only the server knows what they mean there.
#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

namespace sim7080::ftp {

/// Longest directory the module accepts (AT+FTPGETPATH / AT+FTPPUTPATH, spec §3.11, §3.13).
inline constexpr std::size_t max_directory_chars = 255;
/// Longest file name the module accepts (AT+FTPGETNAME / AT+FTPPUTNAME, spec §3.10, §3.12).
inline constexpr std::size_t max_name_chars = 64;

/// A remote file path split the way the module takes it.
struct RemotePath {
  std::string directory;  ///< absolute, no trailing `/` except for the root itself ("/")
  std::string name;       ///< the last component, never empty, never containing `/`
};

/// Checks a directory as it will be written to GETPATH/PUTPATH: at most max_directory_chars
/// and quotable (no `"`, control or non-ASCII bytes). Else AtErrc::invalid_argument.
std::error_code validate_directory(std::string_view directory) noexcept;

/// Checks a file name as it will be written to GETNAME/PUTNAME: non-empty (an empty name makes
/// the module fail with error 66, [AN] 5.5), at most max_name_chars, no `/`, quotable.
/// Else AtErrc::invalid_argument.
std::error_code validate_name(std::string_view name) noexcept;

/// Splits the path of a remote file: `/a/b/file` → `/a/b` + `file`; `/file` → `/` + `file`;
/// `file` → `/` + `file` (a relative path is taken relative to `/`, so `a/file` → `/a` +
/// `file`). Repeated slashes before the name collapse (`/a//file` → `/a`). A path ending in
/// `/` names a directory, not a file, and is refused, as is an empty path or one whose parts
/// fail validate_directory/validate_name: AtErrc::invalid_argument, `out` untouched.
std::error_code split_remote_path(std::string_view path, RemotePath& out);

/// The directory form of a path, for mkdir, rmdir and ls (GETPATH is the directory itself):
/// trailing slashes removed except for the root, empty → `/`, relative → prefixed with `/`.
/// Validated as validate_directory; on error `out` is untouched.
std::error_code directory_path(std::string_view path, std::string& out);

}  // namespace sim7080::ftp

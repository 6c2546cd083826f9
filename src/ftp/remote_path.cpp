#include "ftp/remote_path.hpp"

#include <utility>

#include "at/quote.hpp"
#include "sim7080/error.hpp"

namespace sim7080::ftp {
namespace {

std::error_code invalid() noexcept { return make_error_code(AtErrc::invalid_argument); }

// The directory part in the form the module gets: absolute, without trailing slashes (the
// spec leaves their meaning undocumented, §8 Q19, so we send none), the root as "/".
std::string normalise_directory(std::string_view dir) {
  while (!dir.empty() && dir.back() == '/') dir.remove_suffix(1);
  std::string out;
  out.reserve(dir.size() + 1);
  if (dir.empty() || dir.front() != '/') out += '/';
  out += dir;
  return out;
}

}  // namespace

std::error_code validate_directory(std::string_view directory) noexcept {
  if (directory.size() > max_directory_chars || !at::is_quotable(directory)) return invalid();
  return {};
}

std::error_code validate_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > max_name_chars || name.find('/') != std::string_view::npos ||
      !at::is_quotable(name)) {
    return invalid();
  }
  return {};
}

std::error_code split_remote_path(std::string_view path, RemotePath& out) {
  if (path.empty() || path.back() == '/') return invalid();
  const auto slash = path.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const std::string_view dir = slash == std::string_view::npos ? std::string_view{} : path.substr(0, slash);
  if (auto ec = validate_name(name)) return ec;
  std::string directory = normalise_directory(dir);
  if (auto ec = validate_directory(directory)) return ec;
  out.directory = std::move(directory);
  out.name = std::string(name);
  return {};
}

std::error_code directory_path(std::string_view path, std::string& out) {
  std::string directory = normalise_directory(path);
  if (auto ec = validate_directory(directory)) return ec;
  out = std::move(directory);
  return {};
}

}  // namespace sim7080::ftp

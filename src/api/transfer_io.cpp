// Files and memory as download sinks and upload sources.
#include "sim7080/transfer_io.hpp"

#include <cerrno>
#include <cstring>

namespace sim7080 {
namespace {
std::error_code last_errno() { return {errno, std::generic_category()}; }
}  // namespace

FileSink::FileSink(std::filesystem::path path, bool append)
    : path_(std::move(path)), temp_(path_.string() + ".part"), append_(append) {}

FileSink::~FileSink() {
  if (file_) abandon();
}

std::error_code FileSink::begin() {
  if (file_) std::fclose(file_);
  std::error_code ec;
  if (append_ && std::filesystem::exists(path_, ec)) {
    std::filesystem::copy_file(path_, temp_, std::filesystem::copy_options::overwrite_existing, ec);
    if (ec) return ec;
    file_ = std::fopen(temp_.c_str(), "ab");
  } else {
    file_ = std::fopen(temp_.c_str(), "wb");
  }
  return file_ ? std::error_code{} : last_errno();
}

std::error_code FileSink::write(std::span<const std::byte> bytes) {
  if (!file_) return std::make_error_code(std::errc::bad_file_descriptor);
  if (bytes.empty()) return {};
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) return last_errno();
  return {};
}

std::error_code FileSink::commit() {
  if (!file_) return std::make_error_code(std::errc::bad_file_descriptor);
  const bool flushed = std::fflush(file_) == 0;
  const auto flush_error = last_errno();
  std::fclose(file_);
  file_ = nullptr;
  if (!flushed) return flush_error;
  std::error_code ec;
  std::filesystem::rename(temp_, path_, ec);
  return ec;
}

void FileSink::abandon() {
  if (file_) std::fclose(file_);
  file_ = nullptr;
  std::error_code ignored;
  std::filesystem::remove(temp_, ignored);
}

FileSource::FileSource(const std::filesystem::path& path) {
  file_ = std::fopen(path.c_str(), "rb");
  if (!file_) {
    open_error_ = last_errno();
    return;
  }
  std::error_code ec;
  const auto n = std::filesystem::file_size(path, ec);
  if (!ec) size_ = n;
}

FileSource::~FileSource() {
  if (file_) std::fclose(file_);
}

std::error_code FileSource::read(std::span<std::byte> into, std::size_t& got) {
  got = 0;
  if (!file_) return open_error_ ? open_error_ : std::make_error_code(std::errc::bad_file_descriptor);
  got = std::fread(into.data(), 1, into.size(), file_);
  if (got < into.size() && std::ferror(file_)) return last_errno();
  return {};
}

std::error_code MemorySource::read(std::span<std::byte> into, std::size_t& got) {
  got = std::min(into.size(), bytes_.size() - pos_);
  if (got) std::memcpy(into.data(), bytes_.data() + pos_, got);
  pos_ += got;
  return {};
}

}  // namespace sim7080

#pragma once
/// @file transfer_io.hpp
/// Where downloads go and where uploads come from: files, memory, or your own callback.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <system_error>
#include <vector>

namespace sim7080 {

/// Receives downloaded bytes in order. Called on the session's executor; must not block long.
class DownloadSink {
 public:
  virtual ~DownloadSink() = default;
  /// Called before the first byte of a transfer (also for an empty file).
  virtual std::error_code begin() { return {}; }
  /// Appends bytes; an error ends the download (the module-side session is aborted).
  virtual std::error_code write(std::span<const std::byte> bytes) = 0;
  /// Called once the transfer succeeded, before the completion handler runs.
  virtual std::error_code commit() { return {}; }
  /// Called when the transfer failed or was cancelled: discard what was written.
  virtual void abandon() {}
};

/// Supplies bytes to upload.
class UploadSource {
 public:
  virtual ~UploadSource() = default;
  /// Copies up to into.size() bytes into `into`; sets got = 0 at the end of the data.
  virtual std::error_code read(std::span<std::byte> into, std::size_t& got) = 0;
  /// The total size when known in advance (files and memory), for progress and RAM checks.
  virtual std::optional<std::uint64_t> size() const { return std::nullopt; }
};

/// Writes a download to `path` through a temporary `path.part` file renamed on success, so an
/// interrupted download never leaves a file that looks complete. With `append`, an existing
/// file is extended instead (for resuming at its size).
class FileSink final : public DownloadSink {
 public:
  /// A sink for `path`; nothing is opened before begin().
  explicit FileSink(std::filesystem::path path, bool append = false);
  ~FileSink() override;
  std::error_code begin() override;
  std::error_code write(std::span<const std::byte> bytes) override;
  std::error_code commit() override;
  void abandon() override;

 private:
  std::filesystem::path path_;
  std::filesystem::path temp_;
  bool append_;
  std::FILE* file_ = nullptr;
};

/// Collects a download in memory.
class MemorySink final : public DownloadSink {
 public:
  std::error_code begin() override { data_.clear(); return {}; }
  std::error_code write(std::span<const std::byte> bytes) override {
    data_.insert(data_.end(), bytes.begin(), bytes.end());
    return {};
  }
  /// The bytes received so far.
  const std::vector<std::byte>& data() const noexcept { return data_; }

 private:
  std::vector<std::byte> data_;
};

/// Hands each piece of a download to a function; a returned error ends the download.
class CallbackSink final : public DownloadSink {
 public:
  /// A sink that calls `fn` with each piece.
  explicit CallbackSink(std::function<std::error_code(std::span<const std::byte>)> fn) : fn_(std::move(fn)) {}
  std::error_code write(std::span<const std::byte> bytes) override { return fn_(bytes); }

 private:
  std::function<std::error_code(std::span<const std::byte>)> fn_;
};

/// Uploads a local file.
class FileSource final : public UploadSource {
 public:
  /// Opens `path` for reading at once; see open_error().
  explicit FileSource(const std::filesystem::path& path);
  ~FileSource() override;
  /// Why the file could not be opened ({} if it is open).
  std::error_code open_error() const noexcept { return open_error_; }
  std::error_code read(std::span<std::byte> into, std::size_t& got) override;
  std::optional<std::uint64_t> size() const override { return size_; }

 private:
  std::FILE* file_ = nullptr;
  std::optional<std::uint64_t> size_;
  std::error_code open_error_;
};

/// Uploads bytes from memory (not copied: they must outlive the upload).
class MemorySource final : public UploadSource {
 public:
  /// A source of `bytes`, which must outlive the upload.
  explicit MemorySource(std::span<const std::byte> bytes) : bytes_(bytes) {}
  std::error_code read(std::span<std::byte> into, std::size_t& got) override;
  std::optional<std::uint64_t> size() const override { return bytes_.size(); }

 private:
  std::span<const std::byte> bytes_;
  std::size_t pos_ = 0;
};

/// Uploads what a function supplies; it returns the byte count (0 = end) or an error.
class CallbackSource final : public UploadSource {
 public:
  /// Fills `into`, sets `got` (0 = end of data), returns an error to abort the upload.
  using Fn = std::function<std::error_code(std::span<std::byte> into, std::size_t& got)>;
  /// A source that calls `fn` for each chunk.
  explicit CallbackSource(Fn fn) : fn_(std::move(fn)) {}
  std::error_code read(std::span<std::byte> into, std::size_t& got) override { return fn_(into, got); }

 private:
  Fn fn_;
};

}  // namespace sim7080

#pragma once
// Where the upload FSMs (PutFsm, ExtPutFsm, EtPutFsm) take their bytes from. Pull-based and
// synchronous so that the FSMs stay sans-I/O: an FSM reads exactly when the modem is ready for
// the next chunk, into its own buffer (reserved once), and never holds a view into the source.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <system_error>

namespace sim7080::ftp {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Copies up to into.size() bytes into `into` and sets `got`; got == 0 (with no error) means
  // the end of the data. A short read that is not the end is allowed: callers read again.
  virtual std::error_code read(std::span<std::byte> into, std::size_t& got) = 0;
  // The total size when known up front (a file, a buffer), else nullopt (a pipe). ExtPutFsm
  // uses it to reject a too-large upload before sending anything to the module's RAM.
  virtual std::optional<std::uint64_t> size() const = 0;
};

// A source over bytes that outlive it (an in-memory upload, tests).
class MemoryByteSource final : public ByteSource {
 public:
  explicit MemoryByteSource(std::span<const std::byte> data) noexcept : data_(data) {}
  std::error_code read(std::span<std::byte> into, std::size_t& got) override {
    got = std::min(into.size(), data_.size() - pos_);
    if (got > 0) std::memcpy(into.data(), data_.data() + pos_, got);
    pos_ += got;
    return {};
  }
  std::optional<std::uint64_t> size() const override { return data_.size(); }

 private:
  std::span<const std::byte> data_;
  std::size_t pos_ = 0;
};

// Fills `into` from `src` until it is full or the source ends; returns the bytes placed.
// One source read may be short without meaning the end, so the FSMs loop here instead of
// sending a needlessly small chunk.
inline std::error_code read_fully(ByteSource& src, std::span<std::byte> into, std::size_t& got,
                                  bool& at_end) {
  got = 0;
  at_end = false;
  while (got < into.size()) {
    std::size_t n = 0;
    if (auto ec = src.read(into.subspan(got), n)) return ec;
    if (n == 0) {
      at_end = true;
      break;
    }
    got += std::min(n, into.size() - got);  // a misbehaving source cannot push us past the end
  }
  return {};
}

}  // namespace sim7080::ftp

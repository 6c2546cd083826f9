#pragma once
// SHA-256 (FIPS 180-4) for comparing transferred files in tests; checked against the
// standard test vectors in tests/unit/api/sha256_test.cpp.
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace sim7080::test {

std::string sha256_hex(std::span<const std::byte> data);
inline std::string sha256_hex(std::string_view s) {
  return sha256_hex(std::as_bytes(std::span<const char>(s.data(), s.size())));
}
// "<missing>" when the file cannot be read, so it never equals a real digest.
std::string sha256_file_hex(const std::string& path);

}  // namespace sim7080::test

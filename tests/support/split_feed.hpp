#pragma once
// Grinding every split (style practice 3): feed the same bytes whole, byte by byte, at every
// two-way split point and in seeded random chunks; tests compare what comes out.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace sim7080::test {

using Feed = std::function<void(std::span<const std::byte>)>;

// Calls feed with consecutive pieces of `bytes` whose sizes follow `sizes` (cycled).
void feed_in_pieces(std::span<const std::byte> bytes, const std::vector<std::size_t>& sizes, const Feed& feed);
// Random piece sizes in [1, max_piece] from a fixed seed.
void feed_in_random_chunks(std::span<const std::byte> bytes, std::uint32_t seed, std::size_t max_piece, const Feed& feed);
inline std::span<const std::byte> as_bytes(const std::string& s) {
  return std::as_bytes(std::span<const char>(s.data(), s.size()));
}

}  // namespace sim7080::test

#include "support/split_feed.hpp"

#include <algorithm>
#include <random>

namespace sim7080::test {

void feed_in_pieces(std::span<const std::byte> bytes, const std::vector<std::size_t>& sizes, const Feed& feed) {
  std::size_t pos = 0;
  std::size_t i = 0;
  while (pos < bytes.size()) {
    const std::size_t n = std::min(std::max<std::size_t>(sizes[i++ % sizes.size()], 1), bytes.size() - pos);
    feed(bytes.subspan(pos, n));
    pos += n;
  }
}

void feed_in_random_chunks(std::span<const std::byte> bytes, std::uint32_t seed, std::size_t max_piece, const Feed& feed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<std::size_t> dist(1, std::max<std::size_t>(max_piece, 1));
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    const std::size_t n = std::min(dist(rng), bytes.size() - pos);
    feed(bytes.subspan(pos, n));
    pos += n;
  }
}

}  // namespace sim7080::test

#pragma once
// The byte-pipe seam between the transport and the AT layer. The command channel reads and
// writes through this interface only, so the same channel runs over a real serial port, a
// pseudo-terminal, or a transcript replay in tests (the only double, below the transport).
#include <cstddef>
#include <span>
#include <system_error>

#include "asio/any_io_executor.hpp"
#include "util/inplace_function.hpp"

namespace sim7080::transport {

// Handlers live inside the handler object (util::InplaceFunction): a read or write never
// allocates, whatever the handler captures up to the capacity (a shared_ptr fits).
using ReadHandler = util::InplaceFunction<void(std::error_code, std::size_t)>;
using WriteHandler = util::InplaceFunction<void(std::error_code, std::size_t)>;

class ByteStream {
 public:
  virtual ~ByteStream() = default;
  virtual asio::any_io_executor get_executor() = 0;
  // Reads at least one byte into `into`. A vanished device completes with
  // TransportErrc::port_vanished; cancel() completes it with asio::error::operation_aborted.
  virtual void async_read_some(std::span<std::byte> into, ReadHandler handler) = 0;
  // Writes all of `bytes` (which must stay valid until the handler runs), then calls handler.
  virtual void async_write(std::span<const std::byte> bytes, WriteHandler handler) = 0;
  // Cancels pending reads and writes.
  virtual void cancel() = 0;
  virtual void close() = 0;
  virtual bool is_open() const = 0;
};

}  // namespace sim7080::transport

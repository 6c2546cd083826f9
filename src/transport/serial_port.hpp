#pragma once
// The real byte pipe: a tty or pseudo-terminal driven by asio::serial_port, configured the way
// the SIM7080 needs it (raw 8N1, optional RTS/CTS) and reporting a vanished device as one
// error instead of a stream of EIOs.
#include <cstddef>
#include <memory>
#include <span>
#include <system_error>

#include "asio/any_io_executor.hpp"
#include "asio/io_context.hpp"
#include "sim7080/serial_options.hpp"
#include "transport/byte_stream.hpp"

namespace sim7080::transport {

/// True if `baud_rate` has a termios `Bxxx` constant on this system, i.e. `open()` and
/// `set_baud_rate()` can use it. Lets the channel refuse an `AT+IPR` upgrade the host could
/// not follow (the modem's 2900000, 3200000 and 3686400 have no constant on Linux).
bool is_supported_baud_rate(unsigned baud_rate) noexcept;

/// Maps an error from the operating system or Asio to what a ByteStream reports: the errors
/// a disappearing device produces (EIO, ENXIO, ENODEV, EBADF, EPIPE, end of file) become
/// TransportErrc::port_vanished so callers test one value; anything else passes unchanged.
std::error_code to_transport_error(std::error_code ec) noexcept;

/// A ByteStream over a serial device or the slave side of a pseudo-terminal.
///
/// Threading: like any Asio I/O object, not thread-safe; call it from its executor (one
/// thread running the io_context, or a strand). At most one read and one write may be
/// pending at a time (the AT channel has one read loop and one command in flight); a second
/// one completes at once with asio::error::in_progress.
///
/// Allocation: a pending operation's state lives in a shared block created once per port.
/// The caller's handler is moved into that block (a move of std::function never allocates),
/// and the Asio operation carries only a shared pointer to it, so the operation object has a
/// fixed small size and comes from Asio's per-thread recycling allocator. Operations started
/// from the I/O thread (a read loop re-arming in its handler, a write started by a
/// completion) therefore do not allocate once warmed up; `serial_port_alloc_test.cpp`
/// checks this. Callers must pass handlers that fit std::function's small buffer (a pointer).
///
/// Lifetime: the port may be destroyed with operations pending. They are abandoned: their
/// handlers are destroyed without being called, so no completion reaches a dead owner.
class SerialPort final : public ByteStream {
 public:
  /// A closed port whose operations complete on `executor`.
  explicit SerialPort(asio::any_io_executor executor);
  /// A closed port on `context`'s executor.
  explicit SerialPort(asio::io_context& context);
  ~SerialPort() override;
  SerialPort(const SerialPort&) = delete;
  SerialPort& operator=(const SerialPort&) = delete;

  /// Opens `options.device` (without making it the controlling terminal) and configures raw
  /// 8N1 at `options.baud_rate`, with RTS/CTS if asked, CLOCAL|CREAD, VMIN=1/VTIME=0. Settings
  /// are read back, because drivers may silently refuse one.
  /// Errors: TransportErrc::no_device if the path cannot be opened (missing, permission,
  /// busy); TransportErrc::configure_failed if it is not a terminal or a setting did not take
  /// (unsupported rate, flow control), the port is left closed; asio::error::already_open.
  std::error_code open(const SerialOptions& options);

  /// Changes the line speed of the open port immediately (TCSANOW), for the `AT+IPR` upgrade:
  /// call it after the modem's `OK` to the `AT+IPR` line, which proves the command left the
  /// host. Errors: TransportErrc::not_open; TransportErrc::configure_failed (unsupported or
  /// refused rate; the previous rate stays).
  std::error_code set_baud_rate(unsigned baud_rate);

  /// The file descriptor, or -1 when closed; for tcgetattr/ioctl diagnostics and tests.
  int native_handle() const noexcept;

  /// The executor every completion runs on; the channel's timers and posts must use it too.
  asio::any_io_executor get_executor() override;

  /// Reads at least one byte (or fails). Errors: TransportErrc::port_vanished when the device
  /// went away (unplugged USB, pty master closed), TransportErrc::not_open,
  /// asio::error::operation_aborted after cancel()/close(), asio::error::in_progress.
  /// After port_vanished, close() promptly: an open descriptor keeps a USB serial minor busy,
  /// so the re-enumerated modem would come back under another device name.
  void async_read_some(std::span<std::byte> into, ReadHandler handler) override;

  /// Writes all of `bytes` (asio::async_write), then completes with the count written.
  /// Errors as for async_read_some; on an error the count says how much was written.
  void async_write(std::span<const std::byte> bytes, WriteHandler handler) override;

  /// Makes pending operations complete with asio::error::operation_aborted; the port stays open.
  void cancel() override;
  /// Closes the device; pending operations complete with asio::error::operation_aborted.
  void close() override;
  /// False before open(), after close() and after a failed open(); a vanished device stays
  /// "open" until closed, so the owner decides when to let go.
  bool is_open() const override;

 private:
  struct State;
  struct ReadOp;
  struct WriteOp;
  std::shared_ptr<State> state_;
};

}  // namespace sim7080::transport

#pragma once
/// @file trace.hpp
/// Observing the bytes on the serial line. Sinks see host writes and modem output after the
/// redactor has replaced the argument of `AT+FTPPW=`: no sink ever receives the FTP password.
#include <chrono>
#include <cstddef>
#include <memory>
#include <ostream>
#include <span>
#include <string_view>

namespace sim7080 {

/// Receives the traffic of one serial line. Called on the I/O executor; must not block.
class TraceSink {
 public:
  virtual ~TraceSink() = default;
  /// Bytes the host wrote to the modem (already redacted), in write order.
  virtual void on_tx(std::span<const std::byte> bytes, std::chrono::steady_clock::time_point when) = 0;
  /// Bytes the modem sent, in arrival order.
  virtual void on_rx(std::span<const std::byte> bytes, std::chrono::steady_clock::time_point when) = 0;
  /// A channel event worth a line in the trace ("command timed out", "modem restarted").
  virtual void on_event(std::string_view text, std::chrono::steady_clock::time_point when) = 0;
};

/// A sink that writes one line per chunk in the `time dir offset hex ascii` layout of
/// pyserial's spy:// tracer, e.g. `0.001234 TX 00000000 41 54 0d  AT.`: seconds since the
/// sink's first call (6 decimals), `TX`/`RX`, the running byte offset of that direction (8 hex
/// digits), lower-case hex bytes, two spaces, the bytes as ASCII with `.` for unprintables.
/// Chunks longer than 16 bytes continue on further lines with the same time and the offset of
/// their first byte; events are written as `0.002000 EV <text>`. Lines are not flushed, so
/// `out` decides buffering; `out` must outlive the sink.
std::unique_ptr<TraceSink> make_text_trace(std::ostream& out);

}  // namespace sim7080

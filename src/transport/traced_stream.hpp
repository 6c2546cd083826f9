#pragma once
// Tracing as a decorator on the byte pipe (design practice 15): the channel reads and writes
// through a TracedStream, which shows every byte to the registered sinks after the password
// redactor, so no sink can ever receive the FTP password, whatever the chunking.
#include <chrono>
#include <cstddef>
#include <memory>
#include <span>
#include <string_view>
#include <system_error>
#include <vector>

#include "sim7080/trace.hpp"
#include "transport/byte_stream.hpp"
#include "transport/redactor.hpp"

namespace sim7080::transport {

/// A ByteStream that passes all I/O to an inner stream and reports it to TraceSinks.
///
/// What sinks see: TX bytes when a write is started (so a command appears before its echo),
/// RX bytes when a read completes, both redacted per direction by a PasswordRedactor, with a
/// steady_clock timestamp; plus `event()` lines and a line for each I/O error other than
/// cancellation. A few bytes that might begin `+FTPPW` are held until the next chunk decides
/// them (or `close()` flushes them), so a trace can lag by at most 6 bytes.
///
/// Cost without sinks: the data path is a pass-through (no copy, no redaction). Only the last
/// byte of each chunk is looked at, to know whether the stream is at a line start; when a
/// first sink is added mid-line, the rest of that line is hidden (it could be a password
/// whose `AT+FTPPW=` went by untraced) and the sink is told so by an event.
///
/// Allocation: the caller's handler is kept in a member and the inner stream gets a handler
/// capturing only `this`, which std::function stores in place; the redactor's buffer keeps
/// its capacity. Steady-state I/O therefore allocates no more than the inner stream does.
///
/// Threading and lifetime: as for SerialPort (one executor; one read and one write pending at
/// most). When the inner stream is borrowed, it must not complete an operation started by
/// this object after this object is gone: destroy the TracedStream only with no operation
/// pending. An owned SerialPort drops pending handlers on destruction, so owning is safe.
class TracedStream final : public ByteStream {
 public:
  /// Traces a stream owned elsewhere, which must outlive this object.
  explicit TracedStream(ByteStream& inner);
  /// Traces and owns `inner` (must not be null).
  explicit TracedStream(std::unique_ptr<ByteStream> inner);
  ~TracedStream() override;
  TracedStream(const TracedStream&) = delete;
  TracedStream& operator=(const TracedStream&) = delete;

  /// Starts reporting to `sink` (ignored if already registered). The sink must stay alive
  /// until removed or until this object is destroyed. Must not be called from inside a sink.
  void add_sink(TraceSink& sink);
  /// Stops reporting to `sink`; unknown sinks are ignored. Must not be called from inside a sink.
  void remove_sink(TraceSink& sink);
  /// True if at least one sink is registered (lets callers skip building event text).
  bool has_sinks() const noexcept { return !sinks_.empty(); }

  /// Reports a channel event ("command timed out", "modem restarted") to every sink, so the
  /// trace shows why the traffic around it looks the way it does.
  void event(std::string_view text);

  /// The traced stream, e.g. to reach SerialPort::set_baud_rate.
  ByteStream& inner() noexcept { return *inner_; }

  /// The inner stream's executor: tracing adds no executor hop.
  asio::any_io_executor get_executor() override;
  /// As the inner stream's; the bytes read are traced before `handler` runs.
  void async_read_some(std::span<std::byte> into, ReadHandler handler) override;
  /// As the inner stream's; the bytes are traced when the write starts.
  void async_write(std::span<const std::byte> bytes, WriteHandler handler) override;
  /// Cancels the inner stream's pending operations; their completions are traced as usual.
  void cancel() override;
  /// Flushes the bytes the redactors still hold to the sinks, then closes the inner stream.
  void close() override;
  /// Whether the inner stream is open.
  bool is_open() const override;

 private:
  struct Direction {
    PasswordRedactor redactor;
    bool at_line_start = true;  // last byte seen (traced or not) was \r or \n, or none yet
  };
  using SinkFn = void (TraceSink::*)(std::span<const std::byte>, std::chrono::steady_clock::time_point);

  void trace(Direction& dir, std::span<const std::byte> bytes, SinkFn fn);
  void deliver(std::span<const std::byte> bytes, SinkFn fn);
  void trace_error(std::string_view what, std::error_code ec);
  void on_read(std::error_code ec, std::size_t n);
  void on_write(std::error_code ec, std::size_t n);

  std::unique_ptr<ByteStream> owned_;
  ByteStream* inner_;
  std::vector<TraceSink*> sinks_;
  Direction tx_;
  Direction rx_;
  std::span<std::byte> read_buffer_;
  ReadHandler read_handler_;
  WriteHandler write_handler_;
};

}  // namespace sim7080::transport

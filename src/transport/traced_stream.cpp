#include "transport/traced_stream.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "asio/error.hpp"
#include "asio/post.hpp"

namespace sim7080::transport {
namespace {

bool ends_line(std::span<const std::byte> bytes) noexcept {
  return bytes.back() == std::byte{'\r'} || bytes.back() == std::byte{'\n'};
}

}  // namespace

TracedStream::TracedStream(ByteStream& inner) : inner_(&inner) {}

TracedStream::TracedStream(std::unique_ptr<ByteStream> inner) : owned_(std::move(inner)), inner_(owned_.get()) {}

TracedStream::~TracedStream() = default;

void TracedStream::add_sink(TraceSink& sink) {
  if (std::find(sinks_.begin(), sinks_.end(), &sink) != sinks_.end()) return;
  const bool first = sinks_.empty();
  sinks_.push_back(&sink);
  if (!first) return;
  // The redactors saw nothing while no sink was registered: restart them, hiding the rest of
  // a line whose beginning went by unobserved.
  for (Direction* dir : {&tx_, &rx_}) {
    dir->redactor = PasswordRedactor{};
    if (!dir->at_line_start) {
      dir->redactor.resync();
      event(dir == &tx_ ? "trace started mid-line: TX hidden up to the next line end"
                        : "trace started mid-line: RX hidden up to the next line end");
    }
  }
}

void TracedStream::remove_sink(TraceSink& sink) {
  sinks_.erase(std::remove(sinks_.begin(), sinks_.end(), &sink), sinks_.end());
}

void TracedStream::event(std::string_view text) {
  if (sinks_.empty()) return;
  const auto now = std::chrono::steady_clock::now();
  for (TraceSink* s : sinks_) s->on_event(text, now);
}

asio::any_io_executor TracedStream::get_executor() { return inner_->get_executor(); }

void TracedStream::async_read_some(std::span<std::byte> into, ReadHandler handler) {
  if (read_handler_) {
    asio::post(get_executor(), [h = std::move(handler)]() mutable { h(asio::error::in_progress, 0); });
    return;
  }
  read_handler_ = std::move(handler);
  read_buffer_ = into;
  inner_->async_read_some(into, [this](std::error_code ec, std::size_t n) { on_read(ec, n); });
}

void TracedStream::async_write(std::span<const std::byte> bytes, WriteHandler handler) {
  if (write_handler_) {
    asio::post(get_executor(), [h = std::move(handler)]() mutable { h(asio::error::in_progress, 0); });
    return;
  }
  trace(tx_, bytes, &TraceSink::on_tx);
  write_handler_ = std::move(handler);
  inner_->async_write(bytes, [this](std::error_code ec, std::size_t n) { on_write(ec, n); });
}

void TracedStream::cancel() { inner_->cancel(); }

void TracedStream::close() {
  if (!sinks_.empty()) {
    deliver(tx_.redactor.flush(), &TraceSink::on_tx);
    deliver(rx_.redactor.flush(), &TraceSink::on_rx);
  }
  inner_->close();
}

bool TracedStream::is_open() const { return inner_->is_open(); }

void TracedStream::trace(Direction& dir, std::span<const std::byte> bytes, SinkFn fn) {
  if (bytes.empty()) return;
  dir.at_line_start = ends_line(bytes);
  if (sinks_.empty()) return;
  deliver(dir.redactor.feed(bytes), fn);
}

void TracedStream::deliver(std::span<const std::byte> bytes, SinkFn fn) {
  if (bytes.empty()) return;
  const auto now = std::chrono::steady_clock::now();
  for (TraceSink* s : sinks_) (s->*fn)(bytes, now);
}

void TracedStream::trace_error(std::string_view what, std::error_code ec) {
  if (!ec || ec == asio::error::operation_aborted || sinks_.empty()) return;
  event(std::string(what) + ": " + ec.message());
}

void TracedStream::on_read(std::error_code ec, std::size_t n) {
  trace(rx_, read_buffer_.first(std::min(n, read_buffer_.size())), &TraceSink::on_rx);
  trace_error("read failed", ec);
  ReadHandler h = std::move(read_handler_);
  read_handler_ = nullptr;
  read_buffer_ = {};
  if (h) h(ec, n);
}

void TracedStream::on_write(std::error_code ec, std::size_t n) {
  trace_error("write failed", ec);
  WriteHandler h = std::move(write_handler_);
  write_handler_ = nullptr;
  if (h) h(ec, n);
}

}  // namespace sim7080::transport

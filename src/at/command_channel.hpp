#pragma once
// The command channel (style practice 9): one command in flight, a FIFO behind it, a deadline
// per command from the command table, replies told apart from URCs by the table, URCs routed
// by prefix, host data phases (counted, staged, transparent with DLE/ETX escaping, prompt),
// and module restarts that end every pending command with a typed error.
//
// Threading: all members run on the stream's executor (one strand of control). Requests are
// owned by the caller and must stay alive until their observer's on_complete has run.
// Lifetime: create with std::make_shared; pending I/O keeps the channel alive.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "at/command_spec.hpp"
#include "at/deadline_timer.hpp"
#include "at/tokenizer.hpp"
#include "at/urc_router.hpp"
#include "transport/byte_stream.hpp"

namespace sim7080::at {

// Receives what belongs to one request. Calls arrive on the channel's executor.
class RequestObserver {
 public:
  // An information line that is a reply to this command (by the table's prefix rule).
  virtual void on_reply_line(std::string_view line) { (void)line; }
  // Counted payload bytes announced by a reply (views valid during the call only).
  virtual void on_payload(std::span<const std::byte> bytes) { (void)bytes; }
  virtual void on_payload_end() {}
  // The modem wants exactly `count` bytes now. Return them; they must stay valid until
  // on_complete. A span of another size is not written and the request fails with
  // protocol_error.
  virtual std::span<const std::byte> on_go_ahead(std::size_t count) { (void)count; return {}; }
  // Transparent upload: the next raw chunk (escaped by the channel), valid until the next
  // call; an empty span ends the stream (the channel writes the ETX).
  virtual std::span<const std::byte> on_stream_chunk() { return {}; }
  // The final result: {} for OK, AtErrc::error_result, a CME error, AtErrc::timeout,
  // operation_aborted, modem_restarted, port_vanished, invalid_argument, protocol_error...
  virtual void on_complete(std::error_code ec) = 0;

 protected:
  ~RequestObserver() = default;
};

// A transparent stream armed outside a command (AT+FTPETGET: the header is a URC).
class StreamObserver {
 public:
  virtual void on_stream_payload(std::span<const std::byte> bytes) = 0;
  virtual void on_stream_end() = 0;

 protected:
  ~StreamObserver() = default;
};

struct Request {
  std::string line;                   // the command line without CR, e.g. "AT+FTPGET=2,1460"
  const CommandSpec* spec = nullptr;  // from the command table; required
  RequestObserver* observer = nullptr;
  std::uint64_t payload_max = 0;      // counted payload limit (0: the spec's); e.g. the requested length
  std::size_t data_length = 0;        // bytes the host will send after a prompt / most it will send after a go-ahead (0: no check)
  std::chrono::milliseconds timeout{0};  // 0: the spec's deadline; else the shorter of the two
  Request* next_queued = nullptr;     // the channel's queue link (intrusive: queueing never allocates)
};

struct ChannelOptions {
  TokenizerLimits tokenizer{};
  std::size_t read_buffer_bytes = 4096;
};

struct ChannelStats {
  std::uint64_t unknown_urcs = 0;
  std::uint64_t stray_finals = 0;   // final result codes with no command in flight
  std::uint64_t parse_errors = 0;   // line_too_long, malformed_line, protocol_error events
  std::uint64_t restarts = 0;
};

using LinkHandler = std::function<void(std::error_code)>;

class CommandChannel : public std::enable_shared_from_this<CommandChannel> {
 public:
  CommandChannel(transport::ByteStream& stream, std::unique_ptr<DeadlineTimer> timer, ChannelOptions options = {});
  ~CommandChannel();
  CommandChannel(const CommandChannel&) = delete;
  CommandChannel& operator=(const CommandChannel&) = delete;

  // Starts the read loop.
  void start();
  // Fails every request with channel_closed and stops reading; the stream stays open.
  void close();

  // Queues a request. An invalid line (at::check_command_line, at/quote.hpp) completes with
  // invalid_argument before any byte is written. Completions are never invoked inline.
  void submit(Request& request);
  // A queued request leaves the queue (completes with operation_aborted); the one in flight
  // completes with operation_aborted when its final result arrives or its deadline passes.
  void cancel(Request& request);
  bool idle() const noexcept { return current_ == nullptr && queue_.empty(); }

  UrcRouter& urcs() noexcept { return router_; }
  // Arms a transparent stream whose header line (e.g. `+FTPETGET: 1,1`) arrives as a URC; the
  // header is dispatched as a URC too, then the decoded bytes go to `observer`.
  void arm_stream(const PayloadRule& rule, StreamObserver* observer);
  void disarm_stream() noexcept;

  // Link events (modem restarted or powered down, port vanished): every listener is told.
  std::uint64_t add_link_listener(LinkHandler handler);
  void remove_link_listener(std::uint64_t id) noexcept;

  // Observes notable channel events ("timeout AT+FTPGET=1", "modem restarted") for traces.
  void set_event_hook(std::function<void(std::string_view)> hook) { event_hook_ = std::move(hook); }

  const ChannelStats& stats() const noexcept { return stats_; }
  asio::any_io_executor get_executor() { return stream_.get_executor(); }

 private:
  class Sink;
  friend class Sink;
  enum class DataPhase : std::uint8_t { none, awaiting_go_ahead, writing, written, failed };

  void read_more();
  void on_read(std::error_code ec, std::size_t n);
  void on_event(const Event& ev);
  void on_line(std::string_view line);
  bool is_reply(std::string_view line) const;
  bool try_go_ahead(std::string_view line);
  std::error_code restart_signal(std::string_view line) const;
  void send_next();
  void complete_current(std::error_code ec);
  void fail_all(std::error_code ec);
  void end_link(std::error_code ec);  // link listeners first, then fail_all
  void post_completion(Request& request, std::error_code ec);
  void enqueue_write(std::span<const std::byte> bytes);
  void start_write();
  void on_write(std::error_code ec);
  void refuse_data_phase();
  void end_settling();
  void next_stream_chunk();
  void on_deadline();
  void note(std::string_view what);

  transport::ByteStream& stream_;
  std::unique_ptr<DeadlineTimer> timer_;
  ChannelOptions options_;
  Tokenizer tokenizer_;
  UrcRouter router_;
  std::vector<std::byte> rx_buffer_;

  // Requests waiting behind the one in flight, linked through Request::next_queued.
  class Queue {
   public:
    bool empty() const noexcept { return head_ == nullptr; }
    void push_back(Request& r) noexcept;
    Request* pop_front() noexcept;
    bool remove(Request& r) noexcept;  // false if `r` was not queued
    Queue take() noexcept;             // moves every request out, leaving this queue empty

   private:
    Request* head_ = nullptr;
    Request* tail_ = nullptr;
  };

  Request* current_ = nullptr;
  Queue queue_;
  bool current_aborted_ = false;
  std::error_code current_error_;    // an error seen before the final result (protocol_error)
  DataPhase data_phase_ = DataPhase::none;
  bool streaming_ = false;           // transparent upload in progress
  bool stream_done_ = false;         // ETX queued
  bool final_pending_ = false;       // the final result came while our write was in flight
  std::error_code final_after_write_;

  // Two alternating line buffers: a new line can be formatted while the previous write's
  // completion is still queued.
  std::array<std::string, 2> tx_lines_;
  std::size_t tx_line_index_ = 0;
  std::vector<std::byte> escape_buffer_;
  std::array<std::span<const std::byte>, 4> write_queue_{};
  std::size_t write_head_ = 0;
  std::size_t write_count_ = 0;
  bool writing_ = false;

  StreamObserver* stream_observer_ = nullptr;
  bool stream_owner_is_request_ = false;
  bool cfun_in_progress_ = false;    // +CPIN/+CFUN URCs after AT+CFUN are not restarts
  bool booting_ = false;             // after a restart signal, until the module answers a command:
                                     // the rest of the boot URCs belong to the same restart
  // After a restart that interrupted a command: the queue waits for that command's late answer
  // from the rebooted module, or kRestartSettle, whichever comes first.
  static constexpr std::chrono::milliseconds kRestartSettle{1500};
  bool settling_ = false;
  bool reading_ = false;
  // While a received chunk is being tokenized no command is written: a reply may be followed
  // in the same chunk by `RDY`, and a command written in between would reach a module that is
  // rebooting (and be answered late, out of step).
  bool feeding_ = false;
  bool send_deferred_ = false;
  bool closed_ = false;

  std::vector<std::pair<std::uint64_t, LinkHandler>> link_listeners_;
  std::uint64_t next_listener_id_ = 1;
  std::function<void(std::string_view)> event_hook_;
  ChannelStats stats_;
};

}  // namespace sim7080::at

#include "at/command_channel.hpp"

#include <algorithm>

#include "asio/error.hpp"
#include "asio/post.hpp"
#include "at/quote.hpp"
#include "at/response_fields.hpp"

namespace sim7080::at {
namespace {

constexpr auto kEtx = std::byte{0x03};
constexpr auto kDle = std::byte{0x10};

bool starts_with(std::string_view s, std::string_view p) noexcept {
  return s.size() >= p.size() && s.compare(0, p.size(), p) == 0;
}

// Whether the request line is the form of its command that has a host data phase.
bool expects_go_ahead(const Request& r) noexcept {
  const auto& spec = *r.spec;
  const std::string_view line = r.line;
  const std::string_view name = spec.name;
  switch (spec.go_ahead) {
    case GoAhead::none: return false;
    case GoAhead::counted:  // AT+FTPPUT=2,<n> with n > 0 (=2,0 closes the session)
      return starts_with(line, name) && starts_with(line.substr(name.size()), "=2,") &&
             line.substr(name.size()) != "=2,0";
    case GoAhead::staged: return starts_with(line.substr(name.size()), "=2,");
    case GoAhead::transparent: return line.substr(name.size()) == "=2";
    case GoAhead::prompt: return starts_with(line.substr(name.size()), "=");
  }
  return false;
}

}  // namespace


// Adapts tokenizer events to the channel without exposing on_event publicly.
class CommandChannel::Sink final : public EventSink {
 public:
  explicit Sink(CommandChannel& c) : channel_(c) {}
  void on_event(const Event& ev) override { channel_.on_event(ev); }

 private:
  CommandChannel& channel_;
};

CommandChannel::CommandChannel(transport::ByteStream& stream, std::unique_ptr<DeadlineTimer> timer,
                               ChannelOptions options)
    : stream_(stream), timer_(std::move(timer)), options_(options), tokenizer_(options.tokenizer),
      rx_buffer_(options.read_buffer_bytes) {
  escape_buffer_.reserve(2 * 4096 + 1);
  for (auto& s : tx_lines_) s.reserve(max_command_line_chars + 4);
}

CommandChannel::~CommandChannel() = default;

void CommandChannel::Queue::push_back(Request& r) noexcept {
  r.next_queued = nullptr;
  if (tail_) tail_->next_queued = &r;
  else head_ = &r;
  tail_ = &r;
}

Request* CommandChannel::Queue::pop_front() noexcept {
  Request* r = head_;
  if (!r) return nullptr;
  head_ = r->next_queued;
  if (!head_) tail_ = nullptr;
  r->next_queued = nullptr;
  return r;
}

bool CommandChannel::Queue::remove(Request& r) noexcept {
  Request* prev = nullptr;
  for (Request* it = head_; it; prev = it, it = it->next_queued) {
    if (it != &r) continue;
    (prev ? prev->next_queued : head_) = it->next_queued;
    if (tail_ == it) tail_ = prev;
    it->next_queued = nullptr;
    return true;
  }
  return false;
}

CommandChannel::Queue CommandChannel::Queue::take() noexcept {
  Queue q = *this;
  head_ = tail_ = nullptr;
  return q;
}

void CommandChannel::start() {
  closed_ = false;
  if (!reading_) read_more();
}

void CommandChannel::close() {
  if (closed_) return;
  closed_ = true;
  settling_ = false;
  timer_->disarm();
  // As for a vanished port: operations end now instead of starting their abort (AT+FTPQUIT,
  // then a wait for `1,80`) on a channel that writes nothing more.
  end_link(make_error_code(AtErrc::channel_closed));
}

void CommandChannel::end_link(std::error_code ec) {
  // Operations hear of it before their commands fail, so none of them reacts to the failed
  // command by talking to a module that cannot answer (no AT+FTPQUIT after a reboot).
  for (auto& [id, handler] : std::vector(link_listeners_)) handler(ec);
  fail_all(ec);
}

void CommandChannel::read_more() {
  reading_ = true;
  stream_.async_read_some(rx_buffer_, [self = shared_from_this()](std::error_code ec, std::size_t n) {
    self->on_read(ec, n);
  });
}

void CommandChannel::on_read(std::error_code ec, std::size_t n) {
  reading_ = false;
  if (n > 0) {
    Sink sink(*this);
    feeding_ = true;
    tokenizer_.feed(std::span<std::byte>(rx_buffer_).first(n), sink);
    feeding_ = false;
    if (send_deferred_) {
      send_deferred_ = false;
      send_next();
    }
  }
  if (ec) {
    if (ec == asio::error::operation_aborted) return;
    note("serial port failed");
    timer_->disarm();
    end_link(ec);
    return;
  }
  if (!closed_) read_more();
}

void CommandChannel::submit(Request& request) {
  if (!request.spec || !request.observer || check_command_line(request.line)) {
    post_completion(request, make_error_code(AtErrc::invalid_argument));
    return;
  }
  if (closed_) {
    post_completion(request, make_error_code(AtErrc::channel_closed));
    return;
  }
  queue_.push_back(request);
  if (!current_) send_next();
}

void CommandChannel::cancel(Request& request) {
  if (current_ == &request) {
    current_aborted_ = true;
    return;
  }
  if (!queue_.remove(request)) return;
  post_completion(request, asio::error::operation_aborted);
}

void CommandChannel::post_completion(Request& request, std::error_code ec) {
  asio::post(stream_.get_executor(), [self = shared_from_this(), r = &request, ec] {
    (void)self;
    r->observer->on_complete(ec);
  });
}

void CommandChannel::end_settling() {
  if (!settling_) return;
  settling_ = false;
  timer_->disarm();
  send_next();
}

void CommandChannel::send_next() {
  if (settling_) return;  // end_settling() sends
  if (feeding_) {
    send_deferred_ = true;
    return;
  }
  while (!current_ && !queue_.empty()) {
    Request* r = queue_.pop_front();
    current_ = r;
    current_aborted_ = false;
    current_error_ = {};
    streaming_ = false;
    stream_done_ = false;
    data_phase_ = expects_go_ahead(*r) ? DataPhase::awaiting_go_ahead : DataPhase::none;
    if (r->spec->payload) {
      PayloadRule rule = *r->spec->payload;
      if (r->payload_max != 0) rule.max_length = std::min(rule.max_length, r->payload_max);
      tokenizer_.arm_payload(rule);
      stream_owner_is_request_ = true;
    }
    if (r->spec->name == std::string_view("AT+CFUN")) cfun_in_progress_ = true;
    tokenizer_.expect_echo(r->line);

    tx_line_index_ ^= 1;
    std::string& buf = tx_lines_[tx_line_index_];
    buf.assign(r->line);
    buf.push_back('\r');
    enqueue_write(std::as_bytes(std::span<const char>(buf.data(), buf.size())));
    // The timer belongs to the channel and drops its handler when disarmed or destroyed, so
    // the expiry needs no keep-alive of its own.
    const auto deadline = r->timeout.count() > 0 ? std::min(r->spec->timeout, r->timeout) : r->spec->timeout;
    timer_->arm(deadline, [this] { on_deadline(); });
  }
}

void CommandChannel::complete_current(std::error_code ec) {
  Request* r = current_;
  if (!r) return;
  // A protocol violation seen earlier explains the final result better than the result itself.
  if (current_error_ && ec != AtErrc::timeout) ec = current_error_;
  if (current_aborted_) ec = asio::error::operation_aborted;
  current_ = nullptr;
  data_phase_ = DataPhase::none;
  streaming_ = false;
  final_pending_ = false;
  timer_->disarm();
  tokenizer_.clear_echo();
  if (stream_owner_is_request_) {
    tokenizer_.disarm_payload();
    stream_owner_is_request_ = false;
  }
  r->observer->on_complete(ec);  // may submit the next request
  if (!current_) send_next();
}

void CommandChannel::fail_all(std::error_code ec) {
  Queue pending = queue_.take();
  final_pending_ = false;
  if (current_) {
    Request* r = current_;
    current_ = nullptr;
    data_phase_ = DataPhase::none;
    streaming_ = false;
    tokenizer_.clear_echo();
    tokenizer_.disarm_payload();
    stream_owner_is_request_ = false;
    r->observer->on_complete(ec);
  }
  while (Request* r = pending.pop_front()) r->observer->on_complete(ec);
}

void CommandChannel::on_deadline() {
  if (!current_) return;
  note("command timed out");
  // A late final result for this command would be stray: it is counted and dropped.
  complete_current(make_error_code(AtErrc::timeout));
}

void CommandChannel::on_event(const Event& ev) {
  switch (ev.kind) {
    case EventKind::echo:
      return;
    case EventKind::line:
      on_line(ev.text);
      return;
    case EventKind::final_ok:
    case EventKind::final_error:
    case EventKind::cme_error:
    case EventKind::cms_error: {
      booting_ = false;  // the module answers: whatever boot URCs come now are a new boot
      if (!current_ || final_pending_) {
        ++stats_.stray_finals;
        note("final result with no command in flight");
        if (settling_ && !current_) end_settling();  // the rebooted module's late answer
        return;
      }
      std::error_code ec;
      if (ev.kind == EventKind::final_error) ec = make_error_code(AtErrc::error_result);
      if (ev.kind == EventKind::cme_error) ec = make_cme_error(ev.code);
      if (ev.kind == EventKind::cms_error) ec = make_error_code(AtErrc::error_result);
      if (ev.kind == EventKind::final_ok && current_->spec->go_ahead == GoAhead::transparent &&
          data_phase_ == DataPhase::awaiting_go_ahead) {
        return;  // [AN] order: OK before `+FTPETPUT: 2,1`; the manual omits it (spec Q4)
      }
      if (data_phase_ == DataPhase::writing) {
        // The modem cannot finish before it has our bytes; an early result means it gave up.
        data_phase_ = DataPhase::written;
        streaming_ = false;  // no further stream chunk
      }
      if (write_count_ > 0) {
        // Our write (the data phase, or the command line itself) has not completed yet: its
        // bytes belong to the request's observer until then (ByteStream::async_write), and
        // completing now would let it reuse or free them under the write. Finish after it.
        final_after_write_ = ec;
        final_pending_ = true;
        return;
      }
      complete_current(ec);
      return;
    }
    case EventKind::payload_begin:
      if (stream_owner_is_request_ && current_) {
        current_->observer->on_reply_line(ev.text);
      } else {
        router_.dispatch(ev.text);
      }
      return;
    case EventKind::payload:
      if (stream_owner_is_request_ && current_) {
        current_->observer->on_payload(ev.bytes);
      } else if (stream_observer_) {
        stream_observer_->on_stream_payload(ev.bytes);
      }
      return;
    case EventKind::payload_end:
      if (stream_owner_is_request_ && current_) {
        current_->observer->on_payload_end();
      } else if (stream_observer_) {
        StreamObserver* o = stream_observer_;
        stream_observer_ = nullptr;
        o->on_stream_end();
      }
      return;
    case EventKind::error:
      ++stats_.parse_errors;
      note(ev.error == AtErrc::line_too_long ? "line too long" : "malformed modem output");
      if (ev.error == AtErrc::protocol_error && current_) current_error_ = make_error_code(AtErrc::protocol_error);
      return;
  }
}

bool CommandChannel::is_reply(std::string_view line) const {
  if (!current_) return false;
  const auto& spec = *current_->spec;
  if (spec.reply_prefix.empty() || !has_prefix(line, spec.reply_prefix)) return false;
  if (spec.reply_first.empty()) return true;
  const auto fields = parse_response(line);
  if (!fields || fields->count == 0) return false;
  const auto first = fields->fields[0];
  // Test-form replies start with '(' and belong to the command too.
  if (!first.empty() && first.front() == '(') return true;
  return first.size() == 1 && spec.reply_first.find(first.front()) != std::string_view::npos;
}

bool CommandChannel::try_go_ahead(std::string_view line) {
  if (!current_ || data_phase_ != DataPhase::awaiting_go_ahead) return false;
  const auto& spec = *current_->spec;
  std::size_t count = 0;
  if (spec.go_ahead == GoAhead::prompt) {
    if (line != "DOWNLOAD") return false;
    count = current_->data_length;
  } else {
    if (!has_prefix(line, spec.go_ahead_prefix)) return false;
    const auto f = parse_response(line);
    if (!f || f->count != 2) return false;
    const auto a = f->number(0);
    const auto n = f->number(1);
    if (!a || !n) return false;
    if (spec.go_ahead == GoAhead::counted && *a != 2) return false;
    if (spec.go_ahead == GoAhead::transparent && (*a != 2 || *n != 1)) return false;
    count = static_cast<std::size_t>(*n);
  }
  if (spec.go_ahead == GoAhead::transparent) {
    data_phase_ = DataPhase::writing;
    streaming_ = true;
    next_stream_chunk();
    return true;
  }
  if (current_->data_length != 0 && count > current_->data_length) {
    refuse_data_phase();
    return true;
  }
  const auto bytes = current_->observer->on_go_ahead(count);
  if (bytes.size() != count) {
    refuse_data_phase();
    return true;
  }
  data_phase_ = DataPhase::writing;
  if (!bytes.empty()) enqueue_write(bytes);
  return true;
}

void CommandChannel::refuse_data_phase() {
  // The module asked for bytes we will not send (more than the command announced). Nothing is
  // written: filler would end up in the file. The module now sits in its data phase until its
  // own input timeout answers ERROR, so the full deadline of the spec applies from here, even
  // when the caller capped it (Request::timeout): a command written earlier would be taken as
  // data.
  current_error_ = make_error_code(AtErrc::protocol_error);
  data_phase_ = DataPhase::failed;
  timer_->arm(current_->spec->timeout, [this] { on_deadline(); });
}

void CommandChannel::next_stream_chunk() {
  if (!current_ || !streaming_) return;
  const auto chunk = current_->observer->on_stream_chunk();
  escape_buffer_.clear();
  if (chunk.empty()) {
    escape_buffer_.push_back(kEtx);
    stream_done_ = true;
    streaming_ = false;
  } else {
    for (std::byte b : chunk) {
      if (b == kEtx || b == kDle) escape_buffer_.push_back(kDle);
      escape_buffer_.push_back(b);
    }
  }
  enqueue_write(escape_buffer_);
}

std::error_code CommandChannel::restart_signal(std::string_view line) const {
  if (line == "NORMAL POWER DOWN" || line == "UNDER-VOLTAGE POWER DOWN" ||
      line == "OVER-VOLTAGE POWER DOWN" || line == "PSM POWER DOWN") {
    return make_error_code(AtErrc::modem_powered_down);
  }
  // One reboot prints RDY, +CFUN: 1, +CPIN: READY and SMS Ready: the first one counts, the
  // others must not fail the commands a client sends in reaction to it.
  if (booting_) return {};
  if (line == "RDY" || line == "SMS Ready") return make_error_code(AtErrc::modem_restarted);
  if (!cfun_in_progress_) {
    const auto f = parse_response(line);
    if (f && f->prefix == "+CFUN" && f->count == 1 && f->fields[0] == "1") return make_error_code(AtErrc::modem_restarted);
    if (f && f->prefix == "+CPIN" && f->count == 1 && f->text(0) == "READY") return make_error_code(AtErrc::modem_restarted);
  }
  return {};
}

void CommandChannel::on_line(std::string_view line) {
  if (is_reply(line)) {
    if (try_go_ahead(line)) return;
    current_->observer->on_reply_line(line);
    return;
  }
  if (try_go_ahead(line)) return;
  if (const auto ec = restart_signal(line)) {
    // A command written just before the reboot may reach the rebooted module, which then
    // answers it (`ERROR`) after its boot URCs. That late answer must not be taken for the next
    // command's: hold the queue until it came, or for kRestartSettle.
    const bool answer_may_follow = current_ != nullptr && ec == AtErrc::modem_restarted;
    ++stats_.restarts;
    booting_ = ec == AtErrc::modem_restarted;
    note(ec == AtErrc::modem_restarted ? "modem restarted" : "modem powered down");
    tokenizer_.reset();
    stream_observer_ = nullptr;
    timer_->disarm();
    if (answer_may_follow) {
      settling_ = true;
      timer_->arm(kRestartSettle, [this] { end_settling(); });
    }
    end_link(ec);
    router_.dispatch(line);
    return;
  }
  if (has_prefix(line, "+CPIN")) cfun_in_progress_ = false;  // the SIM state settles the CFUN change
  if (!router_.dispatch(line)) {
    ++stats_.unknown_urcs;
  }
}

void CommandChannel::arm_stream(const PayloadRule& rule, StreamObserver* observer) {
  stream_observer_ = observer;
  stream_owner_is_request_ = false;
  tokenizer_.arm_payload(rule);
}

void CommandChannel::disarm_stream() noexcept {
  if (!stream_owner_is_request_) {
    tokenizer_.disarm_payload();
    // An owner that stops listening mid-stream (deadline, restart) must not leave the
    // channel eating every later reply as stream payload.
    if (stream_observer_) tokenizer_.leave_stream();
  }
  stream_observer_ = nullptr;
}

std::uint64_t CommandChannel::add_link_listener(LinkHandler handler) {
  const auto id = next_listener_id_++;
  link_listeners_.emplace_back(id, std::move(handler));
  return id;
}

void CommandChannel::remove_link_listener(std::uint64_t id) noexcept {
  std::erase_if(link_listeners_, [id](const auto& p) { return p.first == id; });
}

void CommandChannel::enqueue_write(std::span<const std::byte> bytes) {
  write_queue_[(write_head_ + write_count_) % write_queue_.size()] = bytes;
  ++write_count_;
  start_write();
}

void CommandChannel::start_write() {
  if (writing_ || write_count_ == 0) return;
  writing_ = true;
  stream_.async_write(write_queue_[write_head_], [self = shared_from_this()](std::error_code ec, std::size_t) {
    self->on_write(ec);
  });
}

void CommandChannel::on_write(std::error_code ec) {
  writing_ = false;
  write_head_ = (write_head_ + 1) % write_queue_.size();
  --write_count_;
  if (ec) {
    if (ec == asio::error::operation_aborted) return;
    write_count_ = 0;
    timer_->disarm();
    fail_all(ec);
    return;
  }
  if (final_pending_ && write_count_ == 0) {
    final_pending_ = false;
    complete_current(final_after_write_);
    return;
  }
  if (streaming_ && write_count_ == 0) {
    next_stream_chunk();
    return;
  }
  start_write();
}

void CommandChannel::note(std::string_view what) {
  if (event_hook_) event_hook_(what);
}

}  // namespace sim7080::at

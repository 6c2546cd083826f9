#include "ftp/op_runner.hpp"

#include "asio/error.hpp"
#include "asio/post.hpp"

namespace sim7080::ftp {
namespace {

// AT+FTPETGET's stream header is a URC (`+FTPETGET: 1,1`), armed before the command is sent.
constexpr at::PayloadRule kEtGetStream{"+FTPETGET", "1", at::PayloadRule::Mode::transparent, 0};

}  // namespace

OpRunner::OpRunner(at::CommandChannel& channel, std::unique_ptr<at::DeadlineTimer> timer, ModemFtpSettings& cache,
                   std::vector<SetterStep> setters, std::unique_ptr<Fsm> fsm, Hooks hooks)
    : channel_(channel), timer_(std::move(timer)), cache_(cache), setters_(std::move(setters)),
      fsm_(std::move(fsm)), hooks_(std::move(hooks)) {
  request_.observer = this;
}

OpRunner::~OpRunner() {
  if (link_listener_) channel_.remove_link_listener(link_listener_);
}

void OpRunner::start() {
  self_ = shared_from_this();
  // A module restart forgets every setting (they are NO_SAVE) and ends the operation.
  link_listener_ = channel_.add_link_listener([this](std::error_code ec) {
    cache_.forget_all();
    if (finished_) return;
    if (in_setters_) return;  // the pending setter completes with the same error
    Event ev;
    ev.type = EventType::link_lost;
    ev.ec = ec;
    feed(ev);
  });
  next_setter();
}

void OpRunner::next_setter() {
  if (cancelled_) return finish(asio::error::operation_aborted);
  if (next_setter_ == setters_.size()) return start_fsm();
  const auto& step = setters_[next_setter_];
  submit(step.id, step.line);
}

void OpRunner::start_fsm() {
  in_setters_ = false;
  for (auto prefix : fsm_->urc_prefixes()) {
    urcs_.push_back(channel_.urcs().subscribe(std::string(prefix), [this](std::string_view line) {
      Event ev;
      ev.type = EventType::urc;
      ev.line = line;
      feed(ev);
    }));
  }
  Event ev;
  ev.type = EventType::start;
  feed(ev);
}

void OpRunner::cancel() {
  if (finished_ || cancelled_) return;
  cancelled_ = true;
  if (in_setters_) {
    if (in_flight_) channel_.cancel(request_);
    return;
  }
  Event ev;
  ev.type = EventType::cancel;
  feed(ev);
}

void OpRunner::feed(const Event& ev) {
  if (finished_) return;
  // A local list: executing may feed the FSM again (a sink error) before this list is done.
  Actions actions;
  fsm_->resume(ev, actions);
  execute(actions);
}

void OpRunner::execute(const Actions& actions) {
  for (const auto& a : actions) {
    if (finished_) return;
    switch (a.type) {
      case ActionType::send:
        submit(a.id, a.line, a.payload_max);
        break;
      case ActionType::write_data:
        data_reply_ = a.bytes;
        break;
      case ActionType::arm_stream:
        channel_.arm_stream(kEtGetStream, this);
        break;
      case ActionType::arm_deadline:
        timer_->arm(a.after, [this] {
          Event ev;
          ev.type = EventType::deadline;
          feed(ev);
        });
        break;
      case ActionType::disarm_deadline:
        timer_->disarm();
        break;
      case ActionType::deliver:
        if (!sink_error_ && hooks_.deliver) {
          if (auto ec = hooks_.deliver(a.bytes)) {
            // The sink cannot take more: abort the module-side session, report the sink's error.
            sink_error_ = ec;
            Event ev;
            ev.type = EventType::cancel;
            feed(ev);
          }
        }
        break;
      case ActionType::progress:
        if (hooks_.progress) hooks_.progress(a.count);
        break;
      case ActionType::done:
        finish(a.ec);
        return;
    }
  }
}

void OpRunner::submit(CommandId id, std::string_view line, std::uint64_t payload_max) {
  if (in_flight_) {
    pending_.push_back(PendingSend{id, std::string(line), payload_max});  // the view dies with the event
    return;
  }
  in_flight_ = true;
  request_.line.assign(line);  // keeps the buffer: no allocation per command
  request_.spec = &command_spec(id);
  request_.payload_max = payload_max;
  request_.data_length = 0;
  channel_.submit(request_);
}

void OpRunner::finish(std::error_code ec) {
  if (finished_) return;
  finished_ = true;
  if (sink_error_ && (ec == asio::error::operation_aborted || !ec)) ec = sink_error_;
  timer_->disarm();
  urcs_.clear();
  channel_.disarm_stream();
  if (link_listener_) {
    channel_.remove_link_listener(link_listener_);
    link_listener_ = 0;
  }
  if (in_flight_) channel_.cancel(request_);  // only after a link loss: the channel failed it already
  auto self = std::move(self_);
  asio::post(channel_.get_executor(), [self, ec] {
    if (self->hooks_.done) self->hooks_.done(ec, *self->fsm_);
  });
}

void OpRunner::on_reply_line(std::string_view line) {
  if (in_setters_) return;
  Event ev;
  ev.type = EventType::reply_line;
  ev.line = line;
  feed(ev);
}

void OpRunner::on_payload(std::span<const std::byte> bytes) {
  Event ev;
  ev.type = EventType::payload;
  ev.bytes = bytes;
  feed(ev);
}

void OpRunner::on_payload_end() {
  Event ev;
  ev.type = EventType::payload_end;
  feed(ev);
}

std::span<const std::byte> OpRunner::on_go_ahead(std::size_t count) {
  data_reply_ = {};
  Event ev;
  ev.type = EventType::go_ahead;
  ev.count = count;
  feed(ev);
  return data_reply_;
}

std::span<const std::byte> OpRunner::on_stream_chunk() {
  data_reply_ = {};
  Event ev;
  ev.type = EventType::stream_chunk;
  feed(ev);
  return data_reply_;
}

void OpRunner::on_complete(std::error_code ec) {
  in_flight_ = false;
  if (finished_) return;
  if (in_setters_) {
    const auto& step = setters_[next_setter_];
    if (ec && !(step.error_is_fine && ec == AtErrc::error_result)) {
      record_failure(cache_, step);
      return finish(ec);
    }
    record_ack(cache_, step);
    ++next_setter_;
    return next_setter();
  }
  Event ev;
  ev.type = EventType::command_done;
  ev.ec = ec;
  feed(ev);
  if (!in_flight_ && !pending_.empty() && !finished_) {
    auto next = std::move(pending_.front());
    pending_.pop_front();
    submit(next.id, next.line, next.payload_max);
  }
}

void OpRunner::on_stream_payload(std::span<const std::byte> bytes) { on_payload(bytes); }
void OpRunner::on_stream_end() { on_payload_end(); }

}  // namespace sim7080::ftp

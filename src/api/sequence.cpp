#include "api/sequence.hpp"

#include "asio/error.hpp"
#include "asio/post.hpp"

namespace sim7080 {

std::shared_ptr<Sequence> Sequence::create(Modem::Impl& modem, asio::cancellation_slot slot) {
  auto seq = std::make_shared<Sequence>(modem);
  seq->timer_ = modem.make_timer();
  if (slot.is_connected()) {
    seq->slot_ = slot;
    std::weak_ptr<Sequence> weak = seq;
    slot.assign([weak](asio::cancellation_type) {
      if (auto s = weak.lock()) s->on_cancel();
    });
  }
  return seq;
}

void Sequence::on_cancel() {
  if (finished_) return;
  cancelled_ = true;
  current_.cancel();
  if (urc_done_) {
    auto done = std::move(urc_done_);
    urc_.reset();
    timer_->disarm();
    done(asio::error::operation_aborted);
  }
}

void Sequence::call(std::string line, const at::CommandSpec& spec, std::chrono::milliseconds timeout, at::CallDone done,
                    std::span<const std::byte> data) {
  if (cancelled_ || !modem_.is_open()) {
    const std::error_code ec = cancelled_ ? std::error_code(asio::error::operation_aborted)
                                          : make_error_code(AtErrc::channel_closed);
    asio::post(modem_.executor(), [done = std::move(done), ec] { done(ec, {}); });
    return;
  }
  current_ = at::call(modem_.channel(), std::move(line), spec, std::move(done), timeout, data);
}

void Sequence::run_steps(std::vector<std::pair<std::string, ftp::CommandId>> steps, Done done) {
  if (steps.empty()) return done({});
  auto first = steps.front();
  steps.erase(steps.begin());
  call(first.first, ftp::command_spec(first.second),
       [self = shared_from_this(), rest = std::move(steps), done = std::move(done)](std::error_code ec, std::vector<std::string>) mutable {
         if (ec) return done(ec);
         self->run_steps(std::move(rest), std::move(done));
       });
}

void Sequence::after(std::chrono::milliseconds pause, std::function<void()> fn) {
  timer_->arm(pause, [self = shared_from_this(), fn = std::move(fn)] { fn(); });
}

void Sequence::watch_urc(std::string prefix, std::function<bool(std::string_view)> match) {
  urc_seen_ = false;
  urc_ = modem_.channel().urcs().subscribe(std::move(prefix), [this, match = std::move(match)](std::string_view line) {
    if (!match(line)) return;
    if (!urc_done_) {
      urc_seen_ = true;  // arrived before anyone waited (e.g. right behind the OK)
      return;
    }
    auto d = std::move(urc_done_);
    timer_->disarm();
    d({});
  });
}

void Sequence::wait_urc(std::chrono::milliseconds timeout, Done done) {
  if (urc_seen_) {
    urc_seen_ = false;
    return done({});
  }
  urc_done_ = std::move(done);
  timer_->arm(timeout, [self = shared_from_this()] {
    if (!self->urc_done_) return;
    auto d = std::move(self->urc_done_);
    d(make_error_code(AtErrc::timeout));
  });
}

void Sequence::finish() {
  finished_ = true;
  if (slot_.is_connected()) slot_.clear();
  timer_->disarm();
  urc_.reset();
}

}  // namespace sim7080

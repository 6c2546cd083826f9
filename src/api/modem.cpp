// Modem: opening the link, tracing, and the basic and bearer command sequences.
#include "sim7080/modem.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "api/modem_impl.hpp"
#include "api/sequence.hpp"
#include "asio/error.hpp"
#include "at/command_call.hpp"
#include "at/quote.hpp"
#include "at/response_fields.hpp"
#include "ftp/command_table.hpp"

namespace sim7080 {

using ftp::CommandId;
using ftp::command_spec;

Modem::Impl::Impl(asio::any_io_executor ex)
    : executor_(ex), timer_factory_([ex] { return at::make_steady_deadline_timer(ex); }) {}

Modem::Impl::Impl(transport::ByteStream& stream, std::unique_ptr<at::DeadlineTimer> command_timer,
                  std::function<std::unique_ptr<at::DeadlineTimer>()> timer_factory)
    : executor_(stream.get_executor()), timer_factory_(std::move(timer_factory)) {
  attach(stream, std::move(command_timer));
}

void Modem::Impl::attach(transport::ByteStream& stream, std::unique_ptr<at::DeadlineTimer> timer) {
  traced_ = std::make_unique<transport::TracedStream>(stream);
  for (auto* sink : sinks_) traced_->add_sink(*sink);
  channel_ = std::make_shared<at::CommandChannel>(*traced_, std::move(timer));
  channel_->set_event_hook([t = traced_.get()](std::string_view what) { t->event(what); });
  ftp_settings.forget_all();
  if (unknown_urc_hook) channel_->urcs().set_unknown_hook(unknown_urc_hook);
  channel_->add_link_listener([this](std::error_code) { ftp_settings.forget_all(); });
  closed_ = false;
  channel_->start();
}

std::error_code Modem::Impl::open(const SerialOptions& options) {
  if (channel_ && !closed_) close();
  auto port = std::make_unique<transport::SerialPort>(executor_);
  if (auto ec = port->open(options)) return ec;
  serial_options_ = options;
  port_ = std::move(port);
  attach(*port_, timer_factory_());
  return {};
}

void Modem::Impl::close() {
  if (closed_ || !channel_) return;
  closed_ = true;
  channel_->close();
  if (traced_) traced_->close();
}

std::error_code Modem::Impl::set_line_rate(unsigned baud_rate) {
  if (!port_) return {};
  if (auto ec = port_->set_baud_rate(baud_rate)) return ec;
  serial_options_.baud_rate = baud_rate;
  return {};
}

Modem::Modem(const asio::any_io_executor& executor) : impl_(std::make_shared<Impl>(executor)) {}

Modem::Modem(transport::ByteStream& stream, std::unique_ptr<at::DeadlineTimer> command_timer,
             std::function<std::unique_ptr<at::DeadlineTimer>()> timer_factory)
    : impl_(std::make_shared<Impl>(stream, std::move(command_timer), std::move(timer_factory))) {}

Modem::~Modem() { impl_->close(); }

asio::any_io_executor Modem::get_executor() const { return impl_->executor(); }
std::error_code Modem::open(const SerialOptions& options) { return impl_->open(options); }
void Modem::close() { impl_->close(); }
bool Modem::is_open() const { return impl_->is_open(); }

void Modem::Impl::add_trace_sink(TraceSink& sink) {
  if (std::find(sinks_.begin(), sinks_.end(), &sink) != sinks_.end()) return;
  sinks_.push_back(&sink);
  if (traced_) traced_->add_sink(sink);
}
void Modem::Impl::remove_trace_sink(TraceSink& sink) {
  std::erase(sinks_, &sink);
  if (traced_) traced_->remove_sink(sink);
}
void Modem::add_trace_sink(TraceSink& sink) { impl_->add_trace_sink(sink); }
void Modem::remove_trace_sink(TraceSink& sink) { impl_->remove_trace_sink(sink); }
void Modem::set_unknown_urc_hook(std::function<void(std::string_view)> hook) {
  impl_->unknown_urc_hook = hook;
  if (impl_->is_open()) impl_->channel().urcs().set_unknown_hook(std::move(hook));
}

ModemStats Modem::stats() const {
  if (!impl_->is_open()) return {};
  const auto& s = impl_->channel().stats();
  return {s.unknown_urcs, s.stray_finals, s.parse_errors, s.restarts};
}

void Modem::start_command(std::string line, std::chrono::milliseconds timeout,
                          detail::Completion<std::vector<std::string>> done, asio::cancellation_slot slot) {
  auto seq = Sequence::create(*impl_, slot);
  const auto id = ftp::find_command(line);
  // Unknown commands still run: their information lines are all collected.
  at::CommandSpec spec = id ? command_spec(*id) : at::CommandSpec{"AT", timeout, "", {}, std::nullopt, at::GoAhead::none, {}};
  if (!id) spec.reply_prefix = "+";
  seq->call(std::move(line), spec, timeout,
            [seq, done = share(std::move(done))](std::error_code ec, std::vector<std::string> lines) mutable {
              seq->finish();
              done->complete(ec, std::move(lines));
            });
}

void Modem::start_initialize(int attempts, detail::Completion<> done, asio::cancellation_slot slot) {
  // Initialising says the module's state is unknown (a reboot may have gone unseen): every FTP
  // setting is written again before the next operation.
  impl_->ftp_settings.forget_all();
  auto seq = Sequence::create(*impl_, slot);
  auto state = std::make_shared<detail::Completion<>>(std::move(done));
  auto finish = [seq, state](std::error_code ec) {
    seq->finish();
    state->complete(ec);
  };
  const bool rtscts = impl_->serial_options().rtscts;
  // AT until OK: an auto-baud module learns the rate from it and sends no RDY (spec §1.7); a
  // module that took an upload command just before rebooting swallows ATs as data until its
  // input timeout (10 s) runs out, so 20 one-second tries outlast it.
  auto attempt = std::make_shared<std::function<void(int)>>();
  *attempt = [seq, finish, rtscts, attempt](int tries_left) {
    seq->call("AT", command_spec(CommandId::at), std::chrono::milliseconds{1000},
              [seq, finish, rtscts, attempt, tries_left](std::error_code ec, std::vector<std::string>) {
                if (ec && tries_left > 1 && ec != asio::error::operation_aborted && !seq->cancelled()) {
                  if (ec == AtErrc::timeout) return (*attempt)(tries_left - 1);
                  return seq->after(std::chrono::milliseconds{1000}, [attempt, tries_left] { (*attempt)(tries_left - 1); });
                }
                *attempt = nullptr;  // break the self-reference
                if (ec) return finish(ec);
                std::vector<std::pair<std::string, CommandId>> steps{{"ATE0", CommandId::ate}, {"AT+CMEE=1", CommandId::cmee}};
                if (rtscts) steps.emplace_back("AT+IFC=2,2", CommandId::ifc);
                seq->run_steps(std::move(steps), finish);
              });
  };
  (*attempt)(std::max(attempts, 1));
}

}  // namespace sim7080

namespace sim7080 {

void Modem::start_install_certificate(std::string name, std::span<const std::byte> pem, detail::Completion<> done,
                                      asio::cancellation_slot slot) {
  auto seq = Sequence::create(*impl_, slot);
  auto state = share(std::move(done));
  auto finish = [seq, state](std::error_code ec) {
    seq->finish();
    state->complete(ec);
  };
  std::string quoted;
  if (auto ec = at::quote_argument(name, 50, quoted); ec || name.empty() || pem.empty() || pem.size() > 10240) {
    return finish(make_error_code(AtErrc::invalid_argument));
  }
  // The module waits <ms> for the bytes (100..10000): twice the time they take on the line.
  const auto baud = std::max(impl_->serial_options().baud_rate, 1200u);
  const auto wire_ms = pem.size() * 10 * 1000 / baud;
  const auto input_ms = std::clamp<std::size_t>(2 * wire_ms, 1000, 10000);
  auto write_line = fmt::format("AT+CFSWFILE=3,{},0,{},{}", quoted, pem.size(), input_ms);
  auto convert_line = fmt::format("AT+CSSLCFG=\"convert\",2,{}", quoted);
  seq->call("AT+CFSINIT", command_spec(CommandId::cfsinit),
            [seq, finish, pem, write_line, convert_line](std::error_code ec, std::vector<std::string>) {
              if (ec) return finish(ec);
              seq->call(write_line, command_spec(CommandId::cfswfile), std::chrono::milliseconds{0},
                        [seq, finish, convert_line](std::error_code write_ec, std::vector<std::string>) {
                          // CFSTERM closes the file system session whatever the write did.
                          seq->call("AT+CFSTERM", command_spec(CommandId::cfsterm),
                                    [seq, finish, write_ec, convert_line](std::error_code term_ec, std::vector<std::string>) {
                                      if (write_ec || term_ec) return finish(write_ec ? write_ec : term_ec);
                                      seq->run_steps({{convert_line, CommandId::csslcfg}}, finish);
                                    });
                        },
                        pem);
            });
}

}  // namespace sim7080

namespace sim7080 {
namespace {

// The rates AT+IPR accepts (spec §1.7), without 0 (auto-baud: not a rate to switch to).
constexpr unsigned kModuleRates[] = {300, 600, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400,
                                     921600, 2000000, 2900000, 3000000, 3200000, 3686400, 4000000};

}  // namespace

void Modem::start_set_baud_rate(unsigned rate, detail::Completion<> done, asio::cancellation_slot slot) {
  auto seq = Sequence::create(*impl_, slot);
  auto state = share(std::move(done));
  auto finish = [seq, state](std::error_code ec) {
    seq->finish();
    state->complete(ec);
  };
  const bool module_ok = std::find(std::begin(kModuleRates), std::end(kModuleRates), rate) != std::end(kModuleRates);
  if (!module_ok || !transport::is_supported_baud_rate(rate)) return finish(make_error_code(AtErrc::invalid_argument));
  const unsigned old_rate = impl_->serial_options().baud_rate;
  auto impl = impl_;
  // `AT` up to `tries` times, 1 s each; then `then(ec)`.
  auto probe = std::make_shared<std::function<void(int, std::function<void(std::error_code)>)>>();
  *probe = [seq, probe](int tries, std::function<void(std::error_code)> then) {
    seq->call("AT", command_spec(CommandId::at), std::chrono::milliseconds{1000},
              [seq, probe, tries, then](std::error_code ec, std::vector<std::string>) {
                if (ec == AtErrc::timeout && tries > 1 && !seq->cancelled()) return (*probe)(tries - 1, then);
                then(ec);
              });
  };
  seq->call(fmt::format("AT+IPR={}", rate), command_spec(CommandId::ipr),
            [seq, impl, finish, probe, rate, old_rate](std::error_code ec, std::vector<std::string>) {
              if (ec) {
                *probe = nullptr;
                return finish(ec);
              }
              // The new rate applies after the result code (§1.7).
              if (auto set_ec = impl->set_line_rate(rate)) {
                *probe = nullptr;
                return finish(set_ec);
              }
              (*probe)(3, [impl, finish, probe, old_rate](std::error_code verify_ec) {
                if (!verify_ec || verify_ec == asio::error::operation_aborted) {
                  *probe = nullptr;
                  return finish(verify_ec);
                }
                // No answer at the new rate: back to the old one and see whether the link lives.
                impl->set_line_rate(old_rate);
                (*probe)(2, [finish, probe](std::error_code back_ec) {
                  *probe = nullptr;
                  finish(back_ec ? back_ec : make_error_code(AtErrc::baud_rate_fallback));
                });
              });
            });
}

}  // namespace sim7080

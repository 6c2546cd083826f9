#pragma once
// Modem::Impl: owns the serial port (or borrows a stream), the tracing decorator and the
// command channel. Shared by Modem and FtpSession.
#include <functional>
#include <memory>

#include "at/command_channel.hpp"
#include "at/deadline_timer.hpp"
#include "ftp/config_plan.hpp"
#include "sim7080/modem.hpp"
#include "transport/serial_port.hpp"
#include "transport/traced_stream.hpp"

namespace sim7080 {

class Modem::Impl {
 public:
  explicit Impl(asio::any_io_executor ex);
  Impl(transport::ByteStream& stream, std::unique_ptr<at::DeadlineTimer> command_timer,
       std::function<std::unique_ptr<at::DeadlineTimer>()> timer_factory);

  std::error_code open(const SerialOptions& options);
  void close();
  bool is_open() const { return channel_ != nullptr && !closed_; }

  at::CommandChannel& channel() { return *channel_; }
  std::unique_ptr<at::DeadlineTimer> make_timer() { return timer_factory_(); }
  asio::any_io_executor executor() const { return executor_; }
  transport::TracedStream* traced() { return traced_.get(); }
  // Sinks stay registered across open() and close(): one added before open() sees everything.
  void add_trace_sink(TraceSink& sink);
  void remove_trace_sink(TraceSink& sink);
  const SerialOptions& serial_options() const { return serial_options_; }
  // Changes the host side's line speed (a no-op over a stream that is not a serial port).
  std::error_code set_line_rate(unsigned baud_rate);

  // One FTP operation at a time on a module (spec §3.0), whichever session asks.
  bool ftp_busy = false;
  // An FTP operation ended because the module stopped answering: the next one starts with
  // AT and AT+FTPQUIT (ftp::plan_resync).
  bool ftp_resync = false;
  // The FTP settings the module last acknowledged; they belong to the module, so sessions
  // share them. Forgotten on any restart (they are NO_SAVE).
  ftp::ModemFtpSettings ftp_settings;

 private:
  void attach(transport::ByteStream& stream, std::unique_ptr<at::DeadlineTimer> timer);

  asio::any_io_executor executor_;
  std::unique_ptr<transport::SerialPort> port_;
  std::unique_ptr<transport::TracedStream> traced_;
  std::shared_ptr<at::CommandChannel> channel_;
  std::function<std::unique_ptr<at::DeadlineTimer>()> timer_factory_;
  SerialOptions serial_options_;
  std::vector<TraceSink*> sinks_;

 public:
  // Kept across open(), like the sinks.
  std::function<void(std::string_view)> unknown_urc_hook;
  bool closed_ = false;
};

}  // namespace sim7080

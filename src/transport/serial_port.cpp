#include "transport/serial_port.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <utility>

#include "asio/error.hpp"
#include "asio/post.hpp"
#include "asio/serial_port.hpp"
#include "asio/write.hpp"
#include "sim7080/error.hpp"

namespace sim7080::transport {
namespace {

struct BaudEntry {
  unsigned baud_rate;
  speed_t speed;
};

// Every rate Linux has a Bxxx constant for. Rates the modem offers beyond these (2900000,
// 3200000, 3686400) would need termios2/BOTHER; they are refused with configure_failed.
constexpr BaudEntry baud_table[] = {
    {50, B50},           {75, B75},           {110, B110},         {134, B134},
    {150, B150},         {200, B200},         {300, B300},         {600, B600},
    {1200, B1200},       {1800, B1800},       {2400, B2400},       {4800, B4800},
    {9600, B9600},       {19200, B19200},     {38400, B38400},     {57600, B57600},
    {115200, B115200},   {230400, B230400},   {460800, B460800},   {500000, B500000},
    {576000, B576000},   {921600, B921600},   {1000000, B1000000}, {1152000, B1152000},
    {1500000, B1500000}, {2000000, B2000000}, {2500000, B2500000}, {3000000, B3000000},
    {3500000, B3500000}, {4000000, B4000000},
};

std::optional<speed_t> to_speed(unsigned baud_rate) noexcept {
  for (const auto& e : baud_table) {
    if (e.baud_rate == baud_rate) return e.speed;
  }
  return std::nullopt;
}

// Sets the speed on an open terminal and reads it back: tcsetattr succeeds if *any* change
// took, so only the read-back proves the rate (and flow control) are in force.
std::error_code apply_termios(int fd, termios tio, speed_t speed) {
  if (::cfsetispeed(&tio, speed) != 0 || ::cfsetospeed(&tio, speed) != 0) {
    return TransportErrc::configure_failed;
  }
  if (::tcsetattr(fd, TCSANOW, &tio) != 0) return TransportErrc::configure_failed;
  termios check{};
  if (::tcgetattr(fd, &check) != 0) return TransportErrc::configure_failed;
  if (::cfgetospeed(&check) != speed || ::cfgetispeed(&check) != speed ||
      (check.c_cflag & CRTSCTS) != (tio.c_cflag & CRTSCTS) || (check.c_cflag & CSIZE) != CS8 ||
      (check.c_cflag & (PARENB | CSTOPB)) != 0) {
    return TransportErrc::configure_failed;
  }
  return {};
}

template <class Handler>
void post_error(asio::serial_port& port, Handler handler, std::error_code ec) {
  asio::post(port.get_executor(), [h = std::move(handler), ec]() mutable { h(ec, 0); });
}

}  // namespace

bool is_supported_baud_rate(unsigned baud_rate) noexcept { return to_speed(baud_rate).has_value(); }

std::error_code to_transport_error(std::error_code ec) noexcept {
  if (!ec) return ec;
  if (ec == asio::error::eof) return TransportErrc::port_vanished;
  // Asio reports errno values in its own "asio.system" category, not std::system_category().
  if (ec.category() == asio::error::get_system_category() || ec.category() == std::system_category() ||
      ec.category() == std::generic_category()) {
    switch (ec.value()) {
      case EIO:     // pty whose master closed; USB serial during unplug
      case ENXIO:   // device gone
      case ENODEV:  // driver unbound
      case EBADF:   // descriptor invalidated by a hang-up
      case EPIPE:
        return TransportErrc::port_vanished;
      default:
        break;
    }
  }
  return ec;
}

// Shared between the port and its pending Asio operations, so an operation completing after
// the port's destruction touches live memory (and finds no handler to call).
struct SerialPort::State {
  explicit State(asio::any_io_executor ex) : port(std::move(ex)) {}
  asio::serial_port port;
  ReadHandler read_handler;    // non-empty while a read is pending
  WriteHandler write_handler;  // non-empty while a write is pending
};

// The Asio completion handlers: one shared pointer each, so the operation object has a fixed
// size that Asio's recycling allocator reuses. The user's handler is moved out of the state
// before it runs, so it can start the next operation.
struct SerialPort::ReadOp {
  std::shared_ptr<State> state;
  void operator()(const std::error_code& ec, std::size_t n) const {
    ReadHandler h = std::move(state->read_handler);
    state->read_handler = nullptr;
    if (h) h(to_transport_error(ec), n);
  }
};

struct SerialPort::WriteOp {
  std::shared_ptr<State> state;
  void operator()(const std::error_code& ec, std::size_t n) const {
    WriteHandler h = std::move(state->write_handler);
    state->write_handler = nullptr;
    if (h) h(to_transport_error(ec), n);
  }
};

SerialPort::SerialPort(asio::any_io_executor executor) : state_(std::make_shared<State>(std::move(executor))) {}

SerialPort::SerialPort(asio::io_context& context) : SerialPort(context.get_executor()) {}

SerialPort::~SerialPort() {
  // Abandon pending operations: they still complete inside Asio (closing aborts them), but
  // find no handler, so nothing calls back into an owner that is going away.
  state_->read_handler = nullptr;
  state_->write_handler = nullptr;
  std::error_code ignored;
  state_->port.close(ignored);
}

std::error_code SerialPort::open(const SerialOptions& options) {
  if (state_->port.is_open()) return asio::error::already_open;
  const auto speed = to_speed(options.baud_rate);

  const int fd = ::open(options.device.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return TransportErrc::no_device;

  auto fail = [fd](std::error_code ec) {
    ::close(fd);
    return ec;
  };
  if (!speed) return fail(TransportErrc::configure_failed);

  termios tio{};
  if (::tcgetattr(fd, &tio) != 0) return fail(TransportErrc::configure_failed);  // not a terminal
  ::cfmakeraw(&tio);
  tio.c_cflag &= ~static_cast<tcflag_t>(CSIZE | PARENB | CSTOPB | CRTSCTS);
  tio.c_cflag |= CS8 | CLOCAL | CREAD;
  if (options.rtscts) tio.c_cflag |= CRTSCTS;
  tio.c_iflag &= ~static_cast<tcflag_t>(IXON | IXOFF | IXANY);  // 0x11/0x13 are data (spec §1.6)
  tio.c_cc[VMIN] = 1;
  tio.c_cc[VTIME] = 0;
  if (auto ec = apply_termios(fd, tio, *speed)) return fail(ec);

  std::error_code ec;
  state_->port.assign(fd, ec);
  if (ec) return fail(TransportErrc::configure_failed);
  return {};
}

std::error_code SerialPort::set_baud_rate(unsigned baud_rate) {
  if (!state_->port.is_open()) return TransportErrc::not_open;
  const auto speed = to_speed(baud_rate);
  if (!speed) return TransportErrc::configure_failed;
  const int fd = state_->port.native_handle();
  termios tio{};
  if (::tcgetattr(fd, &tio) != 0) return to_transport_error({errno, std::system_category()});
  if (auto ec = apply_termios(fd, tio, *speed)) {
    (void)::tcsetattr(fd, TCSANOW, &tio);  // put the previous settings back
    return ec;
  }
  return {};
}

int SerialPort::native_handle() const noexcept {
  return state_->port.is_open() ? state_->port.native_handle() : -1;
}

asio::any_io_executor SerialPort::get_executor() { return state_->port.get_executor(); }

void SerialPort::async_read_some(std::span<std::byte> into, ReadHandler handler) {
  if (!state_->port.is_open()) return post_error(state_->port, std::move(handler), TransportErrc::not_open);
  if (state_->read_handler) return post_error(state_->port, std::move(handler), asio::error::in_progress);
  state_->read_handler = std::move(handler);
  state_->port.async_read_some(asio::buffer(into.data(), into.size()), ReadOp{state_});
}

void SerialPort::async_write(std::span<const std::byte> bytes, WriteHandler handler) {
  if (!state_->port.is_open()) return post_error(state_->port, std::move(handler), TransportErrc::not_open);
  if (state_->write_handler) return post_error(state_->port, std::move(handler), asio::error::in_progress);
  state_->write_handler = std::move(handler);
  asio::async_write(state_->port, asio::buffer(bytes.data(), bytes.size()), WriteOp{state_});
}

void SerialPort::cancel() {
  std::error_code ignored;
  state_->port.cancel(ignored);
}

void SerialPort::close() {
  std::error_code ignored;
  state_->port.close(ignored);
}

bool SerialPort::is_open() const { return state_->port.is_open(); }

}  // namespace sim7080::transport

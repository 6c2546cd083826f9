// SerialPort against a real pseudo-terminal: the far (master) side is driven with plain POSIX
// calls; the io_context runs in the test thread with a deadline on every wait.
#include "transport/serial_port.hpp"

#include <gtest/gtest.h>
#include <termios.h>

#include <atomic>
#include <numeric>
#include <thread>

#include "asio/error.hpp"
#include "pty_helpers.hpp"
#include "sim7080/error.hpp"

namespace sim7080::transport {
namespace {

using namespace test;

std::vector<std::byte> all_byte_values() {
  std::vector<std::byte> v(256);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<std::byte>(i);
  return v;
}

class SerialPortTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(pty_.ok());
    ASSERT_FALSE(port_.open({pty_.slave_path(), 115200, false}));
    ASSERT_TRUE(port_.is_open());
  }

  // Reads from the port until `count` bytes arrived (or the deadline); each read's size is
  // recorded in `sizes` when given.
  std::vector<std::byte> read_from_port(std::size_t count, std::size_t buffer_bytes = 4096,
                                        std::vector<std::size_t>* sizes = nullptr) {
    std::vector<std::byte> got;
    std::vector<std::byte> buf(buffer_bytes);
    bool failed = false;
    std::function<void()> start;
    ReadHandler on_read = [&](std::error_code ec, std::size_t n) {
      if (ec) {
        failed = true;
        return;
      }
      if (sizes) sizes->push_back(n);
      got.insert(got.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
      if (got.size() < count) start();
    };
    start = [&] { port_.async_read_some(buf, on_read); };
    start();
    EXPECT_TRUE(run_until(io_, [&] { return failed || got.size() >= count; }));
    EXPECT_FALSE(failed);
    if (got.size() < count) {  // abandon the pending read before the locals go away
      port_.cancel();
      run_until(io_, [] { return false; }, 1000ms);
    }
    return got;
  }

  asio::io_context io_;
  Pty pty_;
  SerialPort port_{io_};
};

TEST_F(SerialPortTest, HostToFarCarriesAllByteValues) {
  const auto data = all_byte_values();
  std::error_code result = asio::error::would_block;
  std::size_t written = 0;
  port_.async_write(data, [&](std::error_code ec, std::size_t n) {
    result = ec;
    written = n;
  });
  ASSERT_TRUE(run_until(io_, [&] { return result != asio::error::would_block; }));
  EXPECT_FALSE(result);
  EXPECT_EQ(written, data.size());
  EXPECT_EQ(pty_.read_exact(data.size(), Clock::now() + 5s), data);
}

TEST_F(SerialPortTest, FarToHostCarriesAllByteValues) {
  const auto data = all_byte_values();
  ASSERT_TRUE(pty_.write_all(data, Clock::now() + 5s));
  EXPECT_EQ(read_from_port(data.size()), data);
}

TEST_F(SerialPortTest, LargeWriteIsReadFullyByConcurrentFarSide) {
  constexpr std::size_t size_bytes = 1 << 20;
  std::vector<std::byte> data(size_bytes);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::byte>((i * 131 + i / 256) & 0xff);

  std::vector<std::byte> far_got;
  std::thread far([&] { far_got = pty_.read_exact(size_bytes, Clock::now() + 30s); });

  std::error_code result = asio::error::would_block;
  std::size_t written = 0;
  port_.async_write(data, [&](std::error_code ec, std::size_t n) {
    result = ec;
    written = n;
  });
  const bool done = run_until(io_, [&] { return result != asio::error::would_block; }, 30000ms);
  far.join();
  ASSERT_TRUE(done);
  EXPECT_FALSE(result);
  EXPECT_EQ(written, size_bytes);
  ASSERT_EQ(far_got.size(), size_bytes);
  EXPECT_TRUE(far_got == data);
}

TEST_F(SerialPortTest, LargeFarToHostStreamArrivesIntact) {
  constexpr std::size_t size_bytes = 256 * 1024;
  std::vector<std::byte> data(size_bytes);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::byte>((i * 7 + i / 251) & 0xff);
  bool far_ok = false;
  std::thread far([&] { far_ok = pty_.write_all(data, Clock::now() + 30s); });
  const auto got = read_from_port(size_bytes, 1000);
  far.join();
  EXPECT_TRUE(far_ok);
  EXPECT_TRUE(got == data);
}

TEST_F(SerialPortTest, ReadsSeeEachSmallPieceTheFarSideWrites) {
  // The far side writes the next piece only after the port delivered the previous one, so each
  // read must complete with exactly one piece: the port returns what is there, never waits for
  // its buffer to fill.
  const std::vector<std::string> pieces = {"A", "T\r", "\r\n", "OK", "\r\n", "+FTPGET: 1,1", "\r\n"};
  std::vector<std::byte> buf(64);
  std::vector<std::string> seen;  // one entry per completed read
  std::string current;            // bytes of the piece being received
  std::size_t next = 0;
  bool failed = false;
  ReadHandler on_read;
  on_read = [&](std::error_code ec, std::size_t n) {
    if (ec) {
      failed = true;
      return;
    }
    seen.push_back(string_of(std::span(buf).first(n)));
    current += seen.back();
    if (current.size() < pieces[next].size()) {  // a piece may arrive in two reads
      port_.async_read_some(buf, on_read);
      return;
    }
    failed = current != pieces[next];  // never more than the piece: the far side waits
    current.clear();
    if (++next < pieces.size() && !failed) {
      failed = !pty_.write_all(pieces[next], Clock::now() + 5s);
      port_.async_read_some(buf, on_read);
    }
  };
  ASSERT_TRUE(pty_.write_all(pieces[0], Clock::now() + 5s));
  port_.async_read_some(buf, on_read);
  ASSERT_TRUE(run_until(io_, [&] { return failed || next == pieces.size(); }));
  EXPECT_FALSE(failed);
  EXPECT_EQ(std::accumulate(seen.begin(), seen.end(), std::string{}),
            std::accumulate(pieces.begin(), pieces.end(), std::string{}));
  EXPECT_GE(seen.size(), pieces.size());
}

TEST_F(SerialPortTest, SmallReadBufferSplitsTheStream) {
  const auto data = bytes_of("\r\n+FTPGET: 2,100\r\n0123456789abcdefghij\r\nOK\r\n");
  ASSERT_TRUE(pty_.write_all(data, Clock::now() + 5s));
  std::vector<std::size_t> sizes;
  EXPECT_EQ(read_from_port(data.size(), 7, &sizes), data);
  for (std::size_t s : sizes) {
    EXPECT_GE(s, 1u);
    EXPECT_LE(s, 7u);
  }
  EXPECT_GE(sizes.size(), (data.size() + 6) / 7);
}

TEST_F(SerialPortTest, FarSideClosingCompletesPendingReadWithPortVanished) {
  std::vector<std::byte> buf(64);
  int completions = 0;
  std::error_code result;
  port_.async_read_some(buf, [&](std::error_code ec, std::size_t) {
    ++completions;
    result = ec;
  });
  pty_.close_master();
  ASSERT_TRUE(run_until(io_, [&] { return completions > 0; }));
  EXPECT_EQ(result, TransportErrc::port_vanished);

  // No spin: with the read completed there is nothing left to run.
  io_.restart();
  EXPECT_EQ(io_.run_for(50ms), 0u);
  EXPECT_EQ(completions, 1);

  // A further read fails the same way, once, instead of hanging.
  port_.async_read_some(buf, [&](std::error_code ec, std::size_t) {
    ++completions;
    result = ec;
  });
  ASSERT_TRUE(run_until(io_, [&] { return completions > 1; }));
  EXPECT_EQ(result, TransportErrc::port_vanished);
  io_.restart();
  EXPECT_EQ(io_.run_for(50ms), 0u);
  EXPECT_EQ(completions, 2);
}

TEST_F(SerialPortTest, WriteAfterFarSideClosedFailsWithPortVanished) {
  pty_.close_master();
  const auto data = bytes_of("AT\r");
  int completions = 0;
  std::error_code result;
  port_.async_write(data, [&](std::error_code ec, std::size_t) {
    ++completions;
    result = ec;
  });
  ASSERT_TRUE(run_until(io_, [&] { return completions > 0; }));
  EXPECT_EQ(result, TransportErrc::port_vanished);
  io_.restart();
  EXPECT_EQ(io_.run_for(50ms), 0u);
  EXPECT_EQ(completions, 1);
}

TEST_F(SerialPortTest, CancelAbortsPendingReadAndPortStaysUsable) {
  std::vector<std::byte> buf(16);
  std::error_code result;
  int completions = 0;
  port_.async_read_some(buf, [&](std::error_code ec, std::size_t) {
    ++completions;
    result = ec;
  });
  port_.cancel();
  ASSERT_TRUE(run_until(io_, [&] { return completions > 0; }));
  EXPECT_EQ(result, asio::error::operation_aborted);
  EXPECT_TRUE(port_.is_open());
  ASSERT_TRUE(pty_.write_all("OK", Clock::now() + 5s));
  EXPECT_EQ(string_of(read_from_port(2)), "OK");
}

TEST_F(SerialPortTest, CloseAbortsPendingReadThenReportsNotOpen) {
  std::vector<std::byte> buf(16);
  std::error_code result;
  int completions = 0;
  auto handler = [&](std::error_code ec, std::size_t) {
    ++completions;
    result = ec;
  };
  port_.async_read_some(buf, handler);
  port_.close();
  EXPECT_FALSE(port_.is_open());
  EXPECT_EQ(port_.native_handle(), -1);
  ASSERT_TRUE(run_until(io_, [&] { return completions == 1; }));
  EXPECT_EQ(result, asio::error::operation_aborted);

  port_.async_read_some(buf, handler);
  ASSERT_TRUE(run_until(io_, [&] { return completions == 2; }));
  EXPECT_EQ(result, TransportErrc::not_open);
  port_.async_write(bytes_of("AT"), handler);
  ASSERT_TRUE(run_until(io_, [&] { return completions == 3; }));
  EXPECT_EQ(result, TransportErrc::not_open);
}

TEST_F(SerialPortTest, SecondConcurrentReadIsRefused) {
  std::vector<std::byte> buf(16);
  std::error_code first, second;
  int completions = 0;
  port_.async_read_some(buf, [&](std::error_code ec, std::size_t) {
    ++completions;
    first = ec;
  });
  port_.async_read_some(buf, [&](std::error_code ec, std::size_t) {
    ++completions;
    second = ec;
  });
  ASSERT_TRUE(run_until(io_, [&] { return completions == 1; }));
  EXPECT_EQ(second, asio::error::in_progress);
  ASSERT_TRUE(pty_.write_all("x", Clock::now() + 5s));
  ASSERT_TRUE(run_until(io_, [&] { return completions == 2; }));
  EXPECT_FALSE(first);
}

TEST_F(SerialPortTest, OpeningTwiceIsRefused) {
  EXPECT_EQ(port_.open({pty_.slave_path(), 115200, false}), asio::error::already_open);
  EXPECT_TRUE(port_.is_open());
}

TEST(SerialPortDestroy, PendingHandlersAreDroppedNotCalled) {
  asio::io_context io;
  Pty pty;
  ASSERT_TRUE(pty.ok());
  std::vector<std::byte> buf(16);
  int completions = 0;
  {
    SerialPort port{io};
    ASSERT_FALSE(port.open({pty.slave_path(), 115200, false}));
    port.async_read_some(buf, [&](std::error_code, std::size_t) { ++completions; });
    port.async_write(bytes_of("AT\r"), [&](std::error_code, std::size_t) { ++completions; });
  }
  io.run_for(200ms);  // whatever Asio still has to finish runs to the end here
  EXPECT_TRUE(io.stopped());
  EXPECT_EQ(completions, 0);
}

TEST(SerialPortOpen, MissingDeviceIsNoDevice) {
  asio::io_context io;
  SerialPort port{io};
  EXPECT_EQ(port.open({"/dev/does-not-exist-sim7080", 115200, false}), TransportErrc::no_device);
  EXPECT_FALSE(port.is_open());
}

TEST(SerialPortOpen, NonTerminalIsConfigureFailed) {
  asio::io_context io;
  SerialPort port{io};
  EXPECT_EQ(port.open({"/dev/null", 115200, false}), TransportErrc::configure_failed);
  EXPECT_FALSE(port.is_open());
}

TEST(SerialPortOpen, UnsupportedRateIsConfigureFailedAndLeavesPortClosed) {
  asio::io_context io;
  Pty pty;
  ASSERT_TRUE(pty.ok());
  SerialPort port{io};
  EXPECT_EQ(port.open({pty.slave_path(), 2900000, false}), TransportErrc::configure_failed);
  EXPECT_FALSE(port.is_open());
  EXPECT_EQ(port.open({pty.slave_path(), 0, false}), TransportErrc::configure_failed);
  EXPECT_FALSE(port.open({pty.slave_path(), 115200, false}));
}

TEST(SerialPortOpen, OperationsOnClosedPortReportNotOpen) {
  asio::io_context io;
  SerialPort port{io};
  EXPECT_EQ(port.set_baud_rate(115200), TransportErrc::not_open);
  EXPECT_EQ(port.native_handle(), -1);
}

struct RateCase {
  unsigned baud_rate;
  speed_t speed;
};

class SerialPortRate : public ::testing::TestWithParam<RateCase> {};

TEST_P(SerialPortRate, OpenSetsRawEightNOneAtTheRate) {
  asio::io_context io;
  Pty pty;
  ASSERT_TRUE(pty.ok());
  SerialPort port{io};
  ASSERT_FALSE(port.open({pty.slave_path(), GetParam().baud_rate, false}));
  termios tio{};
  ASSERT_EQ(::tcgetattr(port.native_handle(), &tio), 0);
  EXPECT_EQ(::cfgetospeed(&tio), GetParam().speed);
  EXPECT_EQ(::cfgetispeed(&tio), GetParam().speed);
  EXPECT_EQ(tio.c_cflag & CSIZE, static_cast<tcflag_t>(CS8));
  EXPECT_EQ(tio.c_cflag & (PARENB | CSTOPB | CRTSCTS), 0u);
  EXPECT_EQ(tio.c_cflag & (CLOCAL | CREAD), static_cast<tcflag_t>(CLOCAL | CREAD));
  EXPECT_EQ(tio.c_lflag & (ICANON | ECHO | ISIG | IEXTEN), 0u);
  EXPECT_EQ(tio.c_iflag & (IXON | IXOFF | ICRNL | INLCR | ISTRIP), 0u);
  EXPECT_EQ(tio.c_oflag & OPOST, 0u);
  EXPECT_EQ(tio.c_cc[VMIN], 1);
  EXPECT_EQ(tio.c_cc[VTIME], 0);
}

TEST_P(SerialPortRate, SetBaudRateChangesTheOpenPort) {
  asio::io_context io;
  Pty pty;
  ASSERT_TRUE(pty.ok());
  SerialPort port{io};
  ASSERT_FALSE(port.open({pty.slave_path(), 9600, true}));
  ASSERT_FALSE(port.set_baud_rate(GetParam().baud_rate));
  termios tio{};
  ASSERT_EQ(::tcgetattr(port.native_handle(), &tio), 0);
  EXPECT_EQ(::cfgetospeed(&tio), GetParam().speed);
  EXPECT_EQ(tio.c_cflag & CRTSCTS, static_cast<tcflag_t>(CRTSCTS));  // other settings kept
  EXPECT_EQ(tio.c_lflag & ICANON, 0u);
  EXPECT_TRUE(is_supported_baud_rate(GetParam().baud_rate));
}

INSTANTIATE_TEST_SUITE_P(StandardRates, SerialPortRate,
                         ::testing::Values(RateCase{9600, B9600}, RateCase{115200, B115200},
                                           RateCase{230400, B230400}, RateCase{921600, B921600},
                                           RateCase{2000000, B2000000}, RateCase{3000000, B3000000},
                                           RateCase{4000000, B4000000}),
                         [](const auto& tp) { return std::to_string(tp.param.baud_rate); });

TEST(SerialPortRates, RefusedRateKeepsThePreviousOne) {
  asio::io_context io;
  Pty pty;
  ASSERT_TRUE(pty.ok());
  SerialPort port{io};
  ASSERT_FALSE(port.open({pty.slave_path(), 921600, false}));
  EXPECT_EQ(port.set_baud_rate(3686400), TransportErrc::configure_failed);
  termios tio{};
  ASSERT_EQ(::tcgetattr(port.native_handle(), &tio), 0);
  EXPECT_EQ(::cfgetospeed(&tio), static_cast<speed_t>(B921600));
  EXPECT_FALSE(is_supported_baud_rate(2900000));
  EXPECT_FALSE(is_supported_baud_rate(3200000));
  EXPECT_FALSE(is_supported_baud_rate(0));
}

TEST(SerialPortRates, RtsCtsIsSetWhenAsked) {
  asio::io_context io;
  Pty pty;
  ASSERT_TRUE(pty.ok());
  SerialPort port{io};
  ASSERT_FALSE(port.open({pty.slave_path(), 115200, true}));
  termios tio{};
  ASSERT_EQ(::tcgetattr(port.native_handle(), &tio), 0);
  EXPECT_EQ(tio.c_cflag & CRTSCTS, static_cast<tcflag_t>(CRTSCTS));
}

TEST(TransportError, VanishingErrorsMapToPortVanished) {
  for (int e : {EIO, ENXIO, ENODEV, EBADF, EPIPE}) {
    EXPECT_EQ(to_transport_error({e, asio::error::get_system_category()}), TransportErrc::port_vanished) << e;
    EXPECT_EQ(to_transport_error({e, std::system_category()}), TransportErrc::port_vanished) << e;
  }
  EXPECT_EQ(to_transport_error(asio::error::eof), TransportErrc::port_vanished);
  EXPECT_EQ(to_transport_error(asio::error::operation_aborted), asio::error::operation_aborted);
  EXPECT_EQ(to_transport_error(asio::error::would_block), asio::error::would_block);
  EXPECT_FALSE(to_transport_error({}));
}

}  // namespace
}  // namespace sim7080::transport

// The text trace's exact layout: `time dir offset hex  ascii`, per-direction offsets, wrapping.
#include <gtest/gtest.h>

#include <sstream>

#include "pty_helpers.hpp"
#include "sim7080/trace.hpp"

namespace sim7080 {
namespace {

using transport::test::bytes_of;
using std::chrono::microseconds;

TEST(TextTrace, MatchesTheDocumentedLayout) {
  std::ostringstream out;
  auto sink = make_text_trace(out);
  const auto t0 = std::chrono::steady_clock::time_point{} + std::chrono::hours(5);
  sink->on_event("port opened", t0);
  sink->on_tx(bytes_of("AT\r"), t0 + microseconds(1234));
  sink->on_rx(bytes_of("AT\r\r\nOK\r\n"), t0 + microseconds(2000));
  sink->on_tx(bytes_of("AT+FTPGET=2,1024\r"), t0 + microseconds(3500000));
  sink->on_rx(bytes_of(std::string("\x00\x7f\xff~ ", 5)), t0 + microseconds(12345678));
  sink->on_event("modem\nrestarted", t0 + microseconds(12345679));
  EXPECT_EQ(out.str(),
            "0.000000 EV port opened\n"
            "0.001234 TX 00000000 41 54 0d  AT.\n"
            "0.002000 RX 00000000 41 54 0d 0d 0a 4f 4b 0d 0a  AT...OK..\n"
            "3.500000 TX 00000003 41 54 2b 46 54 50 47 45 54 3d 32 2c 31 30 32 34  AT+FTPGET=2,1024\n"
            "3.500000 TX 00000013 0d  .\n"
            "12.345678 RX 00000009 00 7f ff 7e 20  ...~ \n"
            "12.345679 EV modem.restarted\n");
}

TEST(TextTrace, LongChunkWrapsEvery16BytesWithRunningOffset) {
  std::ostringstream out;
  auto sink = make_text_trace(out);
  const auto t0 = std::chrono::steady_clock::time_point{};
  std::vector<std::byte> data(40);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::byte>(0x30 + i);
  sink->on_rx(data, t0);
  EXPECT_EQ(out.str(),
            "0.000000 RX 00000000 30 31 32 33 34 35 36 37 38 39 3a 3b 3c 3d 3e 3f  0123456789:;<=>?\n"
            "0.000000 RX 00000010 40 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f  @ABCDEFGHIJKLMNO\n"
            "0.000000 RX 00000020 50 51 52 53 54 55 56 57  PQRSTUVW\n");
}

TEST(TextTrace, EmptyChunkWritesNothing) {
  std::ostringstream out;
  auto sink = make_text_trace(out);
  sink->on_tx({}, std::chrono::steady_clock::now());
  EXPECT_EQ(out.str(), "");
}

}  // namespace
}  // namespace sim7080

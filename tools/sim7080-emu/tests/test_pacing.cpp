// --baud and --latency-ms: the emulated UART never delivers a byte before a real line could have
// (its stop bit), and keeps to the nominal rate over a reply (the schedule is absolute, so sleep
// overshoot does not accumulate). The lower bounds are strict; the upper bounds are loose, as a
// loaded machine may wake any process late.
#include <chrono>
#include <thread>

#include "emu_harness.hpp"

namespace emutest {
namespace {

using Clock = std::chrono::steady_clock;
using Us = std::chrono::microseconds;

Us wire(std::size_t bytes, unsigned baud) {
  if (baud == 0) return Us(0);  // unpaced
  return Us(static_cast<long long>(bytes) * 10'000'000LL / baud);
}

class Pacing : public EmuFtpTest {};

// Sends `command`, reads `reply_size` bytes; at every read, the time since the send must cover the
// line time of the command and of every reply byte received so far (plus `latency`).
// Returns the elapsed time when the last byte arrived.
Us timed_reply(Emulator& emu, const std::string& command, std::size_t reply_size, unsigned baud, Us latency,
               std::string* reply) {
  const std::size_t sent = command.size() + 1;  // + CR
  const auto t0 = Clock::now();
  emu.cmd(command);
  std::string got;
  while (got.size() < reply_size) {
    std::string part = emu.read_once(10s);
    const auto t = Clock::now();
    if (part.empty()) {
      ADD_FAILURE() << "timeout after " << got.size() << " of " << reply_size << " bytes";
      break;
    }
    got += part;
    const auto elapsed = std::chrono::duration_cast<Us>(t - t0);
    EXPECT_GE(elapsed, wire(sent, baud) + latency + wire(got.size(), baud))
        << got.size() << " bytes of the reply to " << command << " arrived faster than " << baud << " baud";
  }
  if (reply) *reply = got;
  return std::chrono::duration_cast<Us>(Clock::now() - t0);
}

TEST_F(Pacing, ShortRepliesNeverBeatTheLine) {
  start_emu({"--baud", "9600"});
  // 60-byte command (62.5 ms), 6-byte OK (6.25 ms).
  std::string reply;
  const std::string name(44, 'n');
  const Us t = timed_reply(emu, "AT+FTPGETNAME=\"" + name + "\"", 6, 9600, Us(0), &reply);
  EXPECT_EQ(reply, "\r\nOK\r\n");
  EXPECT_LT(t, wire(61 + 6, 9600) + Us(100'000));
}

TEST_F(Pacing, DownloadAtTheBaudAndNoFaster) {
  constexpr unsigned kBaud = 115200;
  const std::string content = binary_pattern(8 * 1460);
  write_file(ftp.root + "/p.bin", content);
  start_emu({"--baud", std::to_string(kBaud)});
  emu.expect_reply("AT+FTPGETNAME=\"p.bin\"", "\r\nOK\r\n");
  emu.expect_reply("AT+FTPGET=1", "\r\nOK\r\n");
  ASSERT_EQ(emu.line(20s), "+FTPGET: 1,1");
  std::string data;
  Us total{0}, nominal{0};
  for (int i = 0; i < 6; ++i) {  // each reply waits for data at the module: give it a moment
    std::this_thread::sleep_for(20ms);
    // "\r\n+FTPGET: 2,1460\r\n" + 1460 bytes + "\r\nOK\r\n"
    const std::size_t size = 19 + 1460 + 6;
    std::string reply;
    total += timed_reply(emu, "AT+FTPGET=2,1460", size, kBaud, Us(0), &reply);
    nominal += wire(17 + size, kBaud);
    ASSERT_EQ(reply.substr(0, 19), "\r\n+FTPGET: 2,1460\r\n");
    data += reply.substr(19, 1460);
  }
  EXPECT_EQ(data, content.substr(0, data.size()));
  // 6 x 129 ms of line time; the emulator may add its wake-ups, not a drift per slice.
  EXPECT_LT(total, nominal + Us(60'000)) << "nominal " << nominal.count() << " us";
}

TEST_F(Pacing, LatencyIsHeldFromTheEndOfTheCommand) {
  start_emu({"--latency-ms", "30"});
  std::string reply;
  const Us t = timed_reply(emu, "AT+FTPMODE?", 21, 0, Us(30'000), &reply);
  EXPECT_EQ(reply, "\r\n+FTPMODE: 1\r\n\r\nOK\r\n");
  EXPECT_LT(t, Us(30'000 + 100'000));
}

TEST_F(Pacing, LatencyAndBaudAddUp) {
  start_emu({"--baud", "9600", "--latency-ms", "20"});
  std::string reply;
  timed_reply(emu, "AT+FTPMODE?", 21, 9600, Us(20'000), &reply);
  EXPECT_EQ(reply, "\r\n+FTPMODE: 1\r\n\r\nOK\r\n");
}

}  // namespace
}  // namespace emutest

// Every `.at` file replays cleanly through ReplayStream under every chunking, driven by a host
// that writes each host line as soon as it has read every modem byte before it (the causal
// order a correct driver follows), with its writes cut into pieces; and the recorder turns each
// conversation back into a transcript with the same bytes.
#include <gtest/gtest.h>

#include <array>
#include <asio/io_context.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "sim7080/transcript.hpp"
#include "support/transcript_files.hpp"
#include "support/replay_stream.hpp"
#include "support/virtual_clock.hpp"

namespace fs = std::filesystem;
namespace tr = sim7080::transcript;
using sim7080::test::Chunking;
using sim7080::test::ReplayStream;
using sim7080::test::VirtualClock;

namespace {

using sim7080::test::transcript_files;

tr::Transcript load(const fs::path& p) {
  auto r = tr::parse_transcript(sim7080::test::read_text(p));
  EXPECT_TRUE(r.ok()) << r.error.message;
  return r.ok() ? *std::move(r) : tr::Transcript{};
}

// What the host writes for a host entry (a redacted password becomes a real one).
std::string host_bytes(const tr::Entry& e) {
  if (e.kind == tr::EntryKind::host_line && e.bytes == "AT+FTPPW=<redacted>") return "AT+FTPPW=\"s3cret\"\r";
  return tr::wire_bytes(e);
}

// A scripted host: writes host entry i once it has read every modem byte before it and the
// virtual time of the pauses before it has passed (it waits on a VirtualClock timer, as a
// driver's deadline would).
class ScriptedHost {
 public:
  ScriptedHost(const tr::Transcript& t, ReplayStream& s, VirtualClock& clock, std::uint32_t seed)
      : t_(t), s_(s), clock_(clock), timer_(clock.make_timer()), rng_(seed) {}

  void start() {
    pump();
    read();
  }
  const std::string& received() const { return received_; }
  bool all_written() const { return next_ == t_.entries.size(); }

 private:
  void read() {
    s_.async_read_some(buf_, [this](std::error_code ec, std::size_t n) {
      if (ec) return;
      received_.append(reinterpret_cast<const char*>(buf_.data()), n);
      pump();
      read();
    });
  }
  void pump() {
    for (; next_ < t_.entries.size(); ++next_) {
      const auto& e = t_.entries[next_];
      if (tr::is_modem(e.kind)) {
        needed_ += tr::wire_bytes(e).size();
        continue;
      }
      if (e.kind == tr::EntryKind::pause) {
        wait_until_ += e.pause;
        continue;
      }
      if (received_.size() < needed_) return;
      if (clock_.now() < wait_until_) {
        timer_->arm(wait_until_ - clock_.now(), [this] { pump(); });
        return;
      }
      auto data = std::make_shared<std::string>(host_bytes(e));
      for (std::size_t i = 0; i < data->size();) {  // arbitrary write splits
        const std::size_t n = std::min<std::size_t>(data->size() - i, 1 + rng_() % 16);
        s_.async_write(std::as_bytes(std::span<const char>(data->data() + i, n)), [data](std::error_code, std::size_t) {});
        i += n;
      }
    }
  }

  const tr::Transcript& t_;
  ReplayStream& s_;
  VirtualClock& clock_;
  std::unique_ptr<sim7080::at::DeadlineTimer> timer_;
  std::chrono::milliseconds wait_until_{0};
  std::mt19937 rng_;
  std::array<std::byte, 512> buf_{};
  std::string received_;
  std::size_t next_ = 0;
  std::size_t needed_ = 0;
};

std::string modem_bytes(const tr::Transcript& t) {
  std::string out;
  for (const auto& e : t.entries) {
    if (tr::is_modem(e.kind)) out += tr::wire_bytes(e);
  }
  return out;
}

}  // namespace

TEST(TranscriptReplayAll, EveryFileUnderEveryChunking) {
  std::vector<Chunking> policies = {Chunking::whole(), Chunking::bytewise(), Chunking::fixed(5)};
  for (std::uint64_t seed = 1; seed <= 3; ++seed) policies.push_back(Chunking::random(seed, 64));
  for (const auto& path : transcript_files()) {
    const auto t = load(path);
    std::chrono::milliseconds total_pause{0};
    for (const auto& e : t.entries) total_pause += e.pause;
    for (const auto& policy : policies) {
      SCOPED_TRACE(path.filename().string() + " / " + policy.name());
      asio::io_context io;
      VirtualClock clock(io.get_executor());
      ReplayStream s(t, io.get_executor(), clock, policy);
      ScriptedHost host(t, s, clock, 99);
      host.start();
      io.run();
      EXPECT_FALSE(s.failed()) << s.failure();
      EXPECT_TRUE(s.fully_consumed()) << s.leftover();
      EXPECT_TRUE(host.all_written());
      EXPECT_EQ(host.received(), modem_bytes(t));
      EXPECT_EQ(clock.now(), total_pause);
    }
  }
}

TEST(TranscriptReplayAll, RecorderReproducesEveryConversation) {
  using Clock = std::chrono::steady_clock;
  for (const auto& path : transcript_files()) {
    SCOPED_TRACE(path.filename().string());
    const auto t = load(path);
    std::ostringstream out;
    {
      tr::TranscriptRecorder rec(out, t.headers);
      auto now = Clock::time_point{};
      for (const auto& e : t.entries) {
        const std::string w = e.kind == tr::EntryKind::host_line ? host_bytes(e) : tr::wire_bytes(e);
        const auto b = std::as_bytes(std::span<const char>(w.data(), w.size()));
        if (tr::is_host(e.kind)) rec.on_tx(b, now);
        if (tr::is_modem(e.kind)) rec.on_rx(b, now);
        now += e.pause;
      }
    }
    const auto back = tr::parse_transcript(out.str());
    ASSERT_TRUE(back.ok()) << back.error.message;
    EXPECT_EQ(back->headers, t.headers);
    std::string want_tx, got_tx;
    for (const auto& e : t.entries) {
      if (tr::is_host(e.kind)) want_tx += tr::wire_bytes(e);
    }
    for (const auto& e : back->entries) {
      if (tr::is_host(e.kind)) got_tx += tr::wire_bytes(e);
    }
    EXPECT_EQ(got_tx, want_tx) << "the password comes back as AT+FTPPW=<redacted>";
    EXPECT_EQ(modem_bytes(*back), modem_bytes(t));
    // Command lines and pauses come back as they were. (Modem lines need not: a payload that
    // holds `CR LF text CR LF`, like a listing or an ETGET stream, is lexically a line.)
    auto lines = [](const tr::Transcript& x) {
      std::vector<tr::Entry> v;
      for (const auto& e : x.entries) {
        if (e.kind == tr::EntryKind::host_line || e.kind == tr::EntryKind::pause) v.push_back(e);
      }
      return v;
    };
    EXPECT_EQ(lines(*back), lines(t));
  }
}

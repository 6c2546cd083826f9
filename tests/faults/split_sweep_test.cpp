// Case 1: the module's output split at every byte offset of a whole GET and a whole PUT
// conversation (from the first byte after the opening command, AT+FTPGET=1 / AT+FTPPUT=1, to
// the final session URC). The emulator's --split-sweep FIRST splits the i-th transfer's output at
// byte FIRST+i and writes the second part only once the host has read the first, so one
// environment runs the transfers in sequence, one offset each. Every transfer must succeed with
// the right bytes; the split is verified twice: the emulator logs it, and the host's trace shows a
// read ending exactly at that offset. Shards of the offset range run as separate tests.
#include <fmt/format.h>

#include "faults_common.hpp"

namespace faults {
namespace {

struct SweepCase {
  std::string name;
  Transfer t;               ///< method (content and size are the sweep's own)
  std::string marker;       ///< the command whose reply starts the conversation
  std::uint64_t first = 0;  ///< first offset of this shard
  std::uint64_t last = 0;   ///< one past the last offset (or the conversation's end, if sooner)
};

void PrintTo(const SweepCase& c, std::ostream* os) { *os << c.name; }

// 64 bytes that look like the framing around them: final codes, session URCs, a payload header,
// DLE/ETX, NUL, CR and LF in every combination.
std::string sweep_content() {
  std::string s = "\r\nOK\r\n+FTPGET: 1,0\r\n\r\n+FTPGET: 2,5\r\nERROR\r\n";
  s += std::string("\x03\x10\x00\xff\r\r\n\n", 8);
  s += make_content(Content::random, 64 - s.size(), 9);
  return s;
}

class SplitSweep : public E2eTest, public ::testing::WithParamInterface<SweepCase> {};

TEST_P(SplitSweep, EveryOffsetOfTheConversation) {
  const SweepCase& c = GetParam();
  EnvOptions o;
  o.emu_args = {"--split-sweep", std::to_string(c.first)};
  ASSERT_TRUE(start(o));
  ReadLog log;
  log.marker = c.marker;
  env.modem->add_trace_sink(log);
  const bool download = c.t.download;

  const std::string data = sweep_content();
  ASSERT_EQ(data.size(), 64u);
  const std::string remote = "/sweep-" + method_name(c.t) + ".bin";
  const fs::path on_disk = env.server_root() / remote.substr(1);
  if (download) write_file(on_disk, data);

  std::uint64_t conversation = 0;  // length of the first transfer's output
  std::uint64_t transfers = 0;
  // One transfer whose output the emulator splits at `offset`; true when a host read ended
  // exactly there. Fatal failures end the test (checked by the callers).
  auto one = [&](std::uint64_t offset, bool& seen) {
    SCOPED_TRACE(fmt::format("transfer {} split at byte {}", transfers, offset));
    seen = false;
    if (download) {
      sim7080::MemorySink sink;
      sim7080::GetOptions go;
      go.method = c.t.get;
      auto r = env.get(remote, sink, go, 30s);
      ASSERT_FALSE(r.ec) << r.ec.message();
      EXPECT_EQ(r.value().bytes, data.size());
      ASSERT_EQ(sha256_hex(as_string(sink.data())), sha256_hex(data));
    } else {
      std::error_code ignored;
      fs::remove(on_disk, ignored);
      sim7080::MemorySource source(as_bytes(data));
      sim7080::PutOptions po;
      po.method = c.t.put;
      auto r = env.put(source, remote, po, 30s);
      ASSERT_FALSE(r.ec) << r.ec.message();
      EXPECT_EQ(r.value().bytes, data.size());
      ASSERT_EQ(sha256_file(on_disk), sha256_hex(data));
    }
    ++transfers;
    // The operation completes at the CR of the final URC; its LF may come in a later read.
    ASSERT_TRUE(env.run_until([&] { return !log.rx.empty() && log.rx.back() == '\n'; }, 5s));
    ASSERT_FALSE(log.marks.empty()) << "no opening command seen";
    const std::uint64_t begin = log.marks.back();
    const std::uint64_t length = log.rx.size() - begin;
    if (conversation == 0) {
      conversation = length;
      ASSERT_GT(conversation, c.first) << "the shard starts past the end of the conversation";
    }
    ASSERT_EQ(length, conversation) << "the conversation changed its length:\n"
                                    << ::testing::PrintToString(log.rx.substr(static_cast<std::size_t>(begin)));
    seen = log.read_boundary(begin + offset);
  };

  std::uint64_t splits = 0;
  std::uint64_t emu_splits = 0;  // "output split at byte" lines of the emulators replaced so far
  std::vector<std::uint64_t> not_seen;
  for (std::uint64_t i = 0;; ++i) {
    const std::uint64_t offset = c.first + i;
    if (offset >= c.last || (conversation != 0 && offset >= conversation)) break;
    bool seen = false;
    one(offset, seen);
    if (HasFatalFailure()) return;
    ASSERT_EQ(log.marks.size(), i + 1) << "one opening command per transfer";
    EXPECT_NE(env.emu.log().find(fmt::format("transfer {} output split at byte {}\n", i, offset)), std::string::npos)
        << "the emulator did not split transfer " << i;
    ++splits;
    if (!seen) not_seen.push_back(offset);
  }
  EXPECT_EQ(count_of(env.emu.log(), "output split at byte"), splits);
  emu_splits += count_of(env.emu.log(), "output split at byte");

  // The emulator writes the second part only once it saw the first leave the pty's queue; a
  // host that is slow to be scheduled (a loaded machine) can still read both parts at once.
  // Such an offset was transferred but not proven split: run it again, alone, on a new emulator.
  std::vector<std::uint64_t> retried;
  for (int attempt = 0; attempt < 5 && !not_seen.empty(); ++attempt) {
    std::vector<std::uint64_t> still;
    for (const auto offset : not_seen) {
      ASSERT_TRUE(env.restart_emulator({"--split-sweep", std::to_string(offset)}));
      env.modem->add_trace_sink(log);
      bool seen = false;
      one(offset, seen);
      if (HasFatalFailure()) return;
      const std::string emu_log = env.emu.log();
      EXPECT_NE(emu_log.find(fmt::format("transfer 0 output split at byte {}\n", offset)), std::string::npos);
      emu_splits += count_of(emu_log, "output split at byte");
      retried.push_back(offset);
      if (!seen) still.push_back(offset);
    }
    not_seen = std::move(still);
  }
  EXPECT_EQ(emu_splits, splits + retried.size());
  // Every offset has been a read boundary on the host in some run.
  EXPECT_TRUE(not_seen.empty()) << "offsets never seen as a host read boundary: " << ::testing::PrintToString(not_seen);
  EXPECT_EQ(env.modem->stats().parse_errors, 0u);
  RecordProperty("offsets", static_cast<int>(splits));
  RecordProperty("conversation_bytes", static_cast<int>(conversation));
  std::cerr << c.name << ": " << splits << " transfers, offsets " << c.first << ".." << c.first + splits - 1
            << " of a " << conversation << "-byte conversation, " << log.reads << " host reads, "
            << retried.size() << " offsets run again (" << ::testing::PrintToString(retried) << ")\n";
  EXPECT_GT(splits, 0u);
  env.modem->remove_trace_sink(log);
}

Transfer dl(GetMethod m) { return {true, m, PutMethod::put, Content::random, 64}; }
Transfer ul(PutMethod m) { return {false, GetMethod::get, m, Content::random, 64}; }

// GET and PUT as the issue asks; ETGET and ETPUT too (a split inside a DLE pair, around the
// stream's go-ahead and its ETX), as they cost a second each.
INSTANTIATE_TEST_SUITE_P(Faults, SplitSweep,
                         ::testing::Values(SweepCase{"get", dl(GetMethod::get), "AT+FTPGET=1\r", 0, 1000},
                                           SweepCase{"put", ul(PutMethod::put), "AT+FTPPUT=1\r", 0, 1000},
                                           SweepCase{"etget", dl(GetMethod::etget), "AT+FTPETGET=1\r", 0, 1000},
                                           SweepCase{"etput", ul(PutMethod::etput), "AT+FTPETPUT=1\r", 0, 1000}),
                         [](const ::testing::TestParamInfo<SweepCase>& i) { return i.param.name; });

}  // namespace
}  // namespace faults

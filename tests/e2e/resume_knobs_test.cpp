// Resume after a dropped download, and every emulator knob across the methods it concerns:
// framing quirks (echo, no space, fragmentation, noise, latency), read/upload protocol variants
// (zero reads, short FTPPUT URC, small put maximum, ETPUT order), link loss (restart) and
// injected session errors.
#include <fmt/format.h>

#include <regex>

#include "e2e_fixture.hpp"

namespace e2e {
namespace {

using sim7080::AtErrc;
using sim7080::Condition;
using sim7080::FtpErrc;
using sim7080::GetMethod;
using sim7080::PutMethod;

// ---------------------------------------------------------------------------------------------
// Resume

class Resume : public E2eTest {};

TEST_F(Resume, DroppedGetResumesAtOffsetIntoAppendingFileSink) {
  constexpr std::size_t kDrop = 10000;
  EnvOptions o;
  o.emu_args = {"--drop-after-bytes", std::to_string(kDrop)};
  ASSERT_TRUE(start(o));
  const std::string data = make_content(Content::random, 250000, 5);
  write_file(env.server_root() / "resume.bin", data);
  const fs::path local = env.local_dir() / "resume.bin";

  // 1. The connection dies: the bytes received so far stay in the (memory) sink.
  sim7080::MemorySink first;
  auto r1 = env.get("/resume.bin", first);
  EXPECT_EQ(r1.ec, sim7080::make_error_code(FtpErrc::download_error)) << r1.ec.message();
  EXPECT_EQ(r1.ec.value(), 79);
  EXPECT_EQ(r1.ec, Condition::retryable);
  const std::string got = as_string(first.data());
  ASSERT_GT(got.size(), 0u);
  ASSERT_LT(got.size(), data.size());
  EXPECT_LE(got.size(), kDrop + 1460);
  EXPECT_EQ(r1.value().bytes, got.size());
  EXPECT_EQ(got, data.substr(0, got.size())) << "the partial download is not a prefix of the file";
  write_file(local, got);

  // 2. Resume at the offset into the same file, appending.
  sim7080::FileSink sink(local, /*append=*/true);
  sim7080::GetOptions go;
  go.offset = got.size();
  std::vector<std::uint64_t> progress;
  go.on_progress = [&](const sim7080::Progress& p) { progress.push_back(p.bytes_done); };
  env.wire.capture = true;
  auto r2 = env.get("/resume.bin", sink, go);
  env.wire.capture = false;
  ASSERT_FALSE(r2.ec) << r2.ec.message();
  EXPECT_EQ(r2.value().bytes, data.size() - got.size()) << "TransferResult::bytes does not count the offset";
  EXPECT_EQ(sha256_file(local), sha256_hex(data));
  EXPECT_FALSE(fs::exists(local.string() + ".part"));
  EXPECT_NE(env.wire.tx.find(fmt::format("AT+FTPREST={}\r", got.size())), std::string::npos);

  // 3. The next plain download starts at 0 again (REST written back to 0).
  EXPECT_EQ(sha256_hex(env.fetch("/resume.bin")), sha256_hex(data));
}

// An offset means nothing to EXTGET and ETGET: refused before anything is written.
// GetOptions::retries: the library resumes by itself from the byte reached (AT+FTPREST), into
// the same FileSink, and the file is complete and renamed only at the end.
TEST_F(Resume, AutomaticResumeCompletesTheFile) {
  EnvOptions o;
  o.emu_args = {"--drop-after-bytes", "10000"};
  ASSERT_TRUE(start(o));
  const std::string data = make_content(Content::random, 250000, 6);
  write_file(env.server_root() / "auto.bin", data);
  const fs::path local = env.local_dir() / "auto.bin";
  sim7080::FileSink sink(local);
  sim7080::GetOptions go;
  go.retries = 2;
  env.wire.capture = true;
  auto r = env.get("/auto.bin", sink, go);
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.value().bytes, data.size());
  EXPECT_EQ(sha256_file(local), sha256_hex(data));
  EXPECT_FALSE(fs::exists(local.string() + ".part"));
  // The second attempt restarted at a non-zero offset.
  EXPECT_NE(env.wire.tx.find("AT+FTPREST=0\r"), std::string::npos);
  EXPECT_NE(env.wire.tx.rfind("AT+FTPREST="), env.wire.tx.find("AT+FTPREST=0\r"));
}

TEST_F(Resume, RetriesExhaustedReportTheErrorAndLeaveNoFile) {
  EnvOptions o;
  o.emu_args = {"--drop-after-bytes", "10000"};
  ASSERT_TRUE(start(o));
  write_file(env.server_root() / "x.bin", make_content(Content::random, 250000, 7));
  const fs::path local = env.local_dir() / "x.bin";
  sim7080::FileSink sink(local);
  sim7080::GetOptions go;
  go.retries = 0;  // the emulator drops once per transfer: without a retry the get fails
  auto r = env.get("/x.bin", sink, go);
  EXPECT_EQ(r.ec, sim7080::make_error_code(FtpErrc::download_error)) << r.ec.message();
  EXPECT_FALSE(fs::exists(local));
  EXPECT_FALSE(fs::exists(local.string() + ".part"));
}

TEST_F(Resume, OffsetWithExtgetOrEtgetIsInvalid) {
  ASSERT_TRUE(start());
  write_file(env.server_root() / "r.bin", "0123456789");
  for (auto m : {GetMethod::extget, GetMethod::etget}) {
    SCOPED_TRACE(name(m));
    const fs::path local = env.local_dir() / "r.bin";
    sim7080::FileSink sink(local);
    sim7080::GetOptions o;
    o.method = m;
    o.offset = 4;
    const auto tx = env.wire.tx_bytes;
    auto r = env.get("/r.bin", sink, o);
    EXPECT_EQ(r.ec, sim7080::make_error_code(AtErrc::invalid_argument)) << r.ec.message();
    EXPECT_EQ(env.wire.tx_bytes, tx);
    EXPECT_FALSE(fs::exists(local));
    EXPECT_FALSE(fs::exists(local.string() + ".part"));
  }
}

// --drop-after-bytes across the methods: a typed, retryable error, and the retry succeeds.
TEST_F(Resume, DropAcrossMethodsIsRetryableAndRetrySucceeds) {
  ASSERT_TRUE(start());
  for (const Transfer& t : all_methods(Content::random, 60000)) {
    SCOPED_TRACE(describe(t));
    ASSERT_TRUE(env.restart_emulator({"--drop-after-bytes", "5000"}));
    const std::string data = make_content(t.content, t.size, 3);
    const std::string remote = fmt::format("/drop-{}.bin", t.download ? name(t.get) : name(t.put));
    const fs::path on_disk = env.server_root() / remote.substr(1);
    if (t.download) {
      write_file(on_disk, data);
      sim7080::MemorySink sink;
      sim7080::GetOptions o;
      o.method = t.get;
      auto r = env.get(remote, sink, o);
      EXPECT_EQ(r.ec, sim7080::make_error_code(FtpErrc::download_error)) << r.ec.message();
      EXPECT_EQ(r.ec, Condition::retryable);
    } else {
      sim7080::MemorySource source(as_bytes(data));
      sim7080::PutOptions o;
      o.method = t.put;
      auto r = env.put(source, remote, o);
      EXPECT_EQ(r.ec, sim7080::make_error_code(FtpErrc::upload_error)) << r.ec.message();
      EXPECT_EQ(r.ec, Condition::retryable);
    }
    check_transfer(env, t, "retry");
  }
}

// ---------------------------------------------------------------------------------------------
// Knobs that must not change any result.

struct KnobCase {
  std::string name;
  std::vector<std::string> args;
  std::vector<Transfer> transfers;
  bool remote_ops = false;
  bool initialize = true;
};

std::vector<Transfer> concat(std::vector<Transfer> a, const std::vector<Transfer>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

Transfer dl(GetMethod m, Content c, std::size_t n) { return {true, m, PutMethod::put, c, n}; }
Transfer ul(PutMethod m, Content c, std::size_t n) { return {false, GetMethod::get, m, c, n}; }

std::vector<KnobCase> knob_cases() {
  return {
      // Echo stays on: initialize (ATE0) is skipped, the channel must match and drop the echoes.
      {"echo", {"--echo"}, concat(all_methods(Content::ok_lines, 1461), all_methods(Content::crlf, 4096)), true, false},
      {"no_space", {"--no-space"}, concat(all_methods(Content::ftpget_urc, 1461), all_methods(Content::random, 4096)), true},
      {"fragment_1", {"--fragment", "1"}, concat(all_methods(Content::ok_lines, 1461), all_methods(Content::etx_dle, 3000)), true},
      {"fragment_7_seed_3",
       {"--fragment", "7", "--fragment-seed", "3"},
       concat(all_methods(Content::ftpget_urc, 1460), all_methods(Content::etx_dle, 20000)),
       true},
      {"noise", {"--noise"}, concat(all_methods(Content::ok_lines, 4096), all_methods(Content::random, 100000)), true},
      {"zero_reads_3",
       {"--zero-reads", "3"},
       {dl(GetMethod::get, Content::ok_lines, 1), dl(GetMethod::get, Content::ftpget_urc, 1461),
        dl(GetMethod::get, Content::random, 50000)},
       true},
      {"short_put_urc",
       {"--short-put-urc"},
       {ul(PutMethod::put, Content::random, 0), ul(PutMethod::put, Content::random, 1),
        ul(PutMethod::put, Content::crlf, 1361), ul(PutMethod::put, Content::ok_lines, 50000),
        ul(PutMethod::extput, Content::random, 4096), ul(PutMethod::etput, Content::random, 4096)}},
      {"put_max_100",
       {"--put-max", "100"},
       {ul(PutMethod::put, Content::random, 1), ul(PutMethod::put, Content::random, 100),
        ul(PutMethod::put, Content::random, 101), ul(PutMethod::put, Content::etx_dle, 4096)}},
      {"etput_manual_order",
       {"--etput-manual-order"},
       {ul(PutMethod::etput, Content::random, 0), ul(PutMethod::etput, Content::etx_dle, 1461),
        ul(PutMethod::etput, Content::etx_dle, 60000)}},
      {"latency_5ms", {"--latency-ms", "5"}, concat(all_methods(Content::random, 4096), {dl(GetMethod::get, Content::crlf, 20000)}), true},
  };
}

void PrintTo(const KnobCase& k, std::ostream* os) { *os << k.name; }

class Knob : public E2eTest, public ::testing::WithParamInterface<KnobCase> {};

TEST_P(Knob, TransfersAndRemoteOpsUnaffected) {
  const KnobCase& k = GetParam();
  EnvOptions o;
  o.emu_args = k.args;
  o.initialize = k.initialize;
  ASSERT_TRUE(start(o));
  env.wire.capture = true;
  for (const Transfer& t : k.transfers) {
    check_transfer(env, t, k.name);
    if (HasFatalFailure()) return;
  }
  if (k.remote_ops) check_remote_ops(env, "/" + k.name + "-dir");
  if (HasFatalFailure()) return;

  // The knob was really in effect (a positive control on the wire).
  const std::string& rx = env.wire.rx;
  const std::string& tx = env.wire.tx;
  if (k.name == "echo") {
    EXPECT_NE(rx.find("AT+FTPGETNAME=\""), std::string::npos) << "no echo seen";
    // Then initialize switches echo off and everything still works.
    ASSERT_FALSE(env.initialize());
    check_transfer(env, dl(GetMethod::get, Content::crlf, 1461), "after-ate0");
  } else if (k.name == "no_space") {
    EXPECT_NE(rx.find("+FTPGET:1,0"), std::string::npos);
    EXPECT_EQ(rx.find("+FTPGET: 1,0\r\n\r\n"), std::string::npos);
  } else if (k.name == "noise") {
    EXPECT_TRUE(rx.find("+CEREG") != std::string::npos || rx.find("PSUTTZ") != std::string::npos ||
                rx.find("+CTZV") != std::string::npos)
        << "no noise URC seen";
    EXPECT_GT(env.modem->stats().unknown_urcs, 0u);
  } else if (k.name == "zero_reads_3") {
    EXPECT_NE(rx.find("+FTPGET: 2,0\r\n"), std::string::npos);
  } else if (k.name == "short_put_urc") {
    EXPECT_NE(rx.find("+FTPPUT: 1,1\r\n"), std::string::npos);
  } else if (k.name == "put_max_100") {
    static const std::regex chunk(R"(AT\+FTPPUT=2,(\d+)\r)");
    int chunks = 0;
    for (std::sregex_iterator it(tx.begin(), tx.end(), chunk), end; it != end; ++it) {
      ++chunks;
      EXPECT_LE(std::stoi((*it)[1].str()), 100) << "a chunk over the module's maximum";
    }
    EXPECT_GE(chunks, 4096 / 100);
  } else if (k.name == "etput_manual_order") {
    EXPECT_NE(tx.find("AT+FTPETPUT=2\r"), std::string::npos);
  }
  EXPECT_EQ(env.modem->stats().restarts, 0u);
  env.wire.capture = false;
}

INSTANTIATE_TEST_SUITE_P(E2e, Knob, ::testing::ValuesIn(knob_cases()),
                         [](const ::testing::TestParamInfo<KnobCase>& i) { return i.param.name; });

// ---------------------------------------------------------------------------------------------
// --restart-after-bytes: the module reboots in the middle of a transfer.

// Runs `t` to completion (its error code); the bytes are not checked.
std::error_code run_transfer(Env& e, const Transfer& t, const std::string& remote, const std::string& data) {
  sim7080::MemorySink sink;
  sim7080::MemorySource source(as_bytes(data));
  if (t.download) {
    write_file(e.server_root() / remote.substr(1), data);
    sim7080::GetOptions o;
    o.method = t.get;
    return e.get(remote, sink, o).ec;
  }
  sim7080::PutOptions o;
  o.method = t.put;
  return e.put(source, remote, o).ec;
}

class Restart : public E2eTest, public ::testing::WithParamInterface<Transfer> {};

std::size_t count_of(const std::string& hay, std::string_view needle) {
  std::size_t n = 0;
  for (auto p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + needle.size())) ++n;
  return n;
}

// Command lines the host wrote (no host data phases in `tx`).
std::size_t command_lines(const std::string& tx) {
  std::size_t n = 0;
  std::size_t start = 0;
  for (auto p = tx.find('\r'); p != std::string::npos; start = p + 1, p = tx.find('\r', start)) {
    if (tx.compare(start, 2, "AT") == 0) ++n;
  }
  return n;
}

std::size_t final_results(const std::string& rx) {
  return count_of(rx, "\r\nOK\r\n") + count_of(rx, "\r\nERROR\r\n") + count_of(rx, "\r\n+CME ERROR:");
}

TEST_P(Restart, MidTransferGivesModemRestartedThenRecovers) {
  const Transfer t = GetParam();
  EnvOptions o;
  o.emu_args = {"--restart-after-bytes", "3000"};
  ASSERT_TRUE(start(o));
  env.wire.capture = true;
  const std::string data = make_content(t.content, t.size, 11);
  const auto restarts = env.modem->stats().restarts;
  const auto ec = run_transfer(env, t, fmt::format("/restart-{}.bin", t.download ? name(t.get) : name(t.put)), data);
  EXPECT_EQ(ec, sim7080::make_error_code(AtErrc::modem_restarted)) << ec.message();
  EXPECT_EQ(ec, Condition::link_lost);
  // WORKAROUND (bug 3, see known_bugs_test.cpp): before the next command, let the boot URCs
  // arrive and, without host data on the wire, let every command written get its final result
  // (late answers to commands written around the reboot would shift all later replies).
  EXPECT_TRUE(env.run_until(
      [&] {
        return env.wire.rx.find("SMS Ready\r\n") != std::string::npos &&
               (!t.download || final_results(env.wire.rx) >= command_lines(env.wire.tx));
      },
      5s))
      << "finals " << final_results(env.wire.rx) << " commands " << command_lines(env.wire.tx);
  EXPECT_EQ(env.modem->stats().restarts, restarts + 1) << "one reboot, one restart (bug 2)";
  env.wire.capture = false;

  // The next operations: initialize, the bearer (a reboot takes it down), the transfer.
  const auto init = env.initialize();
  ASSERT_FALSE(init) << init.message();
  auto up = env.run<sim7080::BearerInfo>([&](auto h) {
    sim7080::BearerOptions b;
    b.cid = 0;
    env.modem->async_bearer_up(b, std::move(h));
  });
  ASSERT_FALSE(up.ec) << up.ec.message();
  EXPECT_TRUE(up.value().active);
  check_transfer(env, t, "after-restart");
}

// ETGET: a reboot inside the transparent stream is not seen (it ends by the session deadline)
// and the recovery needs bug 5 fixed: known_bugs_test.cpp. EXTPUT: the rebooted module answers
// the AT+FTPEXTPUT=2 written after its reboot was read (bug 3) and swallows the next AT probes
// for 10 s; async_initialize outlasts that.
INSTANTIATE_TEST_SUITE_P(E2e, Restart,
                         ::testing::Values(Transfer{true, GetMethod::get, PutMethod::put, Content::random, 40000},
                                           Transfer{true, GetMethod::extget, PutMethod::put, Content::random, 40000},
                                           Transfer{false, GetMethod::get, PutMethod::put, Content::random, 40000},
                                           Transfer{false, GetMethod::get, PutMethod::extput, Content::random, 40000},
                                           Transfer{false, GetMethod::get, PutMethod::etput, Content::random, 40000}),
                         [](const ::testing::TestParamInfo<Transfer>& i) {
                           return std::string(i.param.download ? name(i.param.get) : name(i.param.put));
                         });

class RestartNext : public E2eTest {};

// Right after async_initialize, without touching the bearer, the next FTP operation is typed.
TEST_F(RestartNext, AfterInitializeWithoutBearerUpIsNetError) {
  EnvOptions o;
  o.emu_args = {"--restart-after-bytes", "2000"};
  ASSERT_TRUE(start(o));
  env.wire.capture = true;
  write_file(env.server_root() / "a.bin", make_content(Content::random, 10000));
  sim7080::MemorySink sink;
  EXPECT_EQ(env.get("/a.bin", sink).ec, sim7080::make_error_code(AtErrc::modem_restarted));
  // All boot URCs in first (they once failed the commands sent in between: bug 2).
  EXPECT_TRUE(env.run_until([&] { return env.wire.rx.find("SMS Ready\r\n") != std::string::npos; }, 5s));
  ASSERT_FALSE(env.initialize());
  auto st = env.state();
  ASSERT_FALSE(st.ec) << st.ec.message();
  EXPECT_EQ(st.value(), sim7080::FtpState::idle);
  auto sz = env.size("/a.bin");
  EXPECT_EQ(sz.ec, sim7080::make_error_code(FtpErrc::net_error)) << sz.ec.message();
}

// ---------------------------------------------------------------------------------------------
// --fail CMD=CODE

class Fail : public E2eTest {};

TEST_F(Fail, FtpGet64IsTimeout) {
  EnvOptions o;
  o.emu_args = {"--fail", "FTPGET=64"};
  ASSERT_TRUE(start(o));
  write_file(env.server_root() / "f.bin", make_content(Content::random, 5000));
  const fs::path local = env.local_dir() / "f.bin";
  sim7080::FileSink sink(local);
  auto r = env.get("/f.bin", sink);
  EXPECT_EQ(r.ec, sim7080::make_error_code(FtpErrc::timeout)) << r.ec.message();
  EXPECT_EQ(r.ec.value(), 64);
  EXPECT_EQ(r.ec, Condition::retryable);
  EXPECT_FALSE(fs::exists(local));
  EXPECT_FALSE(fs::exists(local.string() + ".part"));
  // Other commands are untouched, and the session is usable.
  auto sz = env.size("/f.bin");
  ASSERT_FALSE(sz.ec) << sz.ec.message();
  EXPECT_EQ(sz.value(), 5000u);
  check_transfer(env, dl(GetMethod::etget, Content::random, 5000), "fail64");
  check_transfer(env, ul(PutMethod::put, Content::random, 5000), "fail64");
}

TEST_F(Fail, FtpSize77IsOperateError) {
  EnvOptions o;
  o.emu_args = {"--fail", "FTPSIZE=77"};
  ASSERT_TRUE(start(o));
  write_file(env.server_root() / "s.bin", "12345");
  auto sz = env.size("/s.bin");
  EXPECT_EQ(sz.ec, sim7080::make_error_code(FtpErrc::operate_error)) << sz.ec.message();
  EXPECT_EQ(sz.ec.value(), 77);
  EXPECT_EQ(sz.ec, Condition::not_found);
  EXPECT_EQ(sz.value(), 0u);
  EXPECT_EQ(env.fetch("/s.bin"), "12345");
  auto again = env.size("/s.bin");
  EXPECT_EQ(again.ec, sim7080::make_error_code(FtpErrc::operate_error)) << "--fail applies every time";
}

}  // namespace
}  // namespace e2e

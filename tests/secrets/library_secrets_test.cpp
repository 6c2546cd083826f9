// Library level: a Modem with three TraceSinks (raw bytes per callback, the text trace, the
// transcript recorder) plus the fixture's WireTap runs every FtpSession operation and every
// transfer method, successes and failures (missing file, wrong password, bearer down, a
// cancellation), with echo on so the module echoes AT+FTPPW, and with the emulator writing its
// output one byte at a time or in random chunks so the password's echo crosses read boundaries.
// Then every artefact is searched (leak_search.hpp): no password, no 4-byte piece of one, every
// `+FTPPW=` followed by `<redacted>`.
#include <fmt/format.h>
#include <stdlib.h>

#include <algorithm>
#include <sstream>

#include "asio/error.hpp"
#include "e2e_fixture.hpp"
#include "secrets_support.hpp"
#include "sim7080/transcript.hpp"

namespace secrets {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using e2e::Content;
using sim7080::AtErrc;
using sim7080::FtpErrc;
using sim7080::GetMethod;
using sim7080::PutMethod;

/// Keeps every byte each callback received, and where each callback ended.
class RawSink final : public sim7080::TraceSink {
 public:
  void on_tx(std::span<const std::byte> b, std::chrono::steady_clock::time_point) override {
    tx.append(reinterpret_cast<const char*>(b.data()), b.size());
    tx_ends.push_back(tx.size());
  }
  void on_rx(std::span<const std::byte> b, std::chrono::steady_clock::time_point) override {
    rx.append(reinterpret_cast<const char*>(b.data()), b.size());
    rx_ends.push_back(rx.size());
  }
  void on_event(std::string_view text, std::chrono::steady_clock::time_point) override {
    events += text;
    events += '\n';
  }
  std::string tx, rx, events;
  std::vector<std::size_t> tx_ends, rx_ends;
};

/// Occurrences of `needle` in `hay` that straddle at least one callback boundary.
std::size_t split_occurrences(const std::string& hay, const std::vector<std::size_t>& ends, std::string_view needle) {
  std::size_t n = 0;
  for (auto p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) {
    const auto it = std::upper_bound(ends.begin(), ends.end(), p);
    if (it != ends.end() && *it < p + needle.size()) ++n;
  }
  return n;
}

std::size_t count_of(const std::string& hay, std::string_view needle) {
  std::size_t n = 0;
  for (auto p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

struct LibCase {
  std::string name;
  std::vector<std::string> knobs;
  std::string password;
};
void PrintTo(const LibCase& c, std::ostream* os) { *os << c.name; }

class LibrarySecrets : public ::testing::TestWithParam<LibCase> {
 protected:
  void TearDown() override {
    if (HasFailure()) std::cerr << env.diagnostics() << "\n";
    env.stop();
    if (!art_.empty() && !std::getenv("SECRETS_KEEP")) fs::remove_all(art_);
  }
  fs::path art_;
  e2e::Env env;
};

TEST_P(LibrarySecrets, NoArtefactHoldsThePassword) {
  const LibCase& c = GetParam();
  char tmpl[] = "/tmp/sim7080-secrets-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  art_ = tmpl;
  const fs::path emu_record = art_ / "emu.at";

  e2e::EnvOptions o;
  o.server_password = o.client_password = c.password;
  o.emu_args = c.knobs;
  o.emu_args.insert(o.emu_args.end(), {"--record", emu_record.string(), "-v"});
  o.session_timeout = 20s;
  ASSERT_TRUE(env.start(o));
  fs::path fs_root;
  for (std::size_t i = 0; i + 1 < env.emu.args().size(); ++i)
    if (env.emu.args()[i] == "--fs-root") fs_root = env.emu.args()[i + 1];
  ASSERT_FALSE(fs_root.empty());

  RawSink raw;
  std::ostringstream trace_text, rec_text;
  auto trace = sim7080::make_text_trace(trace_text);
  sim7080::transcript::TranscriptRecorder recorder(rec_text, {{"title", "secrets " + c.name}});
  env.modem->add_trace_sink(raw);
  env.modem->add_trace_sink(*trace);
  env.modem->add_trace_sink(recorder);
  env.wire.clear();
  env.wire.capture = true;

  std::vector<std::string> ops;  // what ran, for the report
  std::string messages;          // every error message a caller saw
  auto expect_ec = [&](const std::string& op, std::error_code got, std::error_code want) {
    ops.push_back(op);
    messages += op + ": " + (got ? got.message() : std::string("ok")) + "\n";
    EXPECT_EQ(got, want) << op << ": " << got.message();
  };
  auto command = [&](const std::string& line) {
    return env.run<std::vector<std::string>>([&](auto h) { env.modem->async_command(line, 10s, std::move(h)); });
  };

  // Echo on: from here the module echoes every command line, AT+FTPPW's included.
  auto ate = command("ATE1");
  ASSERT_FALSE(ate.ec) << ate.ec.message();

  // Every transfer method, hostile contents, bytes checked.
  int n = 0;
  for (const e2e::Transfer& t : e2e::all_methods(Content::random, 0)) {
    for (std::size_t size : {std::size_t{0}, std::size_t{3000}}) {
      const Content kind = e2e::kAllContents[static_cast<std::size_t>(n++) % std::size(e2e::kAllContents)];
      const std::string data = e2e::make_content(kind, size, 77 + static_cast<std::uint64_t>(n));
      ASSERT_TRUE(clean_content(data));
      const std::string remote = fmt::format("/t{}-{}.bin", n, t.download ? e2e::name(t.get) : e2e::name(t.put));
      const fs::path disk = env.server_root() / remote.substr(1);
      if (t.download) {
        e2e::write_file(disk, data);
        sim7080::MemorySink sink;
        sim7080::GetOptions go;
        go.method = t.get;
        auto r = env.get(remote, sink, go);
        expect_ec(fmt::format("get --method {} ({} B)", e2e::name(t.get), size), r.ec, {});
        EXPECT_EQ(e2e::sha256_hex(e2e::as_string(sink.data())), e2e::sha256_hex(data));
      } else {
        sim7080::MemorySource src(e2e::as_bytes(data));
        sim7080::PutOptions po;
        po.method = t.put;
        auto r = env.put(src, remote, po);
        expect_ec(fmt::format("put --method {} ({} B)", e2e::name(t.put), size), r.ec, {});
        EXPECT_EQ(e2e::sha256_file(disk), e2e::sha256_hex(data));
      }
    }
  }

  // The canary as a remote name: up, size, down, rm.
  {
    const std::string data = e2e::make_content(Content::ok_lines, 1800, 5);
    sim7080::MemorySource src(e2e::as_bytes(data));
    expect_ec("put canary", env.put(src, "/" + kCanary).ec, {});
    EXPECT_EQ(e2e::sha256_file(env.server_root() / kCanary), e2e::sha256_hex(data));
    auto sz = env.size("/" + kCanary);
    expect_ec("size canary", sz.ec, {});
    EXPECT_EQ(sz.value(), data.size());
    EXPECT_EQ(env.fetch("/" + kCanary, GetMethod::etget), data);
    expect_ec("rm canary", env.simple(sim7080::FtpSession::SimpleOp::remove, "/" + kCanary), {});
    EXPECT_FALSE(fs::exists(env.server_root() / kCanary));
  }

  // Into the module's file system (AT+FTPEXTGET=2).
  {
    const std::string data = e2e::make_content(Content::crlf, 2500, 9);
    e2e::write_file(env.server_root() / "tofs.bin", data);
    auto r = env.run<std::uint64_t>([&](auto h) {
      env.session->async_get_to_module("/tofs.bin", sim7080::ModuleFile{sim7080::ModuleFile::Directory::customer, "s.bin"},
                                       std::move(h));
    });
    expect_ec("get --method extget --fs-file", r.ec, {});
    EXPECT_EQ(r.value(), data.size());
    EXPECT_EQ(e2e::sha256_file(fs_root / "customer" / "s.bin"), e2e::sha256_hex(data));
  }

  // ls, size, mdtm, mkdir, mv, rm, rmdir (each checked against the disk), state, quit.
  e2e::check_remote_ops(env, "/ops");
  for (const char* op : {"ls", "size", "mdtm", "mkdir", "mv", "rm", "rmdir"}) ops.push_back(op);
  auto st = env.state();
  expect_ec("state", st.ec, {});
  EXPECT_EQ(st.value(), sim7080::FtpState::idle);
  expect_ec("quit", env.run([&](auto h) { env.session->async_quit(std::move(h)); }).ec, {});

  // Failing cases: missing file (every get method, size, mdtm, rm).
  for (auto m : {GetMethod::get, GetMethod::extget, GetMethod::etget}) {
    sim7080::MemorySink sink;
    sim7080::GetOptions go;
    go.method = m;
    expect_ec(fmt::format("get --method {} missing", e2e::name(m)), env.get("/missing.bin", sink, go).ec, FtpErrc::operate_error);
  }
  expect_ec("size missing", env.size("/missing.bin").ec, FtpErrc::operate_error);
  expect_ec("mdtm missing", env.mdtm("/missing.bin").ec, FtpErrc::operate_error);
  expect_ec("rm missing", env.simple(sim7080::FtpSession::SimpleOp::remove, "/missing.bin"), FtpErrc::operate_error);

  // Bearer: status, down (FTP then fails with 61), up again.
  auto bearer = [&](const std::string& what) {
    return env.run<sim7080::BearerInfo>([&](auto h) {
      if (what == "status") env.modem->async_bearer_status(0, std::move(h));
      else if (what == "down") env.modem->async_bearer_down(0, std::move(h));
      else env.modem->async_bearer_up(sim7080::BearerOptions{}, std::move(h));
    });
  };
  expect_ec("bearer status", bearer("status").ec, {});
  expect_ec("bearer down", bearer("down").ec, {});
  expect_ec("size with the bearer down", env.size("/t1-get.bin").ec, FtpErrc::net_error);
  expect_ec("bearer up", bearer("up").ec, {});

  // A CA certificate into the module.
  {
    const std::string pem = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUsecrets\n-----END CERTIFICATE-----\n";
    auto r = env.run([&](auto h) { env.modem->async_install_ca_certificate("ca.pem", e2e::as_bytes(pem), std::move(h)); });
    expect_ec("cert put", r.ec, {});
  }

  // Wrong password (pyftpdlib answers a bad PASS after 3 s), then the right one again.
  {
    auto cfg = env.session->config();
    cfg.password = kWrongPassword;
    env.session->set_config(cfg);
    sim7080::MemorySink sink;
    expect_ec("get, wrong password", env.get("/t1-get.bin", sink).ec, FtpErrc::password_error);
    sim7080::MemorySource src(e2e::as_bytes("x"));
    sim7080::PutOptions po;
    po.method = PutMethod::etput;
    expect_ec("put --method etput, wrong password", env.put(src, "/wrong.bin", po).ec, FtpErrc::password_error);
    cfg.password = c.password;
    env.session->set_config(cfg);
  }

  // A cancelled download (terminal cancellation at the first progress), then the session goes on.
  {
    const std::string data = e2e::make_content(Content::etx_dle, 30000, 3);
    e2e::write_file(env.server_root() / "cancel.bin", data);
    sim7080::MemorySink sink;
    sim7080::GetOptions go;
    go.method = GetMethod::etget;
    bool cancelled = false;
    go.on_progress = [&](const sim7080::Progress&) {
      if (!cancelled) cancelled = true, env.cancel_current();
    };
    auto r = env.get("/cancel.bin", sink, go);
    expect_ec("get --method etget, cancelled", r.ec, asio::error::operation_aborted);
    EXPECT_EQ(env.fetch("/cancel.bin"), data);
  }

  // The password typed by hand: alone, and concatenated after another command (spec §1.1).
  expect_ec("typed AT+FTPPW with the quoted password", command("AT+FTPPW=\"" + c.password + "\"").ec, {});
  expect_ec("typed AT+FTPUN then +FTPPW on one line", command("AT+FTPUN=\"user\";+FTPPW=\"" + c.password + "\"").ec, {});
  // The read form answers the password itself: the one place it legitimately comes back, to the
  // caller that asked. That reply is a real unredacted artefact: the search must find it.
  auto read_back = command("AT+FTPPW?");
  expect_ec("AT+FTPPW?", read_back.ec, {});
  std::string reply;
  for (const auto& l : read_back.value()) reply += l + "\n";
  {
    SearchResult self;
    search({"AT+FTPPW? reply to the caller", Format::plain, reply}, secrets_for(c.password), self);
    EXPECT_GE(self.count(0), 1u) << "self-check: the search does not find the password in the module's own reply";
    EXPECT_FALSE(self.problems.empty()) << "self-check: the structure check does not flag `+FTPPW: \"...\"`";
  }
  // Still works.
  EXPECT_EQ(env.fetch("/t1-get.bin"), e2e::read_file(env.server_root() / "t1-get.bin"));

  recorder.flush();
  trace_text.flush();

  // Evidence that the hard cases happened: the echo of AT+FTPPW (redacted) came back, and with
  // one-byte output it arrived over several read callbacks.
  std::vector<std::string> ignored;
  const std::size_t tx_markers = check_redaction(raw.tx, ignored);
  const std::size_t rx_markers = check_redaction(raw.rx, ignored);
  // Writes of AT+FTPPW: the configuration (first use, wrong, right again) and the two typed ones.
  EXPECT_GE(tx_markers, 5u);
  // Their echoes, and the read reply.
  EXPECT_GE(rx_markers, 6u) << "the module did not echo AT+FTPPW (echo off?)";
  // The redactor releases `+FTPPW=<redacted>` at once when the `=` arrives, so what shows the
  // one-byte reads is that every echoed `AT+FTPPW=<redacted>` spans several on_rx calls.
  const std::size_t echoes = count_of(raw.rx, "AT+FTPPW=<redacted>");
  const std::size_t split = split_occurrences(raw.rx, raw.rx_ends, "AT+FTPPW=<redacted>");
  const double rx_bytes_per_call = raw.rx_ends.empty() ? 0.0 : static_cast<double>(raw.rx.size()) / static_cast<double>(raw.rx_ends.size());
  if (std::find(c.knobs.begin(), c.knobs.end(), "1") != c.knobs.end()) {
    EXPECT_GE(echoes, 4u);
    EXPECT_EQ(split, echoes) << "with --fragment 1 every echo crosses read callbacks";
  }

  Ledger ledger(secrets_for(c.password));
  const std::string ctx = "library " + c.name + " :: ";
  ledger.add(ctx + "TraceSink on_tx bytes", Format::tx_stream, raw.tx, true);
  ledger.add(ctx + "TraceSink on_rx bytes", Format::rx_stream, raw.rx, true);
  ledger.add(ctx + "TraceSink events", Format::plain, raw.events);
  ledger.add(ctx + "text trace", Format::text_trace, trace_text.str(), true);
  ledger.add(ctx + "transcript recorder", Format::transcript, rec_text.str(), true);
  ledger.add(ctx + "WireTap TX", Format::tx_stream, env.wire.tx, true);
  ledger.add(ctx + "WireTap RX", Format::rx_stream, env.wire.rx, true);
  ledger.add(ctx + "error messages", Format::plain, messages);
  ledger.add(ctx + "emulator --record", Format::transcript, e2e::read_file(emu_record), true);
  ledger.add(ctx + "emulator -v stderr", Format::plain, env.emu.log(), true);
  ledger.add(ctx + "pyftpdlib log", Format::plain, env.server.log(), true);
  const SearchResult res = ledger.check();
  EXPECT_GT(res.tx_markers, 0u);
  EXPECT_GT(res.rx_markers, 0u);
  report_line(fmt::format("| library | {} | {} ops: {} | {} artefacts, {} views, {} B searched | markers TX {} RX {}; echoes {} of "
                          "which {} over several on_rx calls ({:.2f} B per on_rx) | password hits {} | problems {} |",
                          c.name, ops.size(), fmt::join(ops, ", "), ledger.artefacts(), res.views, res.bytes, tx_markers,
                          rx_markers, echoes, split, rx_bytes_per_call, res.hits.size() - res.count(kCanaryIndex),
                          res.problems.size()));
  report_line("| library | " + c.name + " | per artefact: " + ledger.summary() + " |");
}

INSTANTIATE_TEST_SUITE_P(
    Secrets, LibrarySecrets,
    ::testing::Values(LibCase{"echo_fragment1_long", {"--echo", "--fragment", "1"}, kLongPassword},
                      LibCase{"echo_fragment1_short", {"--echo", "--fragment", "1"}, kShortPassword},
                      LibCase{"echo_random_chunks_noise_long",
                              {"--echo", "--fragment", "13", "--fragment-seed", "4242", "--noise", "--noise-seed", "7"},
                              kLongPassword},
                      LibCase{"echo_random_chunks_noise_short",
                              {"--echo", "--fragment", "13", "--fragment-seed", "99", "--noise", "--noise-seed", "8"},
                              kShortPassword}),
    [](const ::testing::TestParamInfo<LibCase>& i) { return i.param.name; });

// After a module reboot the echo is back on (the emulator's power-on setting, --echo) and the
// library writes the whole FTP configuration again before the next operation: the rebooted
// module echoes AT+FTPPW with the password. Every sink must see `<redacted>` in that echo too.
TEST(Secrets, EchoOfThePasswordAfterAModuleRebootIsRedacted) {
  for (const std::string& pw : {kLongPassword, kShortPassword}) {
    SCOPED_TRACE(password_label(pw));
    char tmpl[] = "/tmp/sim7080-secrets-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    const fs::path art = tmpl;
    e2e::Env env;
    e2e::EnvOptions o;
    o.server_password = o.client_password = pw;
    o.emu_args = {"--echo", "--restart-after-bytes", "3000", "--fragment", "1", "--record", (art / "emu.at").string(), "-v"};
    ASSERT_TRUE(env.start(o));
    RawSink raw;
    std::ostringstream trace_text, rec_text;
    auto trace = sim7080::make_text_trace(trace_text);
    sim7080::transcript::TranscriptRecorder recorder(rec_text);
    env.modem->add_trace_sink(raw);
    env.modem->add_trace_sink(*trace);
    env.modem->add_trace_sink(recorder);
    const std::string data = e2e::make_content(Content::random, 9000, 4);
    ASSERT_TRUE(clean_content(data));
    e2e::write_file(env.server_root() / "r.bin", data);
    sim7080::MemorySink sink;
    EXPECT_EQ(env.get("/r.bin", sink).ec, sim7080::make_error_code(AtErrc::modem_restarted));
    // Let the boot URCs in and every command written get its final result (a read written just
    // before the reboot is answered late by the rebooted module: soak_findings_test.cpp).
    auto finals = [&] {
      return count_of(raw.rx, "\r\nOK\r\n") + count_of(raw.rx, "\r\nERROR\r\n") + count_of(raw.rx, "\r\n+CME ERROR:");
    };
    auto commands = [&] {
      std::size_t n = 0;
      for (std::size_t start = 0, p = raw.tx.find('\r'); p != std::string::npos; start = p + 1, p = raw.tx.find('\r', start))
        if (raw.tx.compare(start, 2, "AT") == 0) ++n;
      return n;
    };
    EXPECT_TRUE(env.run_until([&] { return raw.rx.find("SMS Ready\r\n") != std::string::npos && finals() >= commands(); }, 10s));
    const std::size_t rx_before = raw.rx.size();
    // No initialisation: the next operation writes the configuration to a module that echoes.
    EXPECT_EQ(env.size("/r.bin").ec, sim7080::make_error_code(FtpErrc::net_error)) << "the bearer is down after a reboot";
    std::vector<std::string> ignored;
    EXPECT_GE(check_redaction(raw.rx.substr(rx_before), ignored), 1u) << "the rebooted module did not echo AT+FTPPW";
    auto up = env.run<sim7080::BearerInfo>([&](auto h) { env.modem->async_bearer_up(sim7080::BearerOptions{}, std::move(h)); });
    EXPECT_FALSE(up.ec) << up.ec.message();
    auto sz = env.size("/r.bin");
    EXPECT_FALSE(sz.ec) << sz.ec.message();
    EXPECT_EQ(sz.value(), data.size());
    recorder.flush();

    Ledger ledger(secrets_for(pw));
    const std::string ctx = "library reboot " + password_label(pw) + " :: ";
    ledger.add(ctx + "TraceSink on_tx bytes", Format::tx_stream, raw.tx);
    ledger.add(ctx + "TraceSink on_rx bytes", Format::rx_stream, raw.rx);
    ledger.add(ctx + "text trace", Format::text_trace, trace_text.str());
    ledger.add(ctx + "transcript recorder", Format::transcript, rec_text.str());
    ledger.add(ctx + "emulator --record", Format::transcript, e2e::read_file(art / "emu.at"));
    ledger.add(ctx + "emulator -v stderr", Format::plain, env.emu.log());
    const SearchResult res = ledger.check();
    report_line(fmt::format("| library | reboot, echo on again, --fragment 1, {} password | get → modem_restarted; size (config rewritten, "
                            "echoed) → 61; bearer up; size | {} artefacts, {} B searched | markers TX {} RX {} | password hits {} | problems {} |",
                            password_label(pw), ledger.artefacts(), res.bytes, res.tx_markers, res.rx_markers,
                            res.hits.size() - res.count(kCanaryIndex), res.problems.size()));
    env.stop();
    fs::remove_all(art);
  }
}

// Found by this suite, fixed in 82da1d7 (tools/sim7080-emu/src/modem.cpp, Modem::handle_line): the
// emulator redacted a command line for its --record transcript and its -v log only when the line
// started with `AT+FTPPW=`; `AT+FTPUN="user";+FTPPW="<password>"` (two commands on one line, spec
// §1.1) was written as is, password included, to both.
TEST(Secrets, EmulatorRedactsAConcatenatedFtppw) {
  char tmpl[] = "/tmp/sim7080-secrets-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const fs::path art = tmpl;
  e2e::Env env;
  e2e::EnvOptions o;
  o.server_password = o.client_password = kLongPassword;
  o.emu_args = {"--record", (art / "emu.at").string(), "-v"};
  ASSERT_TRUE(env.start(o));
  auto r = env.run<std::vector<std::string>>([&](auto h) {
    env.modem->async_command("AT+FTPUN=\"user\";+FTPPW=\"" + kLongPassword + "\"", 10s, std::move(h));
  });
  ASSERT_FALSE(r.ec) << r.ec.message();
  Ledger ledger(secrets_for(kLongPassword));
  ledger.add("emulator --record :: emulator --record", Format::transcript, e2e::read_file(art / "emu.at"));
  ledger.add("emulator -v stderr :: emulator -v stderr", Format::plain, env.emu.log());
  ledger.check();
  env.stop();
  fs::remove_all(art);
}

}  // namespace
}  // namespace secrets

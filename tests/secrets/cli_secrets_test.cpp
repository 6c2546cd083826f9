// CLI level: every sim7080-ftp command, every transfer method, successes and failures (wrong
// password, missing file, bearer down, timeout, invalid argument), each run twice (text and
// --json) with --trace and --record, against the emulator with echo on and one-byte or random
// output chunks. (Each run initialises the module, ATE0, before it writes the password: the
// echoed password is covered at library level, library_secrets_test.cpp.) Then every artefact
// is searched: each run's stdout, stderr, trace file and transcript, the emulator's --record and
// -v log, the server's log. The canary (a remote name built like the password) must be found in
// every kind of artefact that names it, the passwords in none.
#include <fmt/format.h>
#include <stdlib.h>

#include <functional>
#include <sstream>

#include "cli_harness.hpp"
#include "e2e_fixture.hpp"
#include "secrets_support.hpp"

namespace secrets {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using e2e::Content;

struct CliCase {
  std::string name;
  std::vector<std::string> knobs;
  std::string password;
};
void PrintTo(const CliCase& c, std::ostream* os) { *os << c.name; }

/// One sim7080-ftp invocation of the table.
struct Step {
  std::string label{};
  std::vector<std::string> args{};
  int exit = 0;                  // expected exit status
  std::string category{};        // for failures: the JSON "category" ("sim7080.ftp", ...)
  int code = 0;                  // and "code"
  std::string password{};        // "" = the right one
  bool canary = false;           // the canary is an argument: trace and transcript must show it
  bool no_device = false;        // `ports`: no trace, no transcript
  std::map<std::string, std::optional<std::string>> env{};
  std::function<void()> prepare{};
  std::function<void(const cli_test::Result&, bool json)> check{};
};

class CliSecrets : public ::testing::TestWithParam<CliCase> {
 protected:
  void TearDown() override {
    if (HasFailure()) {
      std::cerr << "--- emulator stderr (tail) ---\n" << tail(emu.log()) << "\n--- pyftpdlib log (tail) ---\n" << tail(server.log()) << "\n";
    }
    emu.stop();
    server.stop();
    if (!root.empty() && !std::getenv("SECRETS_KEEP")) fs::remove_all(root);
  }
  static std::string tail(const std::string& s) { return s.size() > 3000 ? "..." + s.substr(s.size() - 3000) : s; }

  fs::path srv(const std::string& remote) const { return root / "server" / remote.substr(1); }
  fs::path loc(const std::string& name) const { return root / "local" / name; }

  fs::path root;
  e2e::FtpServer server;
  e2e::Emulator emu;
};

const cli_test::Json* result_of(const cli_test::Json& j) { return j.find("result"); }

TEST_P(CliSecrets, NoArtefactHoldsThePassword) {
  const CliCase& c = GetParam();
  char tmpl[] = "/tmp/sim7080-secrets-cli-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  root = tmpl;
  for (const char* d : {"server", "local", "modemfs", "art"}) fs::create_directories(root / d);
  ASSERT_TRUE(server.start(root / "server", e2e::kUser, c.password));
  std::vector<std::string> emu_args = {"--fs-root", (root / "modemfs").string(), "--bearer-up", "--record",
                                       (root / "art" / "emu.at").string(), "-v"};
  emu_args.insert(emu_args.end(), c.knobs.begin(), c.knobs.end());
  ASSERT_TRUE(emu.start(emu_args, root));

  // Contents (checked free of every secret's bytes) and local files.
  const std::string dl = e2e::make_content(Content::random, 9000, 31);
  const std::string up = e2e::make_content(Content::etx_dle, 4000, 32);
  const std::string tiny = e2e::make_content(Content::ok_lines, 700, 33);
  for (const auto* d : {&dl, &up, &tiny}) ASSERT_TRUE(clean_content(*d));
  e2e::write_file(loc("up.bin"), up);
  e2e::write_file(loc("tiny.bin"), tiny);
  e2e::write_file(loc("ca.pem"), "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUsecretscli\n-----END CERTIFICATE-----\n");
  auto server_file = [&](const std::string& remote, const std::string& data) {
    return [this, remote, data] {
      fs::create_directories(srv(remote).parent_path());
      e2e::write_file(srv(remote), data);
    };
  };
  const std::chrono::sys_seconds when{std::chrono::sys_days{std::chrono::year{2021} / 7 / 4} + std::chrono::hours{3}};
  auto dl_file = [&, f = server_file("/dl.bin", dl)] {
    f();
    fs::last_write_time(srv("/dl.bin"), fs::file_time_type::clock::from_sys(when));
  };

  // Checks.
  auto json_of = [](const cli_test::Result& r) {
    auto j = cli_test::parse_json(r.out);
    EXPECT_TRUE(j.has_value()) << "stdout is not one JSON object: " << r.out;
    return j.value_or(cli_test::Json{});
  };
  auto got_local = [&](const std::string& name, const std::string& data) {
    return [&, name, data](const cli_test::Result&, bool) { EXPECT_EQ(e2e::sha256_file(loc(name)), e2e::sha256_hex(data)) << name; };
  };
  auto got_server = [&](const std::string& remote, const std::string& data) {
    return [&, remote, data](const cli_test::Result&, bool) { EXPECT_EQ(e2e::sha256_file(srv(remote)), e2e::sha256_hex(data)) << remote; };
  };
  auto gone = [&](const std::string& remote) {
    return [&, remote](const cli_test::Result&, bool) { EXPECT_FALSE(fs::exists(srv(remote))) << remote; };
  };
  auto remove_local = [&](const std::string& name) {
    return [&, name] {
      std::error_code ec;
      fs::remove(loc(name), ec);
    };
  };
  const std::string canary_path = "/" + kCanary;

  std::vector<Step> steps;
  {
    steps.push_back({"ports", {"ports"}, 0, "", 0, "", false, true});
    steps.push_back({"bearer status", {"bearer", "status"}, 0, "", 0, "", false, false, {}, {}, [&](const cli_test::Result& r, bool json) {
                       if (json) EXPECT_TRUE(json_of(r).find("ok")->boolean);
                       else EXPECT_NE(r.out.find("active: yes"), std::string::npos) << r.out;
                     }});
    steps.push_back({"state", {"state"}, 0, "", 0, "", false, false, {}, {}, [&](const cli_test::Result& r, bool json) {
                       if (json) EXPECT_EQ(result_of(json_of(r))->find("state")->string, "idle");
                       else EXPECT_EQ(r.out, "idle\n");
                     }});
    for (const char* m : {"get", "extget", "etget"}) {
      const std::string out = std::string("g-") + m + ".bin";
      steps.push_back({std::string("get --method ") + m, {"get", "/dl.bin", out, "--method", m}, 0, "", 0, "", false, false, {},
                       [&, p = remove_local(out)] { p(); dl_file(); }, got_local(out, dl)});
    }
    steps.push_back({"get --retries 2", {"get", "/dl.bin", "r.bin", "--retries", "2"}, 0, "", 0, "", false, false, {},
                     [&, p = remove_local("r.bin")] { p(); dl_file(); }, got_local("r.bin", dl)});
    steps.push_back({"get --method extget --fs-file", {"get", "/tiny-fs.bin", "--method", "extget", "--fs-file", "/customer/f.bin"}, 0, "", 0,
                     "", false, false, {},
                     [&, f = server_file("/tiny-fs.bin", tiny)] {
                       f();
                       std::error_code ec;
                       fs::remove(root / "modemfs" / "customer" / "f.bin", ec);  // AT+FTPEXTGET=2 refuses an existing file
                     },
                     [&](const cli_test::Result&, bool) {
                       EXPECT_EQ(e2e::sha256_file(root / "modemfs" / "customer" / "f.bin"), e2e::sha256_hex(tiny));
                     }});
    for (const char* m : {"put", "extput", "etput"}) {
      const std::string remote = std::string("/u-") + m + ".bin";
      steps.push_back({std::string("put --method ") + m, {"put", "up.bin", remote, "--method", m}, 0, "", 0, "", false, false, {}, {},
                       got_server(remote, up)});
    }
    steps.push_back({"put --append", {"put", "tiny.bin", "/app.bin", "--append"}, 0, "", 0, "", false, false, {},
                     server_file("/app.bin", "head"), got_server("/app.bin", "head" + tiny)});
    steps.push_back({"ls", {"ls", "/"}, 0, "", 0, "", false, false, {}, dl_file, [&](const cli_test::Result& r, bool) {
                       EXPECT_NE(r.out.find("dl.bin"), std::string::npos) << r.out;
                     }});
    steps.push_back({"size", {"size", "/dl.bin"}, 0, "", 0, "", false, false, {}, dl_file, [&](const cli_test::Result& r, bool json) {
                       if (json) EXPECT_EQ(result_of(json_of(r))->find("size")->number, static_cast<double>(dl.size()));
                       else EXPECT_EQ(r.out, std::to_string(dl.size()) + "\n");
                     }});
    steps.push_back({"mdtm", {"mdtm", "/dl.bin"}, 0, "", 0, "", false, false, {}, dl_file, [&](const cli_test::Result& r, bool json) {
                       if (json) EXPECT_EQ(result_of(json_of(r))->find("modified")->string, "2021-07-04T03:00:00Z");
                       else EXPECT_EQ(r.out, "2021-07-04T03:00:00Z\n");
                     }});
    steps.push_back({"mkdir", {"mkdir", "/d"}, 0, "", 0, "", false, false, {}, {},
                     [&](const cli_test::Result&, bool) { EXPECT_TRUE(fs::is_directory(srv("/d"))); }});
    steps.push_back({"mv", {"mv", "/d/a.bin", "b.bin"}, 0, "", 0, "", false, false, {}, server_file("/d/a.bin", tiny),
                     [&](const cli_test::Result&, bool) {
                       EXPECT_FALSE(fs::exists(srv("/d/a.bin")));
                       EXPECT_EQ(e2e::sha256_file(srv("/d/b.bin")), e2e::sha256_hex(tiny));
                     }});
    steps.push_back({"rm", {"rm", "/d/b.bin"}, 0, "", 0, "", false, false, {}, {}, gone("/d/b.bin")});
    steps.push_back({"rmdir", {"rmdir", "/d"}, 0, "", 0, "", false, false, {}, {}, gone("/d")});
    steps.push_back({"cert put", {"cert", "put", "ca.pem", "ca.pem"}});
    // The canary as the remote name.
    steps.push_back({"put canary", {"put", "tiny.bin", canary_path}, 0, "", 0, "", true, false, {}, {}, got_server(canary_path, tiny)});
    steps.push_back({"size canary", {"size", canary_path}, 0, "", 0, "", true});
    steps.push_back({"get --method etget canary", {"get", canary_path, "c.bin", "--method", "etget"}, 0, "", 0, "", true, false, {},
                     remove_local("c.bin"), got_local("c.bin", tiny)});
    steps.push_back({"rm canary", {"rm", canary_path}, 0, "", 0, "", true, false, {}, {}, gone(canary_path)});
    // --password-env: the password from another variable.
    steps.push_back({"ls --password-env MY_PW", {"--password-env", "MY_PW", "ls", "/"}, 0, "", 0, "", false, false,
                     {{"MY_PW", c.password}, {"FTP_PASSWORD", std::nullopt}}});
    // Failures.
    for (const char* m : {"get", "extget", "etget"}) {
      steps.push_back({std::string("get --method ") + m + " missing file", {"get", "/missing.bin", "m.bin", "--method", m}, 1, "sim7080.ftp", 77,
                       "", false, false, {}, {}, [&](const cli_test::Result&, bool) { EXPECT_FALSE(fs::exists(loc("m.bin"))); }});
    }
    steps.push_back({"size missing file", {"size", "/missing.bin"}, 1, "sim7080.ftp", 77});
    steps.push_back({"mdtm missing file", {"mdtm", "/missing.bin"}, 1, "sim7080.ftp", 77});
    steps.push_back({"rm missing file", {"rm", "/missing.bin"}, 1, "sim7080.ftp", 77});
    steps.push_back({"rmdir missing dir", {"rmdir", "/missing-dir"}, 1, "sim7080.ftp", 77});
    steps.push_back({"mv missing file", {"mv", "/missing.bin", "x.bin"}, 1, "sim7080.ftp", 77});
    steps.push_back({"ls missing dir", {"ls", "/missing-dir"}, 1, "sim7080.ftp", 77});
    steps.push_back({"get wrong password", {"get", "/dl.bin", "w.bin"}, 1, "sim7080.ftp", 72, kWrongPassword, false, false, {}, dl_file,
                     [&](const cli_test::Result&, bool) { EXPECT_FALSE(fs::exists(loc("w.bin"))); }});
    steps.push_back({"put --method extput wrong password", {"put", "up.bin", "/w.bin", "--method", "extput"}, 1, "sim7080.ftp", 72,
                     kWrongPassword, false, false, {}, {}, gone("/w.bin")});
    steps.push_back({"get invalid name", {"get", "/bad\x01name", "x.bin"}, 2, "sim7080.at", 8});
    steps.push_back({"put missing local file", {"put", "absent.bin", "/x.bin"}, 2, "sim7080.at", 8});
    steps.push_back({"get --timeout 0.05", {"--timeout", "0.05", "get", "/dl.bin", "t.bin"}, 4, "sim7080.at", 1, "", false, false, {},
                     [&, p = remove_local("t.bin")] { p(); dl_file(); },
                     [&](const cli_test::Result&, bool) { EXPECT_FALSE(fs::exists(loc("t.bin"))); }});
    steps.push_back({"bearer down", {"bearer", "down"}});
    steps.push_back({"size with the bearer down", {"size", "/dl.bin"}, 1, "sim7080.ftp", 61, "", false, false, {}, dl_file});
    steps.push_back({"bearer up", {"bearer", "up"}});
    steps.push_back({"size after bearer up", {"size", "/dl.bin"}, 0, "", 0, "", false, false, {}, dl_file});
  }

  Ledger ledger(secrets_for(c.password));
  int n = 0;
  std::size_t tx_markers = 0, rx_markers = 0;
  std::set<std::string> commands;
  for (bool json : {false, true}) {
    for (const Step& s : steps) {
      SCOPED_TRACE(s.label + (json ? " --json" : ""));
      ++n;
      const fs::path trace = root / "art" / fmt::format("{:03}.trace", n);
      const fs::path record = root / "art" / fmt::format("{:03}.at", n);
      std::vector<std::string> argv = {SIM7080_FTP_BINARY, "-d", emu.pty(), "-s", "127.0.0.1", "-P", std::to_string(server.port()),
                                       "-u", e2e::kUser, "--trace", trace.string(), "--record", record.string()};
      if (json) argv.push_back("--json");
      argv.insert(argv.end(), s.args.begin(), s.args.end());
      cli_test::SpawnOptions so;
      so.env = {{"FTP_PASSWORD", s.password.empty() ? c.password : s.password}, {"SIM7080_DEVICE", std::nullopt}};
      for (const auto& [k, v] : s.env) so.env[k] = v;
      so.cwd = root / "local";
      if (s.prepare) s.prepare();
      const cli_test::Result r = cli_test::run(argv, so, 120s);
      EXPECT_TRUE(cli_test::exited(r, s.exit));
      commands.insert(s.args[0] == "--password-env" || s.args[0] == "--timeout" ? s.args[2] : s.args[0]);
      if (json) {
        const auto j = cli_test::parse_json(r.out);
        ASSERT_TRUE(j.has_value()) << "--json stdout is not one JSON object:\n" << r.out;
        const auto* ok = j->find("ok");
        ASSERT_NE(ok, nullptr) << r.out;
        EXPECT_EQ(ok->boolean, s.exit == 0) << r.out;
        if (s.exit != 0) {
          ASSERT_NE(j->find("category"), nullptr) << r.out;
          EXPECT_EQ(j->find("category")->string, s.category) << r.out;
          EXPECT_EQ(j->find("code")->number, s.code) << r.out;
        }
      } else if (s.exit != 0) {
        EXPECT_NE(r.err.find("sim7080-ftp: "), std::string::npos) << "a failure says why on stderr:\n" << r.err;
      }
      if (s.check) s.check(r, json);

      const std::string ctx = fmt::format("cli {} #{} `{}`{} :: ", c.name, n, s.label, json ? " --json" : "");
      // The canary shows in the output only where the command echoes its argument back.
      const std::string& verb = s.args[0];
      const bool canary_out = s.canary && (verb == "put" || verb == "rm" || (json && verb == "get"));
      ledger.add(ctx + (json ? "stdout (JSON)" : "stdout"), json ? Format::json_lines : Format::plain, r.out, canary_out && json);
      ledger.add(ctx + "stderr", Format::plain, r.err, canary_out && !json);
      if (!s.no_device) {
        const std::string trace_text = e2e::read_file(trace), record_text = e2e::read_file(record);
        EXPECT_FALSE(trace_text.empty()) << "no --trace file";
        EXPECT_FALSE(record_text.empty()) << "no --record file";
        ledger.add(ctx + "--trace file", Format::text_trace, trace_text, s.canary);
        ledger.add(ctx + "--record file", Format::transcript, record_text, s.canary);
        SearchResult one;
        search({"trace", Format::text_trace, trace_text}, ledger.secrets(), one);
        tx_markers += one.tx_markers;
        rx_markers += one.rx_markers;
      }
    }
  }
  emu.stop();  // the emulator flushes each line; stopped, its files are complete
  ledger.add("cli " + c.name + " :: emulator --record", Format::transcript, e2e::read_file(root / "art" / "emu.at"), true);
  ledger.add("cli " + c.name + " :: emulator -v stderr", Format::plain, emu.log(), true);
  ledger.add("cli " + c.name + " :: pyftpdlib log", Format::plain, server.log(), true);
  const SearchResult res = ledger.check();
  EXPECT_GT(tx_markers, 0u) << "no AT+FTPPW=<redacted> in any trace: the password was never sent";
  report_line(fmt::format("| CLI | {} | {} runs; commands: {} | {} artefacts, {} views, {} B searched | markers in traces: TX {} RX {} | "
                          "password hits {} | problems {} |",
                          c.name, n, fmt::join(commands, " "), ledger.artefacts(), res.views, res.bytes, tx_markers, rx_markers,
                          res.hits.size() - res.count(kCanaryIndex), res.problems.size()));
  report_line("| CLI | " + c.name + " | per artefact: " + ledger.summary() + " |");
}

INSTANTIATE_TEST_SUITE_P(
    Secrets, CliSecrets,
    ::testing::Values(CliCase{"echo_fragment1_long", {"--echo", "--fragment", "1"}, kLongPassword},
                      CliCase{"echo_fragment1_short", {"--echo", "--fragment", "1"}, kShortPassword},
                      CliCase{"echo_random_chunks_noise_long",
                              {"--echo", "--fragment", "13", "--fragment-seed", "4242", "--noise", "--noise-seed", "7"},
                              kLongPassword},
                      CliCase{"echo_random_chunks_noise_short",
                              {"--echo", "--fragment", "13", "--fragment-seed", "99", "--noise", "--noise-seed", "8"},
                              kShortPassword}),
    [](const ::testing::TestParamInfo<CliCase>& i) { return i.param.name; });

}  // namespace
}  // namespace secrets

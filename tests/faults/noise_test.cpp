// Case 2: unrelated URCs at every line boundary (--noise-every-line: `+CEREG: 1,5`, `*PSUTTZ`,
// `+CTZV`, `+CGREG`, `*PSNWID` in turn before every line the module writes, and between a
// counted payload and its OK), never inside a payload, a host data phase or a transparent stream
// (spec §1.9). Every method, several sizes and hostile contents, the remote operations: all
// correct, every noise line routed to the catch-all.
#include <fmt/format.h>

#include "faults_common.hpp"

namespace faults {
namespace {

constexpr std::string_view kNoise[] = {"\r\n+CEREG: 1,5\r\n", "\r\n*PSUTTZ: 24/11/25,17:58:01\",\"+32\",0\r\n",
                                       "\r\n+CTZV: +32,0\r\n", "\r\n+CGREG: 1,5\r\n",
                                       "\r\n*PSNWID: \"460\",\"11\",\"CHN-CT\",0,\"CHN-CT\",0\r\n"};

std::size_t noise_lines(std::string_view rx) {
  std::size_t n = 0;
  for (auto u : kNoise) n += count_of(rx, u);
  return n;
}

std::vector<Transfer> noise_transfers() {
  std::vector<Transfer> out;
  for (auto [content, size] : {std::pair{Content::ok_lines, std::size_t{0}}, std::pair{Content::ftpget_urc, std::size_t{1}},
                               std::pair{Content::ok_lines, std::size_t{1461}}, std::pair{Content::etx_dle, std::size_t{5000}},
                               std::pair{Content::crlf, std::size_t{20000}}}) {
    for (const Transfer& t : all_methods(content, size)) out.push_back(t);
  }
  return out;
}

class NoiseEveryLine : public E2eTest {};

TEST_F(NoiseEveryLine, EveryMethodAndRemoteOperation) {
  EnvOptions o;
  o.emu_args = {"--noise-every-line"};
  o.initialize = false;
  ASSERT_TRUE(start(o));
  env.wire.capture = true;
  const auto before = env.modem->stats();
  ASSERT_FALSE(env.initialize()) << "initialize under noise";
  int transfers = 0;
  for (const Transfer& t : noise_transfers()) {
    check_transfer(env, t, "noise");
    if (HasFatalFailure()) return;
    ++transfers;
  }
  check_remote_ops(env, "/noise-dir");
  if (HasFatalFailure()) return;
  auto st = env.state();
  ASSERT_FALSE(st.ec) << st.ec.message();
  EXPECT_EQ(st.value(), sim7080::FtpState::idle);
  const std::string& rx = env.wire.rx;
  const std::string& tx = env.wire.tx;
  const auto after = env.modem->stats();

  // The knob was on: a noise line before every final result, so at least one per command line.
  const std::size_t noise = noise_lines(rx);
  std::size_t commands = 0;
  for (std::size_t p = tx.find("AT"); p != std::string::npos; p = tx.find("AT", p + 2)) {
    if (p == 0 || tx[p - 1] == '\r') ++commands;
  }
  EXPECT_GE(noise, commands) << "fewer noise lines than commands: the knob was not in effect";
  // Payload then noise then OK: the spec allows a URC after the last payload byte.
  EXPECT_NE(rx.find("\r\n+CEREG: 1,5\r\n\r\nOK\r\n"), std::string::npos);
  // Every noise line went to the catch-all (none was taken for a reply), nothing else did, and
  // nothing was malformed or out of step.
  EXPECT_EQ(after.unknown_urcs - before.unknown_urcs, noise);
  EXPECT_EQ(after.parse_errors, before.parse_errors);
  EXPECT_EQ(after.stray_finals, before.stray_finals);
  EXPECT_EQ(after.restarts, before.restarts);
  std::cerr << transfers << " transfers, " << commands << " command lines, " << noise << " noise lines\n";
  RecordProperty("transfers", transfers);
  RecordProperty("noise_lines", static_cast<int>(noise));
}

}  // namespace
}  // namespace faults

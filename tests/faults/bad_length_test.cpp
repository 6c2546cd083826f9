// Case 7: lengths the module must never send (--bad-length KIND, fires once):
//   over-request  a read reply announcing (and carrying) one byte more than requested
//                 (`+FTPGET: 2,1461` for a 1460-byte read, `+FTPEXTGET: 3,<len+1>`), or an upload
//                 go-ahead asking one byte more than requested (`+FTPPUT: 2,<n+1>`,
//                 `+FTPEXTPUT: <pos>,<len+1>`)
//   over-max      past the spec's maximum: `+FTPGET/+FTPLIST: 2,1461`, `+FTPEXTGET: 3,327681`
//                 (with that many bytes), `+FTPPUT: 1,1,1461`
//   negative      `2,-1460` / `+FTPPUT: 1,1,-1360` (no bytes follow)
//   huge          2^64, which no 64-bit counter holds (no bytes follow)
//   garbled       a corrupted digit (`2,1x460`), the real bytes following as usual
// A read reply whose length is not a valid count for the request is a protocol violation:
// AtErrc::protocol_error, no overflow, nothing delivered beyond the valid bytes (the sink's
// bytes stay a prefix of the file), and the next operation succeeds. A bad <maxlength> in
// `+FTPPUT: 1,1,<max>` is not fatal: the upload must stay within 1460 bytes a chunk and be right.
#include <fmt/format.h>

#include <regex>

#include "faults_common.hpp"

namespace faults {
namespace {

struct BadCase {
  std::string name;
  std::string kind;
  Transfer t;
  bool list = false;  ///< AT+FTPLIST instead of a transfer
  bool fatal = true;  ///< protocol_error expected; else success within the limits
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

Transfer dl(GetMethod m, std::size_t n) { return {true, m, PutMethod::put, Content::random, n}; }
Transfer ul(PutMethod m, std::size_t n) { return {false, GetMethod::get, m, Content::random, n}; }

std::vector<BadCase> bad_cases() {
  std::vector<BadCase> out;
  for (const char* k : {"over-max", "negative", "huge", "garbled"}) {
    out.push_back({fmt::format("get_{}", k), k, dl(GetMethod::get, 3000)});
    out.push_back({fmt::format("list_{}", k), k, dl(GetMethod::get, 0), true});
  }
  for (const char* k : {"over-request", "over-max", "negative", "huge", "garbled"}) {
    out.push_back({fmt::format("extget_{}", k), k, dl(GetMethod::extget, 40000)});
  }
  out.push_back({"put_over_request", "over-request", ul(PutMethod::put, 3000)});
  out.push_back({"extput_over_request", "over-request", ul(PutMethod::extput, 10000)});
  for (const char* k : {"over-max", "negative", "huge", "garbled"}) {
    out.push_back({fmt::format("put_maxlength_{}", k), k, ul(PutMethod::put, 5000), false, false});
  }
  for (auto& c : out) std::replace(c.name.begin(), c.name.end(), '-', '_');
  return out;
}

// A directory with a few files; its listing spans more than one 1460-byte read.
void make_listing_dir(const fs::path& dir) {
  fs::create_directories(dir);
  for (int i = 0; i < 40; ++i) write_file(dir / fmt::format("file-with-a-longish-name-{:03}.bin", i), std::string(static_cast<std::size_t>(i), 'x'));
}

class BadLength : public E2eTest, public ::testing::WithParamInterface<BadCase> {};

TEST_P(BadLength, RefusedTypedNothingBeyondValidNextSucceeds) {
  const BadCase& c = GetParam();
  EnvOptions o;
  o.emu_args = {"--bad-length", c.kind};
  o.session_timeout = 5s;
  ASSERT_TRUE(start(o));
  env.wire.capture = true;
  const auto stats_before = env.modem->stats();
  const std::string data = make_content(c.t.content, c.t.size, 17);

  if (c.list) {
    make_listing_dir(env.server_root() / "listing");
    auto ls = env.list("/listing", 30s);
    EXPECT_TRUE(ls.completed);
    EXPECT_EQ(ls.ec, sim7080::make_error_code(AtErrc::protocol_error)) << ls.ec.message();
    EXPECT_TRUE(ls.value().empty()) << "entries returned with an error";
  } else {
    const Attempt a = run_transfer(env, c.t, "/bad-" + c.name + ".bin", data, {}, 30s);
    if (c.fatal) {
      EXPECT_EQ(a.ec, sim7080::make_error_code(AtErrc::protocol_error)) << a.ec.message();
      expect_nothing_complete(a, c.t, data);
    } else {
      ASSERT_FALSE(a.ec) << a.ec.message();
      EXPECT_EQ(a.result.bytes, data.size());
      EXPECT_EQ(sha256_file(env.server_root() / ("bad-" + c.name + ".bin")), sha256_hex(data));
      static const std::regex chunk(R"(AT\+FTPPUT=2,(\d+)\r)");
      const std::string& tx = env.wire.tx;
      int chunks = 0;
      for (std::sregex_iterator it(tx.begin(), tx.end(), chunk), end; it != end; ++it, ++chunks) {
        EXPECT_LE(std::stoul((*it)[1].str()), 1460u) << "a chunk over the spec's 1460";
      }
      EXPECT_GT(chunks, 1);
    }
  }
  EXPECT_NE(env.emu.log().find("[emu] bad length: " + c.kind), std::string::npos) << "the knob did not fire";
  EXPECT_EQ(env.modem->stats().restarts, stats_before.restarts);
  env.wire.capture = false;

  // The next operation: the same one, right.
  if (c.list) {
    auto ls = env.list("/listing", 30s);
    ASSERT_FALSE(ls.ec) << ls.ec.message();
    EXPECT_EQ(ls.value().size(), 40u);
  } else {
    check_transfer(env, c.t, "after-bad-length");
  }
}

INSTANTIATE_TEST_SUITE_P(Faults, BadLength, ::testing::ValuesIn(bad_cases()),
                         [](const ::testing::TestParamInfo<BadCase>& i) { return i.param.name; });

}  // namespace
}  // namespace faults

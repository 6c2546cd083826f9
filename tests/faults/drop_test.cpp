// Case 5: the FTP data connection drops mid-transfer (--drop-after-bytes N; fires once): the
// module's session error, typed — FtpErrc::download_error (79) for downloads, upload_error (78)
// for uploads, both retryable — for each method, at the first byte and halfway; nothing partial
// looks complete; the next transfer succeeds.
#include <fmt/format.h>

#include "faults_common.hpp"

namespace faults {
namespace {

constexpr std::size_t kSize = 60000;

class Drop : public E2eTest, public ::testing::WithParamInterface<Transfer> {};

TEST_P(Drop, TypedRetryableThenNextSucceeds) {
  const Transfer t = GetParam();
  ASSERT_TRUE(start());
  const std::string data = make_content(Content::random, kSize, 8);
  for (std::size_t n : {std::size_t{0}, kSize / 2}) {
    SCOPED_TRACE(fmt::format("drop after {} bytes", n));
    ASSERT_TRUE(env.restart_emulator({"--drop-after-bytes", std::to_string(n)}));
    env.wire.clear();
    env.wire.capture = true;
    const Attempt a = run_transfer(env, t, fmt::format("/drop-{}-{}.bin", method_name(t), n), data, {}, 30s);
    const auto expected = t.download ? FtpErrc::download_error : FtpErrc::upload_error;
    EXPECT_EQ(a.ec, sim7080::make_error_code(expected)) << a.ec.message();
    EXPECT_EQ(a.ec, Condition::retryable);
    EXPECT_NE(a.ec, Condition::link_lost);
    expect_nothing_complete(a, t, data);
    // The module said so itself: `+<CMD>: 1,79` / `1,78` on the wire, and no AT+FTPQUIT was
    // needed (the session had ended).
    EXPECT_NE(env.wire.rx.find(t.download ? ": 1,79\r\n" : ": 1,78\r\n"), std::string::npos);
    EXPECT_EQ(env.wire.tx.find("AT+FTPQUIT"), std::string::npos);
    env.wire.capture = false;
    check_transfer(env, t, fmt::format("after-drop-{}", n));
    if (HasFatalFailure()) return;
  }
}

INSTANTIATE_TEST_SUITE_P(Faults, Drop, ::testing::ValuesIn(all_methods(Content::random, kSize)),
                         [](const ::testing::TestParamInfo<Transfer>& i) { return method_name(i.param); });

}  // namespace
}  // namespace faults

// The test support itself: SHA-256 against the FIPS 180-4 vectors, the content generators, and
// a smoke run of the whole rig (server, emulator, real serial transport, initialize, state).
#include "e2e_fixture.hpp"

namespace e2e {
namespace {

TEST(E2eSupport, Sha256KnownVectors) {
  struct Vector { std::string input; const char* digest; };
  const Vector vectors[] = {
      {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
      {std::string(1000000, 'a'), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
      // 55, 56 and 64 bytes: the padding boundaries.
      {std::string(55, 'a'), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
      {std::string(56, 'a'), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
      {std::string(64, 'a'), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
  };
  for (const auto& v : vectors) EXPECT_EQ(sha256_hex(v.input), v.digest) << "input of " << v.input.size() << " bytes";
}

TEST(E2eSupport, Sha256OfFileEqualsOfBytes) {
  char tmpl[] = "/tmp/sim7080-e2e-sha-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const fs::path dir = tmpl;
  const std::string data = make_content(Content::random, 200000, 7);
  write_file(dir / "f.bin", data);
  EXPECT_EQ(sha256_file(dir / "f.bin"), sha256_hex(data));
  EXPECT_EQ(sha256_file(dir / "missing"), "<missing>");
  fs::remove_all(dir);
}

TEST(E2eSupport, ContentsAreExactDeterministicAndHostile) {
  for (Content c : kAllContents) {
    SCOPED_TRACE(name(c));
    for (std::size_t n : {0u, 1u, 1459u, 1461u, 4096u}) {
      const std::string a = make_content(c, n), b = make_content(c, n);
      EXPECT_EQ(a.size(), n);
      EXPECT_EQ(a, b);
    }
    const std::string s = make_content(c, 4096);
    switch (c) {
      case Content::crlf: EXPECT_GT(std::count(s.begin(), s.end(), '\r') + std::count(s.begin(), s.end(), '\n'), 3000); break;
      case Content::ok_lines: EXPECT_EQ(s.substr(0, 12), "\r\nOK\r\n\r\nOK\r\n"); break;
      case Content::ftpget_urc: EXPECT_EQ(s.substr(0, 28), "+FTPGET: 1,0\r\n+FTPGET: 1,0\r\n"); break;
      case Content::etx_dle: EXPECT_GT(std::count(s.begin(), s.end(), '\x03') + std::count(s.begin(), s.end(), '\x10'), 3000); break;
      case Content::nul_ff: EXPECT_GT(std::count(s.begin(), s.end(), '\0') + std::count(s.begin(), s.end(), '\xff'), 2500); break;
      case Content::random: EXPECT_NE(s, make_content(c, 4096, 2)); break;
    }
  }
}

class E2eRig : public E2eTest {};

TEST_F(E2eRig, StartsInitializesAndReportsIdle) {
  ASSERT_TRUE(start());
  EXPECT_TRUE(env.modem->is_open());
  EXPECT_TRUE(env.server.running());
  EXPECT_TRUE(env.emu.running());
  auto st = env.state();
  ASSERT_FALSE(st.ec) << st.ec.message();
  EXPECT_EQ(st.value(), sim7080::FtpState::idle);
  EXPECT_GT(env.wire.tx_bytes, 0u);  // AT, ATE0, AT+CMEE=1, AT+FTPSTATE went over the pty
  EXPECT_EQ(env.modem->stats().restarts, 0u);
}

}  // namespace
}  // namespace e2e

// Typed errors end to end: wrong password, missing file, server down, bearer down (and brought
// up through Modem::async_bearer_up), and arguments refused before anything is written.
#include <fmt/format.h>

#include "e2e_fixture.hpp"

namespace e2e {
namespace {

using sim7080::AtErrc;
using sim7080::Condition;
using sim7080::FtpErrc;
using sim7080::GetMethod;
using sim7080::PutMethod;
using SimpleOp = sim7080::FtpSession::SimpleOp;

class Errors : public E2eTest {};

TEST_F(Errors, WrongPasswordIsPasswordError72) {
  EnvOptions o;
  o.client_password = "not-the-password";
  ASSERT_TRUE(start(o));
  write_file(env.server_root() / "p.bin", "payload");
  const fs::path local = env.local_dir() / "p.bin";
  // (pyftpdlib answers a bad PASS after 3 s: few operations here.)
  for (auto m : {GetMethod::get, GetMethod::etget}) {
    SCOPED_TRACE(name(m));
    sim7080::FileSink sink(local);
    sim7080::GetOptions go;
    go.method = m;
    auto r = env.get("/p.bin", sink, go);
    EXPECT_EQ(r.ec, sim7080::make_error_code(FtpErrc::password_error)) << r.ec.message();
    EXPECT_EQ(r.ec.value(), 72);
    EXPECT_EQ(r.ec.message(), "FTP password error (72)");
    EXPECT_EQ(r.ec, Condition::auth_failed);
    EXPECT_NE(r.ec, Condition::retryable);
    EXPECT_FALSE(fs::exists(local));
  }
  sim7080::MemorySource src(as_bytes("x"));
  auto up = env.put(src, "/p2.bin");
  EXPECT_EQ(up.ec, sim7080::make_error_code(FtpErrc::password_error)) << up.ec.message();
  EXPECT_FALSE(fs::exists(env.server_root() / "p2.bin"));

  // The right password through set_config: the session writes it and works.
  auto c = env.session->config();
  c.password = kPassword;
  env.session->set_config(c);
  EXPECT_EQ(env.fetch("/p.bin"), "payload");
}

TEST_F(Errors, MissingFileIsOperateError77NotFound) {
  ASSERT_TRUE(start());
  const fs::path local = env.local_dir() / "missing.bin";
  for (auto m : {GetMethod::get, GetMethod::extget, GetMethod::etget}) {
    SCOPED_TRACE(name(m));
    {
      sim7080::FileSink sink(local);
      sim7080::GetOptions go;
      go.method = m;
      auto r = env.get("/missing.bin", sink, go);
      EXPECT_EQ(r.ec, sim7080::make_error_code(FtpErrc::operate_error)) << r.ec.message();
      EXPECT_EQ(r.ec.value(), 77);
      EXPECT_EQ(r.ec, Condition::not_found);
      EXPECT_EQ(r.value().bytes, 0u);
      EXPECT_FALSE(fs::exists(local));
      EXPECT_FALSE(fs::exists(local.string() + ".part"));
    }
    {
      sim7080::MemorySink sink;
      sim7080::GetOptions go;
      go.method = m;
      auto r = env.get("/no/such/dir/missing.bin", sink, go);
      EXPECT_EQ(r.ec, sim7080::make_error_code(FtpErrc::operate_error)) << r.ec.message();
      EXPECT_TRUE(sink.data().empty());
    }
  }
  // Upload into a directory that does not exist.
  sim7080::MemorySource src(as_bytes("x"));
  auto up = env.put(src, "/no/such/dir/up.bin");
  EXPECT_TRUE(up.ec == FtpErrc::operate_error || up.ec == FtpErrc::upload_error) << up.ec.message();
  // The session goes on.
  write_file(env.server_root() / "here.bin", "here");
  EXPECT_EQ(env.fetch("/here.bin"), "here");
}

TEST_F(Errors, ServerDownIsConnectError63) {
  ASSERT_TRUE(start());
  write_file(env.server_root() / "s.bin", "up");
  EXPECT_EQ(env.fetch("/s.bin"), "up");
  env.server.stop();
  ASSERT_FALSE(env.server.running());
  for (const Transfer& t : all_methods(Content::random, 100)) {
    SCOPED_TRACE(describe(t));
    std::error_code ec;
    if (t.download) {
      sim7080::MemorySink sink;
      sim7080::GetOptions go;
      go.method = t.get;
      ec = env.get("/s.bin", sink, go).ec;
    } else {
      const std::string data = make_content(t.content, t.size);
      sim7080::MemorySource src(as_bytes(data));
      sim7080::PutOptions po;
      po.method = t.put;
      ec = env.put(src, "/s2.bin", po).ec;
    }
    EXPECT_EQ(ec, sim7080::make_error_code(FtpErrc::connect_error)) << ec.message();
    EXPECT_EQ(ec.value(), 63);
    EXPECT_EQ(ec, Condition::retryable);
  }
  EXPECT_EQ(env.size("/s.bin").ec, sim7080::make_error_code(FtpErrc::connect_error));
  EXPECT_EQ(env.simple(SimpleOp::mkdir, "/d"), sim7080::make_error_code(FtpErrc::connect_error));
}

TEST_F(Errors, BearerDownIsNetError61UntilBearerUp) {
  EnvOptions o;
  o.bearer_up = false;
  ASSERT_TRUE(start(o));
  const std::string data = make_content(Content::random, 4000);
  write_file(env.server_root() / "b.bin", data);

  auto status = env.run<sim7080::BearerInfo>([&](auto h) { env.modem->async_bearer_status(0, std::move(h)); });
  ASSERT_FALSE(status.ec) << status.ec.message();
  EXPECT_FALSE(status.value().active);

  for (auto m : {GetMethod::get, GetMethod::extget, GetMethod::etget}) {
    SCOPED_TRACE(name(m));
    sim7080::MemorySink sink;
    sim7080::GetOptions go;
    go.method = m;
    auto r = env.get("/b.bin", sink, go);
    EXPECT_EQ(r.ec, sim7080::make_error_code(FtpErrc::net_error)) << r.ec.message();
    EXPECT_EQ(r.ec.value(), 61);
    EXPECT_EQ(r.ec, Condition::retryable);
  }
  sim7080::MemorySource src(as_bytes(data));
  EXPECT_EQ(env.put(src, "/b2.bin").ec, sim7080::make_error_code(FtpErrc::net_error));

  // Up through the library, then the transfers work.
  auto up = env.run<sim7080::BearerInfo>([&](auto h) {
    sim7080::BearerOptions b;
    b.cid = 0;
    env.modem->async_bearer_up(b, std::move(h));
  });
  ASSERT_FALSE(up.ec) << up.ec.message();
  EXPECT_TRUE(up.value().active);
  EXPECT_EQ(up.value().address, "10.94.36.44");
  EXPECT_EQ(up.value().sim_state, "READY");
  EXPECT_TRUE(up.value().attached);
  for (const Transfer& t : all_methods(Content::random, 4000)) check_transfer(env, t, "bearer");

  // Down again: typed 61 again.
  auto down = env.run<sim7080::BearerInfo>([&](auto h) { env.modem->async_bearer_down(0, std::move(h)); });
  ASSERT_FALSE(down.ec) << down.ec.message();
  EXPECT_FALSE(down.value().active);
  EXPECT_EQ(env.size("/b.bin").ec, sim7080::make_error_code(FtpErrc::net_error));
}

// Names that would break the command line: refused with invalid_argument, not a byte written.
TEST_F(Errors, InvalidRemoteNamesWriteNothing) {
  ASSERT_TRUE(start());
  write_file(env.server_root() / "ok.bin", "ok");
  const std::string bad_names[] = {
      "/a\"b.bin", "/a\rb.bin", "/a\nb.bin", "/dir\"/f.bin", "/dir\r/f.bin", std::string("/a\0b.bin", 8), "/\x01.bin",
      "/" + std::string(300, 'n')};
  const auto tx_before = env.wire.tx_bytes;
  int checked = 0;
  auto expect_invalid = [&](std::error_code ec, const std::string& what) {
    ++checked;
    EXPECT_EQ(ec, sim7080::make_error_code(AtErrc::invalid_argument)) << what << ": " << ec.message();
    EXPECT_EQ(env.wire.tx_bytes, tx_before) << what << " wrote to the modem";
  };
  for (const std::string& bad : bad_names) {
    SCOPED_TRACE(::testing::PrintToString(bad));
    for (auto m : {GetMethod::get, GetMethod::extget, GetMethod::etget}) {
      const fs::path local = env.local_dir() / "bad.bin";
      sim7080::FileSink sink(local);
      sim7080::GetOptions go;
      go.method = m;
      expect_invalid(env.get(bad, sink, go).ec, std::string("get ") + name(m));
      EXPECT_FALSE(fs::exists(local));
      EXPECT_FALSE(fs::exists(local.string() + ".part"));
    }
    for (auto m : {PutMethod::put, PutMethod::extput, PutMethod::etput}) {
      sim7080::MemorySource src(as_bytes("data"));
      sim7080::PutOptions po;
      po.method = m;
      expect_invalid(env.put(src, bad, po).ec, std::string("put ") + name(m));
    }
    expect_invalid(env.size(bad).ec, "size");
    expect_invalid(env.mdtm(bad).ec, "mdtm");
    expect_invalid(env.list(bad).ec, "ls");
    expect_invalid(env.simple(SimpleOp::remove, bad), "rm");
    expect_invalid(env.simple(SimpleOp::mkdir, bad), "mkdir");
    expect_invalid(env.simple(SimpleOp::rmdir, bad), "rmdir");
    expect_invalid(env.rename(bad, "x.bin"), "mv from");
    expect_invalid(env.rename("/ok.bin", bad), "mv to");
  }
  EXPECT_EQ(checked, 8 * 14);
  // A bad setting in the configuration is refused the same way.
  for (auto field : {0, 1, 2}) {
    auto c = env.ftp_config();
    (field == 0 ? c.server : field == 1 ? c.user : c.password) += "\"\r";
    env.session->set_config(c);
    sim7080::MemorySink sink;
    expect_invalid(env.get("/ok.bin", sink).ec, fmt::format("config field {}", field));
  }
  // Nothing was broken: the same session with a good configuration works.
  env.session->set_config(env.ftp_config());
  EXPECT_EQ(env.fetch("/ok.bin"), "ok");
}

}  // namespace
}  // namespace e2e

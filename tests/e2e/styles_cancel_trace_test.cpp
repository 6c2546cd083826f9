// Completion tokens (callback, use_future, use_awaitable) on the real link; per-operation
// cancellation of 1 MiB transfers; and the FTP password never reaching any trace.
#include <fmt/format.h>

#include <future>
#include <regex>
#include <sstream>

#include "asio/co_spawn.hpp"
#include "asio/detached.hpp"
#include "asio/error.hpp"
#include "asio/executor_work_guard.hpp"
#include "asio/post.hpp"
#include "asio/redirect_error.hpp"
#include "asio/use_awaitable.hpp"
#include "asio/use_future.hpp"
#include "e2e_fixture.hpp"
#include "sim7080/transcript.hpp"

namespace e2e {
namespace {

using sim7080::AtErrc;
using sim7080::Condition;
using sim7080::FtpErrc;
using sim7080::GetMethod;
using sim7080::PutMethod;

// ---------------------------------------------------------------------------------------------
// Completion styles

class CompletionStyles : public E2eTest {
 protected:
  void SetUp() override {
    ASSERT_TRUE(start());
    data = make_content(Content::ok_lines, 20000) + make_content(Content::random, 30000);
    write_file(env.server_root() / "style.bin", data);
  }
  std::string data;
};

TEST_F(CompletionStyles, PlainCallback) {
  for (auto m : {GetMethod::get, GetMethod::extget, GetMethod::etget}) {
    SCOPED_TRACE(name(m));
    sim7080::MemorySink sink;
    sim7080::GetOptions o;
    o.method = m;
    bool called = false;
    std::error_code ec;
    sim7080::TransferResult result;
    std::thread::id handler_thread;
    env.session->async_get("/style.bin", sink, o, [&](std::error_code e, sim7080::TransferResult r) {
      called = true;
      ec = e;
      result = r;
      handler_thread = std::this_thread::get_id();
    });
    EXPECT_FALSE(called) << "the handler ran inside the initiating call";
    ASSERT_TRUE(env.run_until([&] { return called; }, 30s)) << "no completion within 30 s";
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(handler_thread, std::this_thread::get_id());
    EXPECT_EQ(result.bytes, data.size());
    EXPECT_EQ(as_string(sink.data()), data);
  }
}

TEST_F(CompletionStyles, UseFutureWithIoOnAnotherThread) {
  auto guard = asio::make_work_guard(env.io);
  env.io.restart();
  std::thread runner([&] { env.io.run(); });
  struct Join {
    asio::io_context& io;
    std::thread& t;
    ~Join() {
      io.stop();
      if (t.joinable()) t.join();
    }
  } join{env.io, runner};

  // Operations are started on the session's executor (the library is not thread-safe); the
  // future is waited for on this thread.
  auto start_get = [&](std::string remote, sim7080::DownloadSink& sink, GetMethod m) {
    std::promise<std::future<sim7080::TransferResult>> started;
    asio::post(env.io, [&, remote] {
      sim7080::GetOptions o;
      o.method = m;
      started.set_value(env.session->async_get(remote, sink, o, asio::use_future));
    });
    auto f = started.get_future();
    EXPECT_EQ(f.wait_for(10s), std::future_status::ready);
    return f.get();
  };
  for (auto m : {GetMethod::get, GetMethod::etget}) {
    SCOPED_TRACE(name(m));
    sim7080::MemorySink sink;
    auto fut = start_get("/style.bin", sink, m);
    ASSERT_EQ(fut.wait_for(30s), std::future_status::ready);
    const auto r = fut.get();
    EXPECT_EQ(r.bytes, data.size());
    EXPECT_EQ(as_string(sink.data()), data);
  }
  // An error arrives as std::system_error carrying the typed code.
  sim7080::MemorySink sink;
  auto fut = start_get("/absent.bin", sink, GetMethod::get);
  ASSERT_EQ(fut.wait_for(30s), std::future_status::ready);
  try {
    fut.get();
    ADD_FAILURE() << "no exception for a missing file";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), sim7080::make_error_code(FtpErrc::operate_error));
    EXPECT_EQ(e.code(), Condition::not_found);
  }
  guard.reset();
}

TEST_F(CompletionStyles, UseAwaitableInCoSpawn) {
  bool done = false;
  std::exception_ptr failure;
  std::string got_get, got_etget;
  std::uint64_t size = 0;
  std::error_code missing;
  std::string uploaded = make_content(Content::etx_dle, 7000);
  asio::co_spawn(
      env.io,
      [&]() -> asio::awaitable<void> {
        sim7080::MemorySink a, b;
        auto r1 = co_await env.session->async_get("/style.bin", a, sim7080::GetOptions{}, asio::use_awaitable);
        got_get = as_string(a.data());
        EXPECT_EQ(r1.bytes, data.size());
        sim7080::GetOptions o;
        o.method = GetMethod::etget;
        co_await env.session->async_get("/style.bin", b, o, asio::use_awaitable);
        got_etget = as_string(b.data());
        size = co_await env.session->async_size("/style.bin", asio::use_awaitable);
        sim7080::MemorySource src(as_bytes(uploaded));
        sim7080::PutOptions po;
        po.method = PutMethod::etput;
        co_await env.session->async_put(src, "/co-up.bin", po, asio::use_awaitable);
        sim7080::MemorySink c;
        co_await env.session->async_get("/absent.bin", c, sim7080::GetOptions{},
                                        asio::redirect_error(asio::use_awaitable, missing));
      },
      [&](std::exception_ptr e) {
        failure = e;
        done = true;
      });
  ASSERT_TRUE(env.run_until([&] { return done; }, 60s)) << "the coroutine did not finish within 60 s";
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const std::system_error& e) {
      FAIL() << "coroutine threw " << e.code().message();
    } catch (const std::exception& e) {
      FAIL() << "coroutine threw " << e.what();
    }
  }
  EXPECT_EQ(got_get, data);
  EXPECT_EQ(got_etget, data);
  EXPECT_EQ(size, data.size());
  EXPECT_EQ(sha256_file(env.server_root() / "co-up.bin"), sha256_hex(uploaded));
  EXPECT_EQ(missing, sim7080::make_error_code(FtpErrc::operate_error));
}

// ---------------------------------------------------------------------------------------------
// Cancellation

struct CancelCase {
  bool download;
  GetMethod get;
  PutMethod put;
  std::size_t size;
};

void PrintTo(const CancelCase& c, std::ostream* os) {
  *os << (c.download ? name(c.get) : name(c.put)) << " " << c.size << " bytes";
}

class Cancel : public E2eTest, public ::testing::WithParamInterface<CancelCase> {};

TEST_P(Cancel, AfterFirstProgressAbortsAndSessionGoesOn) {
  const CancelCase k = GetParam();
  ASSERT_TRUE(start());
  const std::string data = make_content(Content::random, k.size, 21);
  const std::string remote = k.download ? fmt::format("/cancel-{}.bin", name(k.get)) : fmt::format("/cancel-{}.bin", name(k.put));
  const fs::path on_server = env.server_root() / remote.substr(1);
  const fs::path local = env.local_dir() / "cancelled.bin";
  int progress_calls = 0;
  std::uint64_t at_cancel = 0;
  auto on_progress = [&](const sim7080::Progress& p) {
    if (++progress_calls == 1) {
      at_cancel = p.bytes_done;
      env.cancel_current();  // cancellation_signal::emit(terminal), from inside the progress callback
    }
  };
  const auto t0 = std::chrono::steady_clock::now();
  Outcome<sim7080::TransferResult> r;
  if (k.download) {
    write_file(on_server, data);
    sim7080::FileSink sink(local);
    sim7080::GetOptions o;
    o.method = k.get;
    o.on_progress = on_progress;
    r = env.get(remote, sink, o, 60s);
  } else {
    sim7080::MemorySource src(as_bytes(data));
    sim7080::PutOptions o;
    o.method = k.put;
    o.on_progress = on_progress;
    r = env.put(src, remote, o, 60s);
  }
  const auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_GE(progress_calls, 1);
  EXPECT_EQ(r.ec, asio::error::operation_aborted) << r.ec.message();
  EXPECT_LT(r.value().bytes, data.size()) << "the transfer was not cut short (at_cancel=" << at_cancel << ")";
  EXPECT_LT(took, 30s);
  if (k.download) {
    EXPECT_FALSE(fs::exists(local)) << "the abandoned sink left its file";
    EXPECT_FALSE(fs::exists(local.string() + ".part"));
  }
  // The module is idle and the next operations succeed.
  auto st = env.state();
  ASSERT_FALSE(st.ec) << st.ec.message();
  EXPECT_EQ(st.value(), sim7080::FtpState::idle);
  check_transfer(env, Transfer{k.download, k.get, k.put, Content::crlf, 5000}, "after-cancel");
  check_transfer(env, Transfer{!k.download, k.get, k.put, Content::random, 3000}, "after-cancel");
}

INSTANTIATE_TEST_SUITE_P(E2e, Cancel,
                         ::testing::Values(CancelCase{true, GetMethod::get, PutMethod::put, 1048576},
                                           CancelCase{true, GetMethod::etget, PutMethod::put, 1048576},
                                           CancelCase{true, GetMethod::extget, PutMethod::put, 250000},
                                           CancelCase{false, GetMethod::get, PutMethod::put, 1048576},
                                           CancelCase{false, GetMethod::get, PutMethod::etput, 1048576},
                                           CancelCase{false, GetMethod::get, PutMethod::extput, 250000}),
                         [](const ::testing::TestParamInfo<CancelCase>& i) {
                           return std::string(i.param.download ? name(i.param.get) : name(i.param.put));
                         });

// Cancelling through an asio::cancellation_signal the test owns, bound with
// asio::bind_cancellation_slot, emitted from a posted handler (not from inside the library).
class CancelSignal : public E2eTest {};

TEST_F(CancelSignal, BoundSlotEmittedFromPostedHandler) {
  ASSERT_TRUE(start());
  const std::string data = make_content(Content::random, 1048576, 4);
  write_file(env.server_root() / "big.bin", data);
  asio::cancellation_signal signal;
  sim7080::MemorySink sink;
  sim7080::GetOptions o;
  bool posted = false;
  o.on_progress = [&](const sim7080::Progress&) {
    if (posted) return;
    posted = true;
    asio::post(env.io, [&] { signal.emit(asio::cancellation_type::terminal); });
  };
  bool done = false;
  std::error_code ec;
  env.session->async_get("/big.bin", sink, o,
                         asio::bind_cancellation_slot(signal.slot(), [&](std::error_code e, sim7080::TransferResult) {
                           ec = e;
                           done = true;
                         }));
  ASSERT_TRUE(env.run_until([&] { return done; }, 60s));
  EXPECT_EQ(ec, asio::error::operation_aborted) << ec.message();
  EXPECT_LT(sink.data().size(), data.size());
  EXPECT_EQ(env.fetch("/big.bin"), data);
}

// ---------------------------------------------------------------------------------------------
// The password in traces

// The bytes of one direction as a text trace shows them (hex columns), so a password split over
// two lines of 16 bytes is still found.
std::string text_trace_bytes(const std::string& trace, const std::string& dir) {
  static const std::regex line(R"(^\S+ (TX|RX) [0-9a-f]{8} ((?:[0-9a-f]{2} )*[0-9a-f]{2}))");
  std::string out;
  std::istringstream in(trace);
  std::string l;
  while (std::getline(in, l)) {
    std::smatch m;
    if (!std::regex_search(l, m, line) || m[1] != dir) continue;
    std::istringstream hex(m[2].str());
    std::string h;
    while (hex >> h) out += static_cast<char>(std::stoi(h, nullptr, 16));
  }
  return out;
}

class PasswordTrace : public E2eTest, public ::testing::WithParamInterface<bool> {};

TEST_P(PasswordTrace, NeverInTextTraceTranscriptOrSinks) {
  const bool echo = GetParam();
  const std::string password = "Pw-7qZ!x9secret";
  EnvOptions o;
  o.server_password = o.client_password = password;
  if (echo) {
    o.emu_args = {"--echo"};
    o.initialize = false;  // echo stays on: the module echoes `AT+FTPPW="..."` back
  }
  ASSERT_TRUE(start(o));
  std::ostringstream text, at;
  auto tracer = sim7080::make_text_trace(text);
  sim7080::transcript::TranscriptRecorder recorder(at, {{"title", "password check"}});
  env.modem->add_trace_sink(*tracer);
  env.modem->add_trace_sink(recorder);
  env.wire.capture = true;

  const std::string data = make_content(Content::random, 5000);
  write_file(env.server_root() / "pw.bin", data);
  EXPECT_EQ(env.fetch("/pw.bin"), data);
  sim7080::MemorySource src(as_bytes(data));
  sim7080::PutOptions po;
  po.method = PutMethod::etput;
  ASSERT_FALSE(env.put(src, "/pw-up.bin", po).ec);
  EXPECT_EQ(read_file(env.server_root() / "pw-up.bin"), data);
  // A second session setup: the password is written again after a configuration change.
  auto c = env.session->config();
  c.passive = false;
  env.session->set_config(c);
  EXPECT_EQ(env.fetch("/pw.bin", GetMethod::etget), data);
  // And once more after the module lost it: a wrong password, then the right one.
  c.password = password + "-wrong";
  env.session->set_config(c);
  sim7080::MemorySink sink;
  EXPECT_EQ(env.get("/pw.bin", sink).ec, Condition::auth_failed);
  c.password = password;
  env.session->set_config(c);
  EXPECT_EQ(env.fetch("/pw.bin"), data);

  env.modem->remove_trace_sink(*tracer);
  env.modem->remove_trace_sink(recorder);
  recorder.flush();
  const std::string text_out = text.str(), at_out = at.str();
  const std::string tx_bytes = text_trace_bytes(text_out, "TX"), rx_bytes = text_trace_bytes(text_out, "RX");

  // Positive controls: the password command was traced, and the echo was there.
  EXPECT_NE(at_out.find("> AT+FTPPW=<redacted>"), std::string::npos) << at_out.substr(0, 2000);
  EXPECT_NE(tx_bytes.find("AT+FTPPW="), std::string::npos);
  EXPECT_GT(tx_bytes.size(), 5000u);
  if (echo) {
    EXPECT_NE(rx_bytes.find("AT+FTPPW="), std::string::npos) << "no echo of the password command";
  }

  for (const auto& [what, haystack] : std::initializer_list<std::pair<const char*, const std::string*>>{
           {"text trace", &text_out},
           {"text trace TX bytes", &tx_bytes},
           {"text trace RX bytes", &rx_bytes},
           {"transcript", &at_out},
           {"sink TX", &env.wire.tx},
           {"sink RX", &env.wire.rx}}) {
    EXPECT_EQ(haystack->find(password), std::string::npos) << "the password appears in the " << what;
    EXPECT_EQ(haystack->find(password.substr(0, 8)), std::string::npos) << "a part of the password appears in the " << what;
  }
  for (const auto& ev : env.wire.events) EXPECT_EQ(ev.find(password), std::string::npos) << ev;
}

INSTANTIATE_TEST_SUITE_P(E2e, PasswordTrace, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& i) { return i.param ? "echo_on" : "echo_off"; });

}  // namespace
}  // namespace e2e

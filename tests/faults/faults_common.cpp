#include "faults_common.hpp"

#include <fmt/format.h>

#include <regex>

namespace faults {

// ---------------------------------------------------------------------------------------------
// ReadLog

void ReadLog::on_tx(std::span<const std::byte> bytes, std::chrono::steady_clock::time_point) {
  const std::string_view s(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (!marker.empty() && s.substr(0, marker.size()) == marker) marks.push_back(rx.size());
}

void ReadLog::on_rx(std::span<const std::byte> bytes, std::chrono::steady_clock::time_point) {
  rx.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  ends_.insert(rx.size());
  ++reads;
}

bool ReadLog::read_boundary(std::uint64_t offset) const {
  // The redactor delivers a read without its last m bytes when they could start "+FTPPW"
  // (case-insensitive): the trace then shows the boundary m bytes earlier.
  static constexpr std::string_view kKey = "+FTPPW";
  std::uint64_t held = 0;
  for (std::uint64_t m = std::min<std::uint64_t>(kKey.size(), offset); m > 0; --m) {
    bool match = true;
    for (std::uint64_t i = 0; i < m && match; ++i) {
      const char c = rx[static_cast<std::size_t>(offset - m + i)];
      const char up = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
      match = up == kKey[static_cast<std::size_t>(i)];
    }
    if (match) {
      held = m;
      break;
    }
  }
  return ends_.count(offset - held) > 0;
}

// ---------------------------------------------------------------------------------------------
// TeeSink

std::error_code TeeSink::begin() {
  delivered.clear();
  return file_.begin();
}

std::error_code TeeSink::write(std::span<const std::byte> bytes) {
  delivered.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return file_.write(bytes);
}

std::error_code TeeSink::commit() {
  committed = true;
  return file_.commit();
}

void TeeSink::abandon() {
  abandoned = true;
  file_.abandon();
}

// ---------------------------------------------------------------------------------------------
// Transfers

std::string method_name(const Transfer& t) { return t.download ? name(t.get) : name(t.put); }

Attempt run_transfer(Env& env, const Transfer& t, const std::string& remote, const std::string& data,
                     std::function<void(const sim7080::Progress&)> on_progress, Ms limit) {
  Attempt a;
  a.remote = remote;
  const auto started = std::chrono::steady_clock::now();
  if (t.download) {
    write_file(env.server_root() / remote.substr(1), data);
    a.local = env.local_dir() / remote.substr(1);
    std::error_code ignored;
    fs::remove(a.local, ignored);
    TeeSink sink(a.local);
    sim7080::GetOptions o;
    o.method = t.get;
    o.on_progress = std::move(on_progress);
    auto r = env.get(remote, sink, o, limit);
    a.ec = r.ec;
    a.result = r.value();
    a.completed = r.completed;
    a.delivered = std::move(sink.delivered);
    a.committed = sink.committed;
    a.abandoned = sink.abandoned;
  } else {
    std::error_code ignored;
    fs::remove(env.server_root() / remote.substr(1), ignored);
    sim7080::MemorySource source(as_bytes(data));
    sim7080::PutOptions o;
    o.method = t.put;
    o.on_progress = std::move(on_progress);
    auto r = env.put(source, remote, o, limit);
    a.ec = r.ec;
    a.result = r.value();
    a.completed = r.completed;
  }
  a.took = std::chrono::steady_clock::now() - started;
  return a;
}

void expect_nothing_complete(const Attempt& a, const Transfer& t, const std::string& content,
                             const std::string* valid) {
  const std::string& data = valid ? *valid : content;
  EXPECT_TRUE(a.completed) << "the operation never completed (hang)";
  EXPECT_TRUE(a.ec) << "a failing transfer reported success";
  if (!t.download) return;
  EXPECT_TRUE(a.abandoned) << "the sink was not abandoned";
  EXPECT_FALSE(a.committed) << "the sink was committed although the transfer failed";
  EXPECT_FALSE(fs::exists(a.local)) << a.local << " exists after a failed download";
  EXPECT_FALSE(fs::exists(a.local.string() + ".part")) << a.local << ".part left behind";
  EXPECT_LE(a.delivered.size(), data.size()) << "more bytes delivered than the file has";
  const std::size_t n = std::min(a.delivered.size(), data.size());
  EXPECT_TRUE(a.delivered.compare(0, n, data, 0, n) == 0)
      << "the bytes delivered are not a prefix of the file (" << a.delivered.size() << " delivered)";
}

std::size_t count_of(std::string_view hay, std::string_view needle) {
  std::size_t n = 0;
  for (auto p = hay.find(needle); p != std::string_view::npos; p = hay.find(needle, p + needle.size())) ++n;
  return n;
}

::testing::AssertionResult bearer_up(Env& env) {
  auto up = env.run<sim7080::BearerInfo>([&](auto h) {
    sim7080::BearerOptions b;
    b.cid = 0;
    env.modem->async_bearer_up(b, std::move(h));
  });
  if (up.ec) return ::testing::AssertionFailure() << "async_bearer_up: " << up.ec.message();
  if (!up.value().active) return ::testing::AssertionFailure() << "async_bearer_up: context not active";
  return ::testing::AssertionSuccess();
}

// ---------------------------------------------------------------------------------------------
// HostileServer

::testing::AssertionResult HostileServer::start(const fs::path& root, const std::string& user,
                                                const std::string& password) {
  auto ok = child_.spawn({"/usr/bin/python3", SIM7080_HOSTILE_FTPD, root.string(), user, password},
                         Child::Capture::stdout_, root.parent_path() / "hostile_ftpd.stderr");
  if (!ok) return ok;
  static const std::regex started(R"(hostile ftpd on 127\.0\.0\.1:(\d+))");
  const bool up = child_.output().wait_for([&](const std::string& t) { return std::regex_search(t, started); }, 20s);
  const std::string out = child_.output().text();
  std::smatch m;
  if (!up || !std::regex_search(out, m, started)) {
    child_.stop();
    return ::testing::AssertionFailure() << "hostile_ftpd.py did not start within 20 s; stdout:\n" << out;
  }
  port_ = static_cast<std::uint16_t>(std::stoi(m[1].str()));
  return ::testing::AssertionSuccess();
}

}  // namespace faults

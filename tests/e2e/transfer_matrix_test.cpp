// The transfer matrix: every size × every hostile content × every method, both directions,
// SHA-256 equal at both ends. Downloads land in a FileSink and a MemorySink; uploads come from a
// FileSource (and a MemorySource) and are checked on the server's disk. Passive mode for all,
// active mode for a representative subset. The sizes of one (method, content) pair share one
// server + emulator (one ctest test each).
#include <fmt/format.h>

#include "e2e_fixture.hpp"

namespace e2e {
namespace {

using sim7080::AtErrc;
using sim7080::FtpErrc;
using sim7080::GetMethod;
using sim7080::PutMethod;

constexpr std::size_t kSizes[] = {0, 1, 1459, 1460, 1461, 4096, 1048576};
constexpr std::uint64_t kModuleRam = 300000;  // the library's and the module's EXT* limit

fs::path part_of(const fs::path& p) { return fs::path(p.string() + ".part"); }

// Downloads `remote` (holding `data`) with `method` into a FileSink and a MemorySink.
void check_download(Env& e, GetMethod method, const std::string& remote, const std::string& data) {
  const std::string want = sha256_hex(data);
  const bool over_ram = method == GetMethod::extget && data.size() > kModuleRam;
  const fs::path local = e.local_dir() / fs::path(remote).filename();

  // 1. FileSink, with progress.
  {
    sim7080::FileSink sink(local);
    std::vector<std::uint64_t> progress;
    sim7080::GetOptions o;
    o.method = method;
    o.on_progress = [&](const sim7080::Progress& p) { progress.push_back(p.bytes_done); };
    auto r = e.get(remote, sink, o);
    if (over_ram) {
      // The module downloads into its RAM first: it answers `+FTPEXTGET: 1,79`.
      EXPECT_EQ(r.ec, sim7080::make_error_code(FtpErrc::download_error)) << r.ec.message();
      EXPECT_EQ(r.ec.value(), 79);
      EXPECT_EQ(&r.ec.category(), &sim7080::ftp_category());
      EXPECT_FALSE(fs::exists(local)) << "an abandoned download must leave no file";
      EXPECT_FALSE(fs::exists(part_of(local)));
    } else {
      ASSERT_FALSE(r.ec) << "FileSink: " << r.ec.message();
      EXPECT_EQ(r.value().bytes, data.size());
      EXPECT_EQ(sha256_file(local), want);
      EXPECT_FALSE(fs::exists(part_of(local)));
      EXPECT_TRUE(std::is_sorted(progress.begin(), progress.end()));
      if (!progress.empty()) {
        EXPECT_LE(progress.back(), data.size());
      }
      if (data.size() > 0) {
        EXPECT_FALSE(progress.empty()) << "no progress callback for " << data.size() << " bytes";
        if (!progress.empty()) {
          EXPECT_EQ(progress.back(), data.size());
        }
      }
    }
    std::error_code ignored;
    fs::remove(local, ignored);
  }
  // 2. MemorySink.
  {
    sim7080::MemorySink sink;
    sim7080::GetOptions o;
    o.method = method;
    auto r = e.get(remote, sink, o);
    if (over_ram) {
      EXPECT_EQ(r.ec, sim7080::make_error_code(FtpErrc::download_error)) << r.ec.message();
    } else {
      ASSERT_FALSE(r.ec) << "MemorySink: " << r.ec.message();
      EXPECT_EQ(r.value().bytes, data.size());
      EXPECT_EQ(sink.data().size(), data.size());
      EXPECT_EQ(sha256_hex(as_string(sink.data())), want);
    }
  }
}

// Uploads `data` with `method` from a FileSource and from a MemorySource; checks the server's disk.
void check_upload(Env& e, PutMethod method, const std::string& remote, const std::string& data) {
  const std::string want = sha256_hex(data);
  const bool over_ram = method == PutMethod::extput && data.size() > kModuleRam;
  const fs::path local = e.local_dir() / fs::path(remote).filename();
  write_file(local, data);
  for (int from_memory = 0; from_memory < 2; ++from_memory) {
    SCOPED_TRACE(from_memory ? "MemorySource" : "FileSource");
    const std::string target = remote + (from_memory ? ".mem" : "");
    const fs::path on_server = e.server_root() / target.substr(1);
    sim7080::FileSource file(local);
    ASSERT_FALSE(file.open_error());
    sim7080::MemorySource memory(as_bytes(data));
    sim7080::UploadSource& source = from_memory ? static_cast<sim7080::UploadSource&>(memory) : file;
    sim7080::PutOptions o;
    o.method = method;
    std::vector<std::uint64_t> progress;
    o.on_progress = [&](const sim7080::Progress& p) { progress.push_back(p.bytes_done); };
    const bool was_capturing = e.wire.capture;
    const std::size_t tx_before = e.wire.tx.size();
    e.wire.capture = was_capturing || over_ram;
    auto r = e.put(source, target, o);
    const std::string tx = e.wire.tx.substr(tx_before);
    e.wire.capture = was_capturing;
    if (over_ram) {
      // More than the module's RAM: uploaded in rounds, the first stored, the rest appended.
      ASSERT_FALSE(r.ec) << r.ec.message();
      EXPECT_EQ(r.value().bytes, data.size());
      EXPECT_EQ(sha256_file(on_server), want);
      const auto rounds = (data.size() + kModuleRam - 1) / kModuleRam;
      std::size_t appends = 0;
      for (std::size_t at = tx.find("AT+FTPPUTOPT=\"APPE\""); at != std::string::npos; at = tx.find("AT+FTPPUTOPT=\"APPE\"", at + 1)) ++appends;
      EXPECT_EQ(appends, 1u) << "the cache writes APPE once for all later rounds";
      std::size_t uploads = 0;
      for (std::size_t at = tx.find("AT+FTPPUT=1"); at != std::string::npos; at = tx.find("AT+FTPPUT=1", at + 1)) ++uploads;
      EXPECT_EQ(uploads, rounds);
      ASSERT_FALSE(progress.empty());
      EXPECT_TRUE(std::is_sorted(progress.begin(), progress.end()));
      EXPECT_EQ(progress.back(), data.size());
    } else {
      ASSERT_FALSE(r.ec) << r.ec.message();
      EXPECT_EQ(r.value().bytes, data.size());
      EXPECT_EQ(sha256_file(on_server), want);
      EXPECT_TRUE(std::is_sorted(progress.begin(), progress.end()));
      if (!progress.empty()) {
        EXPECT_EQ(progress.back(), data.size());
      }
    }
    std::error_code ignored;
    fs::remove(on_server, ignored);
  }
  std::error_code ignored;
  fs::remove(local, ignored);
}

// ---------------------------------------------------------------------------------------------

class DownloadMatrix : public SharedEnvTest, public ::testing::WithParamInterface<std::tuple<GetMethod, Content>> {};

TEST_P(DownloadMatrix, AllSizesToFileAndMemorySink) {
  const auto [method, content] = GetParam();
  Env& e = env();
  for (std::size_t size : kSizes) {
    SCOPED_TRACE(fmt::format("{} {} bytes of {}", name(method), size, name(content)));
    const std::string data = make_content(content, size);
    const std::string remote = fmt::format("/dl-{}-{}-{}.bin", name(method), name(content), size);
    write_file(e.server_root() / remote.substr(1), data);
    check_download(e, method, remote, data);
    fs::remove(e.server_root() / remote.substr(1));
    if (HasFatalFailure()) return;
  }
}

class UploadMatrix : public SharedEnvTest, public ::testing::WithParamInterface<std::tuple<PutMethod, Content>> {};

TEST_P(UploadMatrix, AllSizesFromFileAndMemorySource) {
  const auto [method, content] = GetParam();
  Env& e = env();
  for (std::size_t size : kSizes) {
    SCOPED_TRACE(fmt::format("{} {} bytes of {}", name(method), size, name(content)));
    const std::string data = make_content(content, size);
    check_upload(e, method, fmt::format("/ul-{}-{}-{}.bin", name(method), name(content), size), data);
    if (HasFatalFailure()) return;
  }
}

using DownloadParam = std::tuple<GetMethod, Content>;
using UploadParam = std::tuple<PutMethod, Content>;

template <class P>
std::string matrix_name(const ::testing::TestParamInfo<P>& info) {
  return std::string(name(std::get<0>(info.param))) + "_" + name(std::get<1>(info.param));
}

INSTANTIATE_TEST_SUITE_P(Passive, DownloadMatrix,
                         ::testing::Combine(::testing::Values(GetMethod::get, GetMethod::extget, GetMethod::etget),
                                            ::testing::ValuesIn(kAllContents)),
                         matrix_name<DownloadParam>);
INSTANTIATE_TEST_SUITE_P(Passive, UploadMatrix,
                         ::testing::Combine(::testing::Values(PutMethod::put, PutMethod::extput, PutMethod::etput),
                                            ::testing::ValuesIn(kAllContents)),
                         matrix_name<UploadParam>);

// ---------------------------------------------------------------------------------------------
// Active mode (PORT): FtpConfig::passive = false, a rig of its own per method.

struct ActiveCase {
  bool download;
  GetMethod get;
  PutMethod put;
};

void PrintTo(const ActiveCase& c, std::ostream* os) { *os << (c.download ? name(c.get) : name(c.put)); }

class ActiveMode : public E2eTest, public ::testing::WithParamInterface<ActiveCase> {};

TEST_P(ActiveMode, RepresentativeSizesAndContents) {
  const ActiveCase k = GetParam();
  EnvOptions opts;
  opts.passive = false;
  ASSERT_TRUE(start(opts));
  Env& e = env;
  e.wire.clear();
  e.wire.capture = true;
  const std::pair<Content, std::size_t> cases[] = {
      {Content::random, 0}, {Content::ok_lines, 1461}, {Content::etx_dle, 4096}, {Content::random, 200000}};
  for (auto [content, size] : cases) {
    SCOPED_TRACE(fmt::format("active {} {} bytes of {}", k.download ? name(k.get) : name(k.put), size, name(content)));
    const std::string data = make_content(content, size, 99);
    if (k.download) {
      const std::string remote = fmt::format("/act-{}-{}.bin", name(k.get), size);
      write_file(e.server_root() / remote.substr(1), data);
      check_download(e, k.get, remote, data);
    } else {
      check_upload(e, k.put, fmt::format("/act-{}-{}.bin", name(k.put), size), data);
    }
    if (HasFatalFailure()) break;
  }
  EXPECT_NE(e.wire.tx.find("AT+FTPMODE=0\r"), std::string::npos) << "active mode was not configured";
  e.wire.capture = false;
  e.wire.clear();
}

INSTANTIATE_TEST_SUITE_P(E2e, ActiveMode,
                         ::testing::Values(ActiveCase{true, GetMethod::get, PutMethod::put},
                                           ActiveCase{true, GetMethod::extget, PutMethod::put},
                                           ActiveCase{true, GetMethod::etget, PutMethod::put},
                                           ActiveCase{false, GetMethod::get, PutMethod::put},
                                           ActiveCase{false, GetMethod::get, PutMethod::extput},
                                           ActiveCase{false, GetMethod::get, PutMethod::etput}),
                         [](const ::testing::TestParamInfo<ActiveCase>& i) {
                           return std::string(i.param.download ? name(i.param.get) : name(i.param.put));
                         });

}  // namespace
}  // namespace e2e

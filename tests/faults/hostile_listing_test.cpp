// Case 8: a hostile server's listings (hostile_ftpd.py sends a directory's `.listing` file as its
// LIST output, verbatim): 100 KiB names and lines, binary bytes, NUL, CR without LF, lines that
// look like modem output (`OK`, `+FTPLIST: 1,0`, `RDY`...), no final newline, an empty listing,
// thousands of lines, and one over the library's 16 MiB bound. Each listing either parses — one
// entry per line, the line kept in ListEntry::raw (cut at max_list_line_bytes) — or fails typed
// (AtErrc::protocol_error for the oversized one); nothing hangs; the modem sees no restart and no
// stray result; the next operations (a normal listing, a download) succeed.
#include <fmt/format.h>

#include "faults_common.hpp"

namespace faults {
namespace {

constexpr std::size_t kMaxLine = 4096;  // sim7080::ftp::max_list_line_bytes (src/ftp/list_parser.hpp)
const std::string kGood = "-rw-r--r--   1 ftp      ftp            5 Jan 01 12:00 good.txt\r\n";

// A string literal with its NUL bytes.
template <std::size_t N>
std::string bytes(const char (&s)[N]) {
  return std::string(s, N - 1);
}

using Entries = std::vector<sim7080::ListEntry>;
using Kind = sim7080::ListEntry::Kind;

struct Hostile {
  std::string name;
  std::string listing;
  bool fails = false;  ///< expected to fail with protocol_error (over the 16 MiB bound)
  std::function<void(const Entries&)> check = {};  ///< what the parse must say besides raw lines
};

// The well-formed line amid the hostility parses as such.
void expect_good(const sim7080::ListEntry& e) {
  EXPECT_EQ(e.name, "good.txt");
  EXPECT_EQ(e.kind, Kind::file);
  EXPECT_EQ(e.size_bytes, std::optional<std::uint64_t>(5));
}

std::vector<Hostile> hostile_listings() {
  std::vector<Hostile> out;
  // A line over max_list_line_bytes is kept cut, as an entry of unknown kind.
  auto cut_then_good = [](const Entries& e) {
    ASSERT_EQ(e.size(), 2u);
    EXPECT_EQ(e[0].kind, Kind::unknown);
    EXPECT_EQ(e[0].raw.size(), kMaxLine);
    expect_good(e[1]);
  };
  out.push_back({"huge_name", "-rw-r--r--   1 ftp ftp 5 Jan 01 12:00 " + std::string(100 * 1024, 'n') + "\r\n" + kGood,
                 false, cut_then_good});
  out.push_back({"huge_line", std::string(100 * 1024, 'A') + "\r\n" + kGood, false, cut_then_good});
  out.push_back({"huge_line_no_newline", kGood + std::string(100 * 1024, 'B'), false, [](const Entries& e) {
                   ASSERT_EQ(e.size(), 2u);
                   expect_good(e[0]);
                   EXPECT_EQ(e[1].raw, std::string(kMaxLine, 'B'));
                 }});
  out.push_back({"binary", make_content(Content::random, 8192, 3)});
  out.push_back({"nul", bytes("-rw-r--r--   1 ftp ftp 5 Jan 01 12:00 a\0b\r\n\0\0\0\r\n") + kGood, false,
                 [](const Entries& e) {
                   ASSERT_EQ(e.size(), 3u);
                   EXPECT_EQ(e[0].name, std::string("a\0b", 3));  // a NUL in a name is kept, not a terminator
                   EXPECT_EQ(e[0].kind, Kind::file);
                   EXPECT_EQ(e[1].raw, std::string(3, '\0'));
                   expect_good(e[2]);
                 }});
  out.push_back({"cr_only", "first\rsecond\r-rw-r--r--   1 ftp ftp 5 Jan 01 12:00 x\r", false, [](const Entries& e) {
                   // CR-separated: one entry per line after an ASCII-mode client, else one line.
                   ASSERT_FALSE(e.empty());
                   EXPECT_EQ(e.back().raw.substr(e.back().raw.size() - 1), "x");
                 }});
  out.push_back({"modem_lookalike", "OK\r\n+FTPLIST: 1,0\r\n+FTPLIST: 2,5\r\nERROR\r\nRDY\r\nSMS Ready\r\n+CPIN: READY\r\n"
                                    "+CME ERROR: 3\r\n+FTPGET: 1,0\r\n\r\nOK\r\n\x10\x03\r\n" + kGood,
                 false, [](const Entries& e) {
                   ASSERT_EQ(e.size(), 12u);
                   EXPECT_EQ(e[0].raw, "OK");
                   EXPECT_EQ(e[4].raw, "RDY");
                   expect_good(e.back());
                 }});
  out.push_back({"no_final_newline", kGood + "-rw-r--r--   1 ftp ftp 7 Feb 02 2020 last", false, [](const Entries& e) {
                   ASSERT_EQ(e.size(), 2u);
                   expect_good(e[0]);
                   EXPECT_EQ(e[1].name, "last");
                   EXPECT_EQ(e[1].size_bytes, std::optional<std::uint64_t>(7));
                 }});
  out.push_back({"empty", "", false, [](const Entries& e) { EXPECT_TRUE(e.empty()); }});
  std::string many;
  for (int i = 0; i < 5000; ++i) many += fmt::format("-rw-r--r--   1 ftp ftp {} Mar 03 2021 f{:05}\r\n", i, i);
  out.push_back({"many_lines", many, false, [](const Entries& e) {
                   ASSERT_EQ(e.size(), 5000u);
                   EXPECT_EQ(e[4999].name, "f04999");
                   EXPECT_EQ(e[4999].size_bytes, std::optional<std::uint64_t>(4999));
                 }});
  // Over the library's bound on a listing (16 MiB; FtpSession::start_list): refused, typed.
  std::string big(16u << 20, 'x');
  for (std::size_t i = 100; i < big.size(); i += 101) big[i] = '\n';
  big += std::string(4096, 'y');
  out.push_back({"over_16_mib", big, true});
  return out;
}

// The lines the library must report: split at LF, one trailing CR dropped, blank lines and
// `total <n>` skipped (neither occurs above), each cut at kMaxLine.
std::vector<std::string> expected_raw(const std::string& listing) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < listing.size()) {
    auto nl = listing.find('\n', pos);
    const std::size_t end = nl == std::string::npos ? listing.size() : nl;
    std::string line = listing.substr(pos, end - pos);
    pos = nl == std::string::npos ? listing.size() : nl + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    out.push_back(line.substr(0, kMaxLine));
  }
  return out;
}

// What an FTP client listing in ASCII mode (TYPE A) hands on: the emulator's libcurl turns CR LF
// and a lone CR into LF (a real module's FTP stack may pass the bytes unchanged, spec §3.22;
// either way the library must cope). Every other byte passes.
std::string ascii_listing(const std::string& listing) {
  std::string out;
  out.reserve(listing.size());
  for (std::size_t i = 0; i < listing.size(); ++i) {
    if (listing[i] != '\r') {
      out += listing[i];
    } else if (i + 1 < listing.size() && listing[i + 1] == '\n') {
      continue;  // the LF follows
    } else {
      out += '\n';
    }
  }
  return out;
}

// The listing bytes as they crossed the serial line: the payloads of `+FTPLIST: 2,<n>` replies.
std::string listing_on_wire(const std::string& rx) {
  std::string out;
  static constexpr std::string_view kHeader = "\r\n+FTPLIST: 2,";
  for (auto p = rx.find(kHeader); p != std::string::npos; p = rx.find(kHeader, p)) {
    const auto eol = rx.find("\r\n", p + kHeader.size());
    if (eol == std::string::npos) break;
    const auto n = std::stoul(rx.substr(p + kHeader.size(), eol - p - kHeader.size()));
    out += rx.substr(eol + 2, n);
    p = eol + 2 + n;
  }
  return out;
}

class HostileListing : public E2eTest {};

TEST_F(HostileListing, ParsesOrFailsTypedNeverHangs) {
  ASSERT_TRUE(start());
  HostileServer hostile;
  ASSERT_TRUE(hostile.start(env.server_root(), kUser, kPassword));
  auto config = env.ftp_config();
  config.port = hostile.port();
  env.session->set_config(config);
  write_file(env.server_root() / "plain.bin", make_content(Content::random, 5000, 2));
  fs::create_directories(env.server_root() / "normal");
  write_file(env.server_root() / "normal" / "a.txt", "aaaa");

  int parsed = 0, failed = 0;
  for (const Hostile& h : hostile_listings()) {
    SCOPED_TRACE(h.name);
    const fs::path dir = env.server_root() / ("hostile-" + h.name);
    fs::create_directories(dir);
    write_file(dir / ".listing", h.listing);
    env.wire.clear();
    env.wire.capture = !h.fails;  // the 16 MiB one is not kept
    const auto before = env.modem->stats();
    auto ls = env.list("/hostile-" + h.name, 120s);
    env.wire.capture = false;
    ASSERT_TRUE(ls.completed) << "the listing hung";
    const auto after = env.modem->stats();
    EXPECT_EQ(after.restarts, before.restarts) << "a line of the listing was taken for a reboot";
    EXPECT_EQ(after.stray_finals, before.stray_finals) << "a line of the listing was taken for a result";
    if (h.fails) {
      EXPECT_EQ(ls.ec, sim7080::make_error_code(AtErrc::protocol_error)) << ls.ec.message();
      EXPECT_TRUE(ls.value().empty());
      ++failed;
    } else {
      ASSERT_FALSE(ls.ec) << ls.ec.message();
      // What crossed the serial line is the hostile listing, as an ASCII-mode FTP client got it
      // (verbatim, or with line ends turned into LF): the library saw every hostile byte.
      const std::string wire = listing_on_wire(env.wire.rx);
      const std::string ascii = ascii_listing(h.listing);
      EXPECT_TRUE(wire == h.listing || wire == ascii)
          << "the listing was altered on its way: " << wire.size() << " bytes on the wire, " << h.listing.size()
          << " sent";
      const auto raw = expected_raw(wire);
      const auto& entries = ls.value();
      ASSERT_EQ(entries.size(), raw.size());
      for (std::size_t i = 0; i < raw.size(); ++i) {
        EXPECT_EQ(entries[i].raw, raw[i]) << "entry " << i;
        EXPECT_LE(entries[i].raw.size(), kMaxLine);
        EXPECT_LE(entries[i].name.size(), kMaxLine);
      }
      if (h.check) h.check(entries);
      ++parsed;
    }
    // The next operations go through: a normal listing and a download.
    auto normal = env.list("/normal", 30s);
    ASSERT_FALSE(normal.ec) << "normal listing after " << h.name << ": " << normal.ec.message();
    ASSERT_EQ(normal.value().size(), 1u);
    EXPECT_EQ(normal.value()[0].name, "a.txt");
    EXPECT_EQ(sha256_hex(env.fetch("/plain.bin")), sha256_hex(make_content(Content::random, 5000, 2)));
    fs::remove_all(dir);
  }
  // Entry details where the line is a well-formed Unix line amid hostility.
  std::cerr << parsed << " hostile listings parsed, " << failed << " refused\n";
  RecordProperty("parsed", parsed);
  RecordProperty("refused", failed);
  hostile.stop();
}

}  // namespace
}  // namespace faults

// LIST output parsing (spec §3.22): Unix `ls -l` (pyftpdlib's format, the app note's sample
// 5.11), DOS/IIS, and everything else kept as unknown entries.
#include "ftp/list_parser.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "ftp/mdtm_parser.hpp"

namespace sim7080::ftp {
namespace {

using namespace std::chrono;
using Kind = ListEntry::Kind;

sys_seconds utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} + seconds{s};
}

// A fixed "now" for the year inference: 2021-03-20 12:00 UTC.
const sys_seconds kNow = utc(2021, 3, 20, 12, 0);

std::string iso(const std::optional<sys_seconds>& t) { return t ? format_iso8601(*t) : "(none)"; }

// pyftpdlib's line format, "%s %3s %-8s %-8s %8s %s %s\r\n", without the CR LF.
std::string pyftpdlib_line(const char* perms, const char* size, const char* date, const char* name) {
  char buf[512];
  std::snprintf(buf, sizeof buf, "%s %3s %-8s %-8s %8s %s %s", perms, "1", "user", "group", size, date, name);
  return buf;
}

TEST(ListParser, AppNoteSample511Directory) {
  // `+FTPLIST: 2,126`: `total 0` and the entries `.` and `..`, built in pyftpdlib's format,
  // which gives exactly the 126 bytes the app note reports.
  const std::string payload = "total 0\r\n" + pyftpdlib_line("drw-rw-rw-", "0", "Oct 12 14:58", ".") + "\r\n" +
                              pyftpdlib_line("drw-rw-rw-", "0", "Oct 12 14:58", "..") + "\r\n";
  ASSERT_EQ(payload.size(), 126u);
  const auto entries = parse_list(payload, kNow);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].name, ".");
  EXPECT_EQ(entries[1].name, "..");
  for (const auto& e : entries) {
    EXPECT_EQ(e.kind, Kind::directory);
    EXPECT_EQ(e.size_bytes, 0u);
    // Oct 12 14:58 without a year: the latest one not after 2021-03-20 is in 2020.
    EXPECT_EQ(iso(e.modified), "2020-10-12T14:58:00Z");
    EXPECT_EQ(e.raw.find('\r'), std::string::npos);
    EXPECT_NE(payload.find(e.raw), std::string::npos);
  }
  EXPECT_EQ(entries[0].raw, "drw-rw-rw-   1 user     group           0 Oct 12 14:58 .");
}

TEST(ListParser, AppNoteSample511File) {
  // `+FTPLIST:2,78` for GETPATH "/simftp.txt": one line for the file. The seed's rendering
  // is not byte-exact (its "-rw-rw" is cut short); both it and the full form parse.
  for (const char* line : {"-rw-rw 1 zhangkun simcom 8807854 Mar 19 13:31 /simftp.txt\r\n",
                           "-rw-rw-rw- 1 zhangkun simcom 8807854 Mar 19 13:31 /simftp.txt\r\n"}) {
    SCOPED_TRACE(line);
    const auto entries = parse_list(line, kNow);
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].kind, Kind::file);
    EXPECT_EQ(entries[0].name, "/simftp.txt");
    EXPECT_EQ(entries[0].size_bytes, 8807854u);
    EXPECT_EQ(iso(entries[0].modified), "2021-03-19T13:31:00Z");
  }
}

TEST(ListParser, PyftpdlibFile) {
  const auto e = parse_list_line("-rw-r--r--   1 user     group        1024 Mar 19 13:31 simftp.txt", kNow);
  EXPECT_EQ(e.kind, Kind::file);
  EXPECT_EQ(e.name, "simftp.txt");
  EXPECT_EQ(e.size_bytes, 1024u);
  EXPECT_EQ(iso(e.modified), "2021-03-19T13:31:00Z");
  EXPECT_EQ(e.raw, "-rw-r--r--   1 user     group        1024 Mar 19 13:31 simftp.txt");
}

TEST(ListParser, PyftpdlibOldFileShowsYear) {
  // pyftpdlib (like ls) shows the year instead of the time for files older than six months.
  const auto e = parse_list_line(pyftpdlib_line("-rw-r--r--", "5800000", "Jan 05  2019", "old.bin"), kNow);
  EXPECT_EQ(e.kind, Kind::file);
  EXPECT_EQ(e.name, "old.bin");
  EXPECT_EQ(e.size_bytes, 5800000u);
  EXPECT_EQ(iso(e.modified), "2019-01-05T00:00:00Z");
}

TEST(ListParser, YearInferenceNeverInTheFuture) {
  // Same instant as now: this year.
  EXPECT_EQ(iso(parse_list_line("-rw-r--r-- 1 u g 1 Mar 20 12:00 f", kNow).modified), "2021-03-20T12:00:00Z");
  // One minute after now: last year.
  EXPECT_EQ(iso(parse_list_line("-rw-r--r-- 1 u g 1 Mar 20 12:01 f", kNow).modified), "2020-03-20T12:01:00Z");
  // Later in the year than now: last year.
  EXPECT_EQ(iso(parse_list_line("-rw-r--r-- 1 u g 1 Dec 31 23:59 f", kNow).modified), "2020-12-31T23:59:00Z");
  EXPECT_EQ(iso(parse_list_line("-rw-r--r-- 1 u g 1 Jan  1 00:00 f", kNow).modified), "2021-01-01T00:00:00Z");
}

TEST(ListParser, YearInferenceFindsTheLastFeb29) {
  EXPECT_EQ(iso(parse_list_line("-rw-r--r-- 1 u g 1 Feb 29 10:00 f", kNow).modified), "2020-02-29T10:00:00Z");
  EXPECT_EQ(iso(parse_list_line("-rw-r--r-- 1 u g 1 Feb 29 10:00 f", utc(2023, 1, 1)).modified),
            "2020-02-29T10:00:00Z");
  EXPECT_EQ(iso(parse_list_line("-rw-r--r-- 1 u g 1 Feb 29 10:00 f", utc(2020, 2, 29, 9, 59)).modified),
            "2016-02-29T10:00:00Z");
}

TEST(ListParser, KindsFromThePermissionLetter) {
  struct Case {
    const char* line;
    Kind kind;
    const char* name;
  };
  const Case cases[] = {
      {"drwxr-xr-x 2 u g 4096 Mar 19 13:31 pub", Kind::directory, "pub"},
      {"-rwxr-xr-x 1 u g 10 Mar 19 13:31 run.sh", Kind::file, "run.sh"},
      {"lrwxrwxrwx 1 u g 11 Mar 19 13:31 latest -> release-1.2", Kind::symlink, "latest"},
      {"crw-rw-rw- 1 u g 0 Mar 19 13:31 null", Kind::other, "null"},
      {"brw-rw---- 1 u g 0 Mar 19 13:31 sda", Kind::other, "sda"},
      {"prw-r--r-- 1 u g 0 Mar 19 13:31 fifo", Kind::other, "fifo"},
      {"srwxrwxrwx 1 u g 0 Mar 19 13:31 sock", Kind::other, "sock"},
      {"-rw-r--r--+ 1 u g 10 Mar 19 13:31 acl", Kind::file, "acl"},
      {"-rw-r--r--@ 1 u g 10 Mar 19 13:31 mac", Kind::file, "mac"},
      {"drwxrwxrwt 2 u g 10 Mar 19 13:31 tmp", Kind::directory, "tmp"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.line);
    const auto e = parse_list_line(c.line, kNow);
    EXPECT_EQ(e.kind, c.kind);
    EXPECT_EQ(e.name, c.name);
    EXPECT_EQ(e.raw, c.line);
  }
}

TEST(ListParser, NamesWithSpacesArrowsAndLeadingSpaces) {
  EXPECT_EQ(parse_list_line("-rw-r--r-- 1 u g 1 Mar 19 13:31 my file name.txt", kNow).name, "my file name.txt");
  EXPECT_EQ(parse_list_line("-rw-r--r-- 1 u g 1 Mar 19 13:31  lead", kNow).name, " lead");
  EXPECT_EQ(parse_list_line("-rw-r--r-- 1 u g 1 Mar 19 13:31 trail ", kNow).name, "trail ");
  // Only symlinks lose " -> ...": a file may have an arrow in its name.
  EXPECT_EQ(parse_list_line("-rw-r--r-- 1 u g 1 Mar 19 13:31 a -> b", kNow).name, "a -> b");
  EXPECT_EQ(parse_list_line("lrwxrwxrwx 1 u g 1 Mar 19 13:31 my link -> my target", kNow).name, "my link");
  // A name that looks like a date.
  EXPECT_EQ(parse_list_line("-rw-r--r-- 1 u g 1 Mar 19 13:31 Apr 01 2020", kNow).name, "Apr 01 2020");
}

TEST(ListParser, ColumnVariants) {
  // No group column.
  auto e = parse_list_line("-rw-r--r-- 1 owner 2048 Mar 19 13:31 f", kNow);
  EXPECT_EQ(e.kind, Kind::file);
  EXPECT_EQ(e.size_bytes, 2048u);
  // Numeric owner and group, vsftpd's padding.
  e = parse_list_line("-rw-r--r--    1 1000     1000         4096 Mar 19 13:31 f", kNow);
  EXPECT_EQ(e.size_bytes, 4096u);
  EXPECT_EQ(e.name, "f");
  // An owner called like a month.
  e = parse_list_line("-rw-r--r-- 1 Mar staff 7 Mar 19 13:31 f", kNow);
  EXPECT_EQ(e.size_bytes, 7u);
  EXPECT_EQ(e.name, "f");
  // Lower-case month.
  e = parse_list_line("-rw-r--r-- 1 u g 7 mar 19 13:31 f", kNow);
  EXPECT_EQ(iso(e.modified), "2021-03-19T13:31:00Z");
  // Single-digit hour.
  e = parse_list_line("-rw-r--r-- 1 u g 7 Mar 19 9:05 f", kNow);
  EXPECT_EQ(iso(e.modified), "2021-03-19T09:05:00Z");
  // Largest size.
  e = parse_list_line("-rw-r--r-- 1 u g 18446744073709551615 Mar 19 13:31 big", kNow);
  EXPECT_EQ(e.size_bytes, UINT64_MAX);
}

TEST(ListParser, ImpossibleDateKeepsTheEntry) {
  const auto e = parse_list_line("-rw-r--r-- 1 u g 1 Feb 30  2020 f", kNow);
  EXPECT_EQ(e.kind, Kind::file);
  EXPECT_EQ(e.name, "f");
  EXPECT_EQ(e.modified, std::nullopt);
}

TEST(ListParser, DosIisLines) {
  auto e = parse_list_line("03-19-21  01:31PM       <DIR>          name", kNow);
  EXPECT_EQ(e.kind, Kind::directory);
  EXPECT_EQ(e.name, "name");
  EXPECT_EQ(e.size_bytes, std::nullopt);
  EXPECT_EQ(iso(e.modified), "2021-03-19T13:31:00Z");

  e = parse_list_line("03-19-21  01:31PM              8807854 simftp.txt", kNow);
  EXPECT_EQ(e.kind, Kind::file);
  EXPECT_EQ(e.name, "simftp.txt");
  EXPECT_EQ(e.size_bytes, 8807854u);

  e = parse_list_line("03-19-2021  12:05AM                  100 a b.txt", kNow);
  EXPECT_EQ(e.name, "a b.txt");
  EXPECT_EQ(iso(e.modified), "2021-03-19T00:05:00Z");

  e = parse_list_line("12-31-99  12:59PM                    1 y2k", kNow);
  EXPECT_EQ(iso(e.modified), "1999-12-31T12:59:00Z");

  e = parse_list_line("01-02-69  11:00AM                    1 f", kNow);
  EXPECT_EQ(iso(e.modified), "2069-01-02T11:00:00Z");

  e = parse_list_line("03-19-2021  13:31                    1 f", kNow);  // 24-hour clock
  EXPECT_EQ(iso(e.modified), "2021-03-19T13:31:00Z");

  e = parse_list_line("03-19-21  01:31PM       <JUNCTION>     link", kNow);
  EXPECT_EQ(e.kind, Kind::other);
  EXPECT_EQ(e.name, "link");
}

TEST(ListParser, DosNearMissesAreUnknown) {
  for (const char* line : {"03-19-21  13:31PM       <DIR>          name", "13/19/21  01:31PM  1 f",
                           "03-19-21  01:31PM       abc          name", "03-19-21  01:31PM       <DIR>",
                           "03-19-21  00:31AM 1 f"}) {
    SCOPED_TRACE(line);
    const auto e = parse_list_line(line, kNow);
    EXPECT_EQ(e.kind, Kind::unknown);
    EXPECT_EQ(e.name, line);
    EXPECT_EQ(e.raw, line);
  }
}

TEST(ListParser, UnknownLinesAreKeptWhole) {
  for (const char* line : {"garbage", "550 No files found.", "-rw-r--r-- 1 u g 1 Mar 19 13:31",
                           "-rw-r--r-- 1 u g x Mar 19 13:31 f", "-rw-r--r-- 1 u g 1 Mar 32 13:31 f",
                           "-rw-r--r-- 1 u g 1 Mar 19 24:00 f", "-rw-r--r-- 1 u g 1 Mar 19 13:31 ",
                           "?rw 1 2 3 4 5", "total", "modify=20140409060951;size=1024; simftp.txt"}) {
    SCOPED_TRACE(line);
    const auto e = parse_list_line(line, kNow);
    EXPECT_EQ(e.kind, Kind::unknown);
    EXPECT_EQ(e.name, line);
    EXPECT_EQ(e.raw, line);
    EXPECT_EQ(e.size_bytes, std::nullopt);
    EXPECT_EQ(e.modified, std::nullopt);
  }
}

TEST(ListParser, LineEndingsBlanksAndTotals) {
  const std::string listing =
      "total 12\r\n"
      "\r\n"
      "-rw-r--r-- 1 u g 1 Mar 19 13:31 crlf\r\n"
      "   \n"
      "-rw-r--r-- 1 u g 2 Mar 19 13:31 lf\n"
      "total 0\n"
      "-rw-r--r-- 1 u g 3 Mar 19 13:31 last-without-newline";
  const auto entries = parse_list(listing, kNow);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].name, "crlf");
  EXPECT_EQ(entries[1].name, "lf");
  EXPECT_EQ(entries[2].name, "last-without-newline");
  EXPECT_EQ(entries[2].size_bytes, 3u);
}

TEST(ListParser, EmptyListing) {
  EXPECT_TRUE(parse_list("", kNow).empty());
  EXPECT_TRUE(parse_list("\r\n\n", kNow).empty());
  EXPECT_TRUE(parse_list("total 0\r\n", kNow).empty());
}

TEST(ListParser, OverlongLineIsKeptTruncated) {
  const std::string name(5000, 'n');
  const std::string line = "-rw-r--r-- 1 u g 1 Mar 19 13:31 " + name;
  const std::string listing = line + "\r\n-rw-r--r-- 1 u g 1 Mar 19 13:31 next\r\n";
  const auto entries = parse_list(listing, kNow);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].kind, Kind::unknown);
  EXPECT_EQ(entries[0].raw.size(), max_list_line_bytes);
  EXPECT_EQ(entries[0].raw, line.substr(0, max_list_line_bytes));
  EXPECT_EQ(entries[0].name, entries[0].raw);
  EXPECT_EQ(entries[1].name, "next");  // parsing goes on after it
  // Exactly at the limit: still parsed.
  const std::string at_limit = "-rw-r--r-- 1 u g 1 Mar 19 13:31 " + std::string(max_list_line_bytes - 32, 'x');
  ASSERT_EQ(at_limit.size(), max_list_line_bytes);
  EXPECT_EQ(parse_list_line(at_limit, kNow).kind, Kind::file);
}

TEST(ListParser, BinaryBytesSurviveInRaw) {
  const std::string line("\x00\xff\x10\x03 binary \x80", 13);
  const auto entries = parse_list(line + "\r\n", kNow);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].kind, Kind::unknown);
  EXPECT_EQ(entries[0].raw, line);
  // A file name with non-ASCII bytes parses like any other.
  const auto e = parse_list_line("-rw-r--r-- 1 u g 1 Mar 19 13:31 caf\xc3\xa9.txt", kNow);
  EXPECT_EQ(e.kind, Kind::file);
  EXPECT_EQ(e.name, "caf\xc3\xa9.txt");
}

TEST(ListParser, EveryRawIsASubstringOfTheInput) {
  const std::string listing =
      "total 8\r\ndrwxr-xr-x 2 u g 4096 Mar 19 13:31 a dir\r\nweird line\r\n03-19-21  01:31PM  <DIR>  d\n";
  for (const auto& e : parse_list(listing, kNow)) {
    EXPECT_NE(listing.find(e.raw), std::string::npos) << e.raw;
  }
}

}  // namespace
}  // namespace sim7080::ftp

#include "ftp/list_parser.hpp"

#include <array>
#include <optional>
#include <string>

#include "at/response_fields.hpp"

namespace sim7080::ftp {
namespace {

using namespace std::chrono;

struct Token {
  std::size_t begin = 0;
  std::size_t end = 0;
};

// Enough tokens to reach the name in every Unix variant we accept (the month is at most the
// 9th token); the name itself is taken by position, so it may hold any number of spaces.
constexpr std::size_t kMaxTokens = 12;

struct Tokens {
  std::array<Token, kMaxTokens> at{};
  std::size_t count = 0;
  std::string_view text(std::string_view line, std::size_t i) const {
    return line.substr(at[i].begin, at[i].end - at[i].begin);
  }
};

Tokens tokenize(std::string_view line) {
  Tokens t;
  std::size_t i = 0;
  while (t.count < kMaxTokens) {
    while (i < line.size() && line[i] == ' ') ++i;
    if (i == line.size()) break;
    const std::size_t begin = i;
    while (i < line.size() && line[i] != ' ') ++i;
    t.at[t.count++] = Token{begin, i};
  }
  return t;
}

bool is_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Small decimal numbers only (dates and times); the caller has checked the length.
int to_int(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

std::optional<unsigned> month_of(std::string_view s) {
  static constexpr std::array<std::string_view, 12> kMonths{"jan", "feb", "mar", "apr", "may", "jun",
                                                           "jul", "aug", "sep", "oct", "nov", "dec"};
  if (s.size() != 3) return std::nullopt;
  const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
  for (unsigned m = 0; m < kMonths.size(); ++m) {
    const auto name = kMonths[m];
    if (lower(s[0]) == name[0] && lower(s[1]) == name[1] && lower(s[2]) == name[2]) return m + 1;
  }
  return std::nullopt;
}

// `HH:MM` (or `H:MM`) with hour < 24 and minute < 60.
std::optional<std::pair<int, int>> clock_of(std::string_view s) {
  const auto colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 2 || s.size() != colon + 3) return std::nullopt;
  const auto hh = s.substr(0, colon), mm = s.substr(colon + 1);
  if (!is_digits(hh) || !is_digits(mm)) return std::nullopt;
  const int h = to_int(hh), m = to_int(mm);
  if (h > 23 || m > 59) return std::nullopt;
  return std::pair{h, m};
}

std::optional<sys_seconds> at_time(int y, unsigned mon, unsigned d, int h, int m) {
  const year_month_day ymd{year{y}, month{mon}, day{d}};
  if (!ymd.ok()) return std::nullopt;
  return sys_seconds{sys_days{ymd}} + hours{h} + minutes{m};
}

// An `ls -l` date without a year: the most recent occurrence not after `now`. Eight years
// back always reaches a leap year, so Feb 29 finds one too.
std::optional<sys_seconds> recent_time(unsigned mon, unsigned d, int h, int m, sys_seconds now) {
  const int this_year = static_cast<int>(year_month_day{floor<days>(now)}.year());
  for (int y = this_year; y >= this_year - 8; --y) {
    if (auto t = at_time(y, mon, d, h, m); t && *t <= now) return t;
  }
  return std::nullopt;
}

bool is_perms(std::string_view s) {
  if (s.empty() || s.size() > 16) return false;
  const char k = s.front();
  if (!(k == '-' || (k >= 'a' && k <= 'z') || (k >= 'A' && k <= 'Z'))) return false;
  for (char c : s.substr(1)) {
    // rwx, the setuid/setgid/sticky letters, and the ACL/xattr markers some systems append.
    if (std::string_view("rwxsStTlL-+.@*").find(c) == std::string_view::npos) return false;
  }
  return true;
}

ListEntry::Kind kind_of(char c) {
  switch (c) {
    case 'd': return ListEntry::Kind::directory;
    case '-': return ListEntry::Kind::file;
    case 'l': return ListEntry::Kind::symlink;
    default: return ListEntry::Kind::other;
  }
}

bool parse_unix(std::string_view line, const Tokens& tk, sys_seconds now, ListEntry& e) {
  if (tk.count < 6 || !is_perms(tk.text(line, 0))) return false;
  // Find the date: `<size> <Mon> <DD> <HH:MM|YYYY>`, with the size at index 1 or later, so
  // listings with and without links, owner or group columns all work.
  for (std::size_t m = 2; m + 2 < tk.count && m <= 8; ++m) {
    const auto mon = month_of(tk.text(line, m));
    if (!mon) continue;
    const auto size = tk.text(line, m - 1);
    const auto dd = tk.text(line, m + 1);
    const auto when = tk.text(line, m + 2);
    if (!is_digits(size) || dd.size() > 2 || !is_digits(dd)) continue;
    const auto d = static_cast<unsigned>(to_int(dd));
    if (d < 1 || d > 31) continue;
    const auto clock = clock_of(when);
    const bool is_year = when.size() == 4 && is_digits(when);
    if (!clock && !is_year) continue;
    // The name starts after exactly one space, so names with leading spaces survive.
    const std::size_t name_begin = tk.at[m + 2].end + 1;
    if (name_begin >= line.size()) continue;
    std::string_view name = line.substr(name_begin);
    e.kind = kind_of(tk.text(line, 0).front());
    if (e.kind == ListEntry::Kind::symlink) {
      if (const auto arrow = name.find(" -> "); arrow != std::string_view::npos && arrow > 0) {
        name = name.substr(0, arrow);
      }
    }
    e.name = std::string(name);
    e.size_bytes = at::parse_unsigned(size);
    e.modified = clock ? recent_time(*mon, d, clock->first, clock->second, now)
                       : at_time(to_int(when), *mon, d, 0, 0);
    return true;
  }
  return false;
}

bool parse_dos(std::string_view line, const Tokens& tk, ListEntry& e) {
  if (tk.count < 4) return false;
  const auto date = tk.text(line, 0);
  // MM-DD-YY or MM-DD-YYYY
  if (!(date.size() == 8 || date.size() == 10) || date[2] != '-' || date[5] != '-') return false;
  const auto mm = date.substr(0, 2), dd = date.substr(3, 2), yy = date.substr(6);
  if (!is_digits(mm) || !is_digits(dd) || !is_digits(yy)) return false;
  int y = to_int(yy);
  if (yy.size() == 2) y += y < 70 ? 2000 : 1900;

  std::string_view time = tk.text(line, 1);
  int hour_offset = -1;  // -1: 24-hour clock; else 0 (AM) or 12 (PM)
  if (time.size() > 2) {
    const auto suffix = time.substr(time.size() - 2);
    if (suffix == "AM" || suffix == "am") hour_offset = 0;
    if (suffix == "PM" || suffix == "pm") hour_offset = 12;
    if (hour_offset >= 0) time.remove_suffix(2);
  }
  auto clock = clock_of(time);
  if (!clock) return false;
  if (hour_offset >= 0) {
    if (clock->first < 1 || clock->first > 12) return false;
    clock->first = clock->first % 12 + hour_offset;  // 12AM is 0h, 12PM is 12h
  }

  const auto size = tk.text(line, 2);
  if (size == "<DIR>") {
    e.kind = ListEntry::Kind::directory;
  } else if (size.size() > 2 && size.front() == '<' && size.back() == '>') {
    e.kind = ListEntry::Kind::other;  // <JUNCTION> and the like
  } else if (is_digits(size)) {
    e.kind = ListEntry::Kind::file;
    e.size_bytes = at::parse_unsigned(size);
  } else {
    return false;
  }
  // IIS pads the size column, so every space before the name is padding.
  std::size_t name_begin = tk.at[2].end;
  while (name_begin < line.size() && line[name_begin] == ' ') ++name_begin;
  if (name_begin >= line.size()) return false;
  e.name = std::string(line.substr(name_begin));
  e.modified = at_time(y, static_cast<unsigned>(to_int(mm)), static_cast<unsigned>(to_int(dd)), clock->first,
                       clock->second);
  return true;
}

bool is_blank(std::string_view line) {
  for (char c : line) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

// `total <n>`: the block count `ls -l` prints first; not an entry.
bool is_total(std::string_view line) {
  constexpr std::string_view kTotal = "total ";
  if (line.substr(0, kTotal.size()) != kTotal) return false;
  std::string_view rest = line.substr(kTotal.size());
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
  return is_digits(rest);
}

}  // namespace

ListEntry parse_list_line(std::string_view line, sys_seconds now) {
  ListEntry e;
  const bool cut = line.size() > max_list_line_bytes;
  if (cut) {
    line = line.substr(0, max_list_line_bytes);
  } else {
    const Tokens tk = tokenize(line);
    if (parse_unix(line, tk, now, e) || parse_dos(line, tk, e)) {
      e.raw = std::string(line);
      return e;
    }
    e = ListEntry{};  // a failed attempt may have filled some fields
  }
  // Not a form we know, or cut short: keep the line itself, so nothing is lost.
  e.kind = ListEntry::Kind::unknown;
  e.raw = std::string(line);
  e.name = e.raw;
  return e;
}

std::vector<ListEntry> parse_list(std::string_view listing, sys_seconds now) {
  std::vector<ListEntry> out;
  std::size_t pos = 0;
  while (pos < listing.size()) {
    auto nl = listing.find('\n', pos);
    const std::size_t end = nl == std::string_view::npos ? listing.size() : nl;
    std::string_view line = listing.substr(pos, end - pos);
    pos = nl == std::string_view::npos ? listing.size() : nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (is_blank(line) || is_total(line)) continue;
    out.push_back(parse_list_line(line, now));
  }
  return out;
}

}  // namespace sim7080::ftp

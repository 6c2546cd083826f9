#include "at_parser.hpp"

#include <cctype>

namespace sim7080emu {

namespace {

char up(char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); }

std::string trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && s[b] == ' ') ++b;
  while (e > b && s[e - 1] == ' ') --e;
  return std::string(s.substr(b, e - b));
}

// Arguments of a write form: comma separated; strings in double quotes without escapes.
std::optional<std::vector<AtArg>> split_args(std::string_view s) {
  std::vector<AtArg> out;
  std::size_t i = 0;
  while (true) {
    while (i < s.size() && s[i] == ' ') ++i;
    AtArg a;
    if (i < s.size() && s[i] == '"') {
      auto close = s.find('"', i + 1);
      if (close == std::string_view::npos) return std::nullopt;
      a.text = std::string(s.substr(i + 1, close - i - 1));
      a.quoted = true;
      i = close + 1;
      while (i < s.size() && s[i] == ' ') ++i;
      if (i < s.size() && s[i] != ',') return std::nullopt;
    } else {
      auto comma = s.find(',', i);
      a.text = trim(s.substr(i, comma == std::string_view::npos ? s.size() - i : comma - i));
      i = comma == std::string_view::npos ? s.size() : comma;
    }
    out.push_back(std::move(a));
    if (i >= s.size()) break;
    ++i;  // skip ','
  }
  return out;
}

// End of an extended command's argument text: the first ';' outside quotes.
std::size_t find_command_end(std::string_view s, std::size_t from) {
  bool inq = false;
  for (std::size_t i = from; i < s.size(); ++i) {
    if (s[i] == '"') inq = !inq;
    if (s[i] == ';' && !inq) return i;
  }
  return s.size();
}

}  // namespace

std::optional<std::uint64_t> parse_uint(std::string_view s) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    auto d = static_cast<std::uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

std::optional<std::vector<AtCommand>> parse_at_commands(std::string_view s) {
  std::vector<AtCommand> cmds;
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == ';' || c == ' ') {
      ++i;
      continue;
    }
    AtCommand cmd;
    if (c == '+' || c == '*' || c == '$') {
      // Extended command: +NAME[=?|?|=args|]
      std::size_t j = i + 1;
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_')) ++j;
      if (j == i + 1) return std::nullopt;
      for (std::size_t k = i; k < j; ++k) cmd.name += up(s[k]);
      std::size_t end = find_command_end(s, j);
      std::string_view rest = s.substr(j, end - j);
      if (rest.empty()) {
        cmd.form = Form::Exec;
      } else if (rest == "=?") {
        cmd.form = Form::Test;
      } else if (rest == "?") {
        cmd.form = Form::Read;
      } else if (rest[0] == '=') {
        cmd.form = Form::Write;
        auto args = split_args(rest.substr(1));
        if (!args) return std::nullopt;
        cmd.args = std::move(*args);
      } else {
        return std::nullopt;
      }
      i = end;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '&') {
      // Basic command: letter (or &letter), optional number; S-registers: Sn? / Sn=v.
      cmd.basic = true;
      std::size_t j = i;
      if (c == '&') {
        if (j + 1 >= s.size()) return std::nullopt;
        cmd.name = std::string("&") + up(s[j + 1]);
        j += 2;
      } else {
        cmd.name = std::string(1, up(c));
        ++j;
      }
      if (cmd.name == "S") {
        std::size_t k = j;
        while (k < s.size() && std::isdigit(static_cast<unsigned char>(s[k]))) ++k;
        if (k == j) return std::nullopt;
        cmd.name += std::string(s.substr(j, k - j));
        j = k;
        if (j < s.size() && s[j] == '?') {
          cmd.form = Form::Read;
          ++j;
        } else if (j < s.size() && s[j] == '=') {
          ++j;
          std::size_t v = j;
          while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
          cmd.form = Form::Write;
          cmd.args.push_back({std::string(s.substr(v, j - v)), false});
        }
      } else {
        std::size_t v = j;
        while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
        if (j > v) {
          cmd.form = Form::Write;
          cmd.args.push_back({std::string(s.substr(v, j - v)), false});
        }
      }
      i = j;
    } else {
      return std::nullopt;
    }
    cmds.push_back(std::move(cmd));
  }
  return cmds;
}

}  // namespace sim7080emu

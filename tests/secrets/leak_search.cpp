#include "leak_search.hpp"

#include <algorithm>
#include <cctype>
#include <unordered_map>

#include "cli_harness.hpp"  // cli_test::parse_json
#include "sim7080/transcript.hpp"

namespace secrets {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_hex(char c) { return hex_value(c) >= 0; }

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::string printable(std::string_view s) {
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\r') out += "\\r";
    else if (c == '\n') out += "\\n";
    else if (u >= 0x20 && u < 0x7f) out += c;
    else {
      static const char* digits = "0123456789abcdef";
      out += "\\x";
      out += digits[u >> 4];
      out += digits[u & 15];
    }
  }
  return out;
}

void json_strings(const cli_test::Json& j, std::string& out) {
  switch (j.kind) {
    case cli_test::Json::Kind::string: out += j.string; out += '\n'; break;
    case cli_test::Json::Kind::array:
      for (const auto& v : j.array) json_strings(v, out);
      break;
    case cli_test::Json::Kind::object:
      for (const auto& [k, v] : j.object) {
        out += k;
        out += '\n';
        json_strings(v, out);
      }
      break;
    default: break;
  }
}

bool is_stream_view(const std::string& view) {
  return view.find("stream") != std::string::npos;
}
bool is_tx_view(const std::string& view) {
  return view.find("TX") != std::string::npos || view.find("host") != std::string::npos;
}

}  // namespace

const char* name(Format f) {
  switch (f) {
    case Format::plain: return "plain";
    case Format::text_trace: return "text trace";
    case Format::transcript: return "transcript";
    case Format::json_lines: return "JSON lines";
    case Format::tx_stream: return "TX stream";
    case Format::rx_stream: return "RX stream";
  }
  return "?";
}

std::size_t SearchResult::count(std::size_t i) const {
  return static_cast<std::size_t>(std::count_if(hits.begin(), hits.end(), [i](const Hit& h) { return h.secret == i; }));
}

std::string spaced_hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const auto u = static_cast<unsigned char>(bytes[i]);
    if (i) out += ' ';
    out += digits[u >> 4];
    out += digits[u & 15];
  }
  return out;
}

std::string decode_escapes(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out += s[i];
      continue;
    }
    const char e = s[i + 1];
    switch (e) {
      case '\\': out += '\\'; ++i; continue;
      case 'r': out += '\r'; ++i; continue;
      case 'n': out += '\n'; ++i; continue;
      case 't': out += '\t'; ++i; continue;
      case 'b': out += '\b'; ++i; continue;
      case 'f': out += '\f'; ++i; continue;
      case '"': out += '"'; ++i; continue;
      case '/': out += '/'; ++i; continue;
      case 'x':
        if (i + 3 < s.size() && is_hex(s[i + 2]) && is_hex(s[i + 3])) {
          out += static_cast<char>(hex_value(s[i + 2]) * 16 + hex_value(s[i + 3]));
          i += 3;
          continue;
        }
        break;
      case 'u':
        if (i + 5 < s.size() && is_hex(s[i + 2]) && is_hex(s[i + 3]) && is_hex(s[i + 4]) && is_hex(s[i + 5])) {
          const unsigned v = static_cast<unsigned>((hex_value(s[i + 2]) << 12) | (hex_value(s[i + 3]) << 8) |
                                                   (hex_value(s[i + 4]) << 4) | hex_value(s[i + 5]));
          if (v < 0x100) {
            out += static_cast<char>(v);  // the CLI's json_escape writes bytes >= 0x7f as \u00XX
          } else if (v < 0x800) {
            out += static_cast<char>(0xc0 | (v >> 6));
            out += static_cast<char>(0x80 | (v & 0x3f));
          } else {
            out += static_cast<char>(0xe0 | (v >> 12));
            out += static_cast<char>(0x80 | ((v >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (v & 0x3f));
          }
          i += 5;
          continue;
        }
        break;
      default: break;
    }
    out += s[i];  // an unknown escape stays as written
  }
  return out;
}

namespace {
std::string decode_percent(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && is_hex(s[i + 1]) && is_hex(s[i + 2])) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}
}  // namespace

std::string decode_hex_runs(std::string_view s) {
  // Maximal runs of hex digits, with their positions.
  struct Run { std::size_t at, len; };
  std::vector<Run> runs;
  for (std::size_t i = 0; i < s.size();) {
    if (!is_hex(s[i])) { ++i; continue; }
    std::size_t j = i;
    while (j < s.size() && is_hex(s[j])) ++j;
    runs.push_back({i, j - i});
    i = j;
  }
  std::string out;
  auto byte_at = [&](std::size_t p) { return static_cast<char>(hex_value(s[p]) * 16 + hex_value(s[p + 1])); };
  // Spaced groups: two-digit runs separated by exactly one space ("41 54 0d").
  for (std::size_t r = 0; r < runs.size();) {
    if (runs[r].len != 2) { ++r; continue; }
    std::string group;
    std::size_t q = r;
    group += byte_at(runs[q].at);
    while (q + 1 < runs.size() && runs[q + 1].len == 2 && runs[q + 1].at == runs[q].at + 3 && s[runs[q].at + 2] == ' ') {
      ++q;
      group += byte_at(runs[q].at);
    }
    if (group.size() > 1) {
      out += group;
      out += '\0';
    }
    r = q + 1;
  }
  // Contiguous runs ("41540d"), both alignments.
  for (const Run& run : runs) {
    if (run.len < 4) continue;
    for (std::size_t align = 0; align < 2; ++align) {
      for (std::size_t p = run.at + align; p + 1 < run.at + run.len; p += 2) out += byte_at(p);
      out += '\0';
    }
  }
  return out;
}

bool reassemble_trace(std::string_view text, std::string& tx, std::string& rx, std::string& events, std::string& why) {
  tx.clear();
  rx.clear();
  events.clear();
  std::size_t line_no = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (line.empty()) continue;
    auto fail = [&](const std::string& what) {
      why = "line " + std::to_string(line_no) + ": " + what;
      return false;
    };
    // "<seconds> <dir> ..."
    const std::size_t sp1 = line.find(' ');
    if (sp1 == std::string_view::npos || sp1 + 3 > line.size()) return fail("no direction");
    const std::string_view dir = line.substr(sp1 + 1, 2);
    if (dir == "EV") {
      events += line.substr(std::min(line.size(), sp1 + 4));
      events += '\n';
      continue;
    }
    if (dir != "TX" && dir != "RX") return fail("unknown direction");
    std::string& stream = dir == "TX" ? tx : rx;
    std::size_t p = sp1 + 3;
    if (p >= line.size() || line[p] != ' ') return fail("no offset");
    ++p;
    std::size_t offset = 0;
    std::size_t digits = 0;
    while (p < line.size() && is_hex(line[p])) offset = offset * 16 + static_cast<std::size_t>(hex_value(line[p++])), ++digits;
    if (digits != 8) return fail("offset is not 8 hex digits");
    if (offset != stream.size()) return fail("offset " + std::to_string(offset) + " but " + std::to_string(stream.size()) + " bytes before");
    std::size_t n = 0;
    while (p + 2 < line.size() && line[p] == ' ' && is_hex(line[p + 1]) && is_hex(line[p + 2])) {
      stream += static_cast<char>(hex_value(line[p + 1]) * 16 + hex_value(line[p + 2]));
      p += 3;
      ++n;
    }
    if (n == 0 || n > 16) return fail("no hex bytes, or more than 16");
    if (line.substr(p, 2) != "  " || line.size() - p - 2 != n) return fail("the ASCII column does not match the hex column");
  }
  return true;
}

std::size_t check_redaction(std::string_view v, std::vector<std::string>& problems) {
  static constexpr std::string_view keyword = "+ftppw";
  static constexpr std::string_view marker = "<redacted>";
  std::size_t markers = 0;
  for (std::size_t i = 0; i + keyword.size() <= v.size(); ++i) {
    bool match = true;
    for (std::size_t k = 0; k < keyword.size() && match; ++k) match = lower(v[i + k]) == keyword[k];
    if (!match) continue;
    std::size_t p = i + keyword.size();
    if (p >= v.size() || (v[p] != '=' && v[p] != ':')) continue;  // "+FTPPW?", "+FTPPWX": no argument
    ++p;
    if (p < v.size() && v[p] == ' ') ++p;
    const bool quoted = p < v.size() && v[p] == '"';
    if (quoted) ++p;
    const std::string_view rest = v.substr(p, marker.size());
    auto problem = [&](const char* what) {
      // Shows the keyword and what follows it, masked: only the byte count is given.
      std::size_t e = p;
      while (e < v.size() && v[e] != '\r' && v[e] != '\n') ++e;
      problems.push_back(std::string(what) + " at " + std::to_string(i) + ": `" + printable(v.substr(i, p - i)) + "` then " +
                         std::to_string(e - p) + " bytes to the line end (not shown)");
    };
    if (rest.size() < marker.size()) {
      if (marker.substr(0, rest.size()) != rest) problem("+FTPPW argument is not <redacted>");
      continue;  // the view ends inside the marker: nothing after it
    }
    if (rest != marker) {
      problem("+FTPPW argument is not <redacted>");
      continue;
    }
    p += marker.size();
    if (quoted && p < v.size() && v[p] == '"') ++p;
    if (p < v.size() && v[p] != '\r' && v[p] != '\n') {
      problem("bytes after <redacted> before the line end");
      continue;
    }
    ++markers;
  }
  return markers;
}

std::vector<std::pair<std::string, std::string>> views_of(const Artefact& a, std::vector<Problem>* problems) {
  std::vector<std::pair<std::string, std::string>> v;
  auto problem = [&](const std::string& view, const std::string& what) {
    if (problems) problems->push_back({a.name, view, what});
  };
  v.emplace_back(a.format == Format::tx_stream ? "raw TX stream" : a.format == Format::rx_stream ? "raw RX stream" : "raw", a.bytes);
  if (a.bytes.find('\\') != std::string::npos) v.emplace_back("escapes decoded", decode_escapes(a.bytes));
  if (a.bytes.find('%') != std::string::npos) v.emplace_back("percent decoded", decode_percent(a.bytes));
  v.emplace_back("hex decoded", decode_hex_runs(a.bytes));
  switch (a.format) {
    case Format::plain:
    case Format::tx_stream:
    case Format::rx_stream: break;
    case Format::text_trace: {
      std::string tx, rx, ev, why;
      if (!reassemble_trace(a.bytes, tx, rx, ev, why)) problem("trace streams", "unparseable trace: " + why);
      v.emplace_back("trace TX stream", std::move(tx));
      v.emplace_back("trace RX stream", std::move(rx));
      v.emplace_back("trace events", std::move(ev));
      break;
    }
    case Format::transcript: {
      const auto parsed = sim7080::transcript::parse_transcript(a.bytes);
      if (!parsed) {
        problem("transcript streams", "unparseable transcript: " + parsed.error.message);
        break;
      }
      std::string host, modem, headers;
      for (const auto& e : parsed->entries) {
        if (sim7080::transcript::is_host(e.kind)) host += sim7080::transcript::wire_bytes(e);
        if (sim7080::transcript::is_modem(e.kind)) modem += sim7080::transcript::wire_bytes(e);
      }
      for (const auto& [k, val] : parsed->headers) headers += k + ": " + val + "\n";
      v.emplace_back("transcript host stream", std::move(host));
      v.emplace_back("transcript modem stream", std::move(modem));
      v.emplace_back("transcript headers", std::move(headers));
      break;
    }
    case Format::json_lines: {
      std::string strings;
      std::size_t line_no = 0;
      std::size_t pos = 0;
      while (pos < a.bytes.size()) {
        std::size_t end = a.bytes.find('\n', pos);
        if (end == std::string::npos) end = a.bytes.size();
        const std::string_view line = std::string_view(a.bytes).substr(pos, end - pos);
        pos = end + 1;
        ++line_no;
        if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
        const auto j = cli_test::parse_json(line);
        if (!j) {
          problem("json strings", "line " + std::to_string(line_no) + " is not JSON");
          continue;
        }
        json_strings(*j, strings);
      }
      v.emplace_back("json strings", std::move(strings));
      break;
    }
  }
  return v;
}

void search(const Artefact& a, const std::vector<Secret>& secrets, SearchResult& into, const SearchOptions& options) {
  const std::size_t k = options.min_partial;
  // k-gram -> (secret, position) for secrets at least k long; shorter ones are matched whole.
  std::unordered_map<std::string_view, std::vector<std::pair<std::size_t, std::size_t>>> grams;
  std::vector<std::size_t> whole;
  for (std::size_t s = 0; s < secrets.size(); ++s) {
    const std::string& val = secrets[s].value;
    if (k == 0 || val.size() < k) {
      whole.push_back(s);
      continue;
    }
    for (std::size_t j = 0; j + k <= val.size(); ++j) grams[std::string_view(val).substr(j, k)].emplace_back(s, j);
  }
  auto add_hit = [&](const std::string& view, std::size_t s, std::size_t at, std::size_t len, std::size_t from) {
    Hit h;
    h.artefact = a.name;
    h.view = view;
    h.secret = s;
    h.offset = at;
    h.length = len;
    h.secret_from = from;
    into.hits.push_back(std::move(h));
  };
  // The context of each hit of one view, with every hit of that view masked.
  auto fill_contexts = [&](std::size_t first, const std::string& bytes) {
    std::vector<std::pair<std::size_t, std::size_t>> masked;
    for (std::size_t i = first; i < into.hits.size(); ++i) masked.emplace_back(into.hits[i].offset, i);
    std::sort(masked.begin(), masked.end());
    for (std::size_t i = first; i < into.hits.size(); ++i) {
      Hit& h = into.hits[i];
      const std::size_t b = h.offset > 40 ? h.offset - 40 : 0;
      const std::size_t e = std::min(bytes.size(), h.offset + h.length + 40);
      std::string ctx;
      std::size_t p = b;
      for (const auto& [at, idx] : masked) {
        const Hit& m = into.hits[idx];
        if (m.offset + m.length <= b || m.offset >= e) continue;
        const std::size_t from = std::max(m.offset, p);
        if (from > p) ctx += printable(std::string_view(bytes).substr(p, from - p));
        ctx += "«" + secrets[m.secret].label + "[" + std::to_string(m.secret_from) + ".." + std::to_string(m.secret_from + m.length) + ")»";
        p = std::max(p, m.offset + m.length);
      }
      if (e > p) ctx += printable(std::string_view(bytes).substr(p, e - p));
      h.context = std::move(ctx);
    }
  };

  for (auto& [view, bytes] : views_of(a, &into.problems)) {
    ++into.views;
    into.bytes += bytes.size();
    const std::size_t first_hit = into.hits.size();
    const std::string_view hay = bytes;
    if (!grams.empty() && hay.size() >= k) {
      for (std::size_t i = 0; i + k <= hay.size();) {
        const auto it = grams.find(hay.substr(i, k));
        if (it == grams.end()) {
          ++i;
          continue;
        }
        std::size_t best_len = 0, best_s = 0, best_j = 0;
        for (const auto& [s, j] : it->second) {
          const std::string& val = secrets[s].value;
          std::size_t len = k;
          while (i + len < hay.size() && j + len < val.size() && hay[i + len] == val[j + len]) ++len;
          if (len > best_len) best_len = len, best_s = s, best_j = j;
        }
        add_hit(view, best_s, i, best_len, best_j);
        i += best_len;
      }
    }
    for (std::size_t s : whole) {
      const std::string& val = secrets[s].value;
      if (val.empty()) continue;
      for (auto p = hay.find(val); p != std::string_view::npos; p = hay.find(val, p + val.size())) add_hit(view, s, p, val.size(), 0);
    }
    fill_contexts(first_hit, bytes);
    if (options.structure) {
      // Views where a `+FTPPW=` line is whole: streams, and logs/JSON/plain text as written.
      const bool whole_lines = is_stream_view(view) || view == "trace events" || view == "json strings" ||
                               (a.format == Format::plain && view != "hex decoded") || (a.format == Format::json_lines && view == "raw");
      if (whole_lines) {
        std::vector<std::string> found;
        const std::size_t m = check_redaction(hay, found);
        into.redaction_markers += m;
        if (is_stream_view(view)) (is_tx_view(view) ? into.tx_markers : into.rx_markers) += m;
        for (auto& f : found) into.problems.push_back({a.name, view, std::move(f)});
      }
    }
  }
}

std::string describe(const Hit& h, const std::vector<Secret>& secrets) {
  return h.artefact + " / " + h.view + " @" + std::to_string(h.offset) + ": " + std::to_string(h.length) + " of " +
         std::to_string(secrets[h.secret].value.size()) + " bytes of the " + secrets[h.secret].label + ": …" + h.context + "…";
}

}  // namespace secrets

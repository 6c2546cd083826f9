// The search itself: it finds a password in every encoding and split an artefact can hold, it
// flags a broken redaction, and it finds nothing in a clean, redacted conversation. Without
// these the zero-hit results of the other tests would prove nothing.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <sstream>

#include "cli_harness.hpp"
#include "cli_output.hpp"
#include "leak_search.hpp"
#include "secrets_support.hpp"
#include "sim7080/trace.hpp"
#include "sim7080/transcript.hpp"

namespace secrets {
namespace {

std::span<const std::byte> bytes_of(std::string_view s) { return {reinterpret_cast<const std::byte*>(s.data()), s.size()}; }

const std::vector<Secret>& the_secrets() {
  static const std::vector<Secret> s = secrets_for(kLongPassword);
  return s;
}

// Hits of secret `i` per view name.
std::map<std::string, std::size_t> hits_by_view(const Artefact& a, std::size_t i = 0, SearchOptions o = {}) {
  SearchResult r;
  search(a, the_secrets(), r, o);
  std::map<std::string, std::size_t> out;
  for (const Hit& h : r.hits)
    if (h.secret == i) ++out[h.view];
  return out;
}

bool whole_hit(const Artefact& a, const std::string& view, std::size_t i = 0) {
  SearchResult r;
  search(a, the_secrets(), r);
  for (const Hit& h : r.hits)
    if (h.secret == i && h.view == view && h.length == the_secrets()[i].value.size()) return true;
  return false;
}

TEST(LeakSearch, SecretsShareNoFourGramAndNoneIsInTheOthers) {
  std::vector<std::string> all = {kLongPassword, kShortPassword, kWrongPassword, kCanary};
  for (std::size_t a = 0; a < all.size(); ++a)
    for (std::size_t b = 0; b < all.size(); ++b) {
      if (a == b) continue;
      SearchResult r;
      search({"x", Format::plain, all[b]}, {{"s", all[a]}}, r, SearchOptions{4, false});
      EXPECT_TRUE(r.hits.empty()) << a << " in " << b;
    }
  EXPECT_LE(kLongPassword.size(), 49u);
  for (const char* must : {" ", ",", "\\", ";"}) EXPECT_NE(kLongPassword.find(must), std::string::npos) << must;
  EXPECT_NE(kShortPassword.find('\\'), std::string::npos);
  EXPECT_NE(kShortPassword.find(' '), std::string::npos);
}

// A text trace of an UNREDACTED password (make_text_trace redacts nothing itself: the traced
// stream does): split over two on_tx calls and over 16-byte trace lines.
TEST(LeakSearch, FindsAPasswordSplitAcrossTraceLinesAndCallbacks) {
  std::ostringstream out;
  auto trace = sim7080::make_text_trace(out);
  const auto now = std::chrono::steady_clock::now();
  const std::string line = "AT+FTPPW=\"" + kLongPassword + "\"\r";
  trace->on_tx(bytes_of(line.substr(0, 17)), now);
  trace->on_tx(bytes_of(line.substr(17)), now);
  trace->on_rx(bytes_of("\r\nOK\r\n"), now);
  const Artefact a{"synthetic unredacted trace", Format::text_trace, out.str()};
  // The ASCII column alone never holds the whole password (it is cut at 16-byte lines)...
  EXPECT_EQ(a.bytes.find(kLongPassword), std::string::npos);
  // ...the reassembled TX stream does, and the hex columns give it up in pieces.
  EXPECT_TRUE(whole_hit(a, "trace TX stream"));
  const auto v = hits_by_view(a);
  EXPECT_GT(v.count("hex decoded") ? v.at("hex decoded") : 0u, 0u);
  EXPECT_GT(v.count("raw") ? v.at("raw") : 0u, 0u) << "4-byte pieces in the ASCII column";
  // And the structure check flags it.
  SearchResult r;
  search(a, the_secrets(), r);
  EXPECT_FALSE(r.problems.empty());
}

TEST(LeakSearch, FindsAPasswordInATranscriptSplitOverRawLinesAndEscaped) {
  sim7080::transcript::Transcript t;
  using K = sim7080::transcript::EntryKind;
  const std::string echo = "AT+FTPPW=\"" + kLongPassword + "\"\r";
  t.entries.push_back({K::modem_raw, echo.substr(0, 20)});
  t.entries.push_back({K::modem_raw, echo.substr(20)});
  t.entries.push_back({K::modem_line, "OK"});
  const Artefact a{"synthetic transcript", Format::transcript, sim7080::transcript::format_transcript(t)};
  EXPECT_EQ(a.bytes.find(kLongPassword), std::string::npos) << "escaped and split: not there as written";
  EXPECT_TRUE(whole_hit(a, "transcript modem stream"));
  SearchResult r;
  search(a, the_secrets(), r);
  EXPECT_FALSE(r.problems.empty()) << "the echo's +FTPPW= argument is not <redacted>";
}

TEST(LeakSearch, FindsEscapedJsonHexAndPercentForms) {
  const std::string json = "{\"ok\":false,\"error\":\"" + sim7080::cli::json_escape(kLongPassword) + "\"}\n";
  const Artefact j{"json", Format::json_lines, json};
  EXPECT_EQ(json.find(kLongPassword), std::string::npos);
  EXPECT_TRUE(whole_hit(j, "json strings"));
  EXPECT_TRUE(whole_hit(j, "escapes decoded"));

  std::string upper_hex;
  for (char c : kLongPassword) {
    static const char* d = "0123456789ABCDEF";
    upper_hex += d[static_cast<unsigned char>(c) >> 4];
    upper_hex += d[static_cast<unsigned char>(c) & 15];
  }
  EXPECT_TRUE(whole_hit({"hex", Format::plain, "dump: " + upper_hex + "\n"}, "hex decoded"));
  EXPECT_TRUE(whole_hit({"spaced hex", Format::plain, "dump " + spaced_hex(kLongPassword) + " end\n"}, "hex decoded"));

  std::string pct;
  for (char c : kLongPassword) {
    static const char* d = "0123456789ABCDEF";
    pct += '%';
    pct += d[static_cast<unsigned char>(c) >> 4];
    pct += d[static_cast<unsigned char>(c) & 15];
  }
  EXPECT_TRUE(whole_hit({"url", Format::plain, "ftp://user:" + pct + "@host/\n"}, "percent decoded"));
}

TEST(LeakSearch, FindsFourBytePiecesButNotThree) {
  const std::string four = "noise " + kLongPassword.substr(9, 4) + " noise\n";
  const std::string three = "noise " + kLongPassword.substr(9, 3) + " noise\n";
  EXPECT_EQ(hits_by_view({"four", Format::plain, four}).count("raw"), 1u);
  EXPECT_EQ(hits_by_view({"three", Format::plain, three}).count("raw"), 0u);
  // A longer piece is reported once, with its full length.
  SearchResult r;
  search({"piece", Format::plain, "x" + kLongPassword.substr(5, 11) + "x"}, the_secrets(), r);
  ASSERT_FALSE(r.hits.empty());
  EXPECT_EQ(r.hits[0].view, "raw");
  EXPECT_EQ(r.hits[0].length, 11u);
  EXPECT_EQ(r.hits[0].secret_from, 5u);
  EXPECT_EQ(std::count_if(r.hits.begin(), r.hits.end(), [](const Hit& h) { return h.view == "raw"; }), 1);
  // The short (3-byte) password is matched whole; messages never print a secret.
  const std::vector<Secret> short_secrets = secrets_for(kShortPassword);
  SearchResult s;
  search({"short", Format::plain, "a" + kShortPassword + "b"}, short_secrets, s);
  ASSERT_GE(s.count(0), 1u);
  EXPECT_EQ(s.hits[0].view, "raw");
  EXPECT_EQ(std::count_if(s.hits.begin(), s.hits.end(), [](const Hit& h) { return h.view == "raw"; }), 1);
  EXPECT_EQ(describe(s.hits[0], short_secrets).find(kShortPassword), std::string::npos);
}

TEST(LeakSearch, StructureCheckCatchesAnyBytePastTheKeyword) {
  auto problems = [](const std::string& view) {
    std::vector<std::string> p;
    check_redaction(view, p);
    return p.size();
  };
  EXPECT_EQ(problems("AT+FTPPW=<redacted>\r"), 0u);
  EXPECT_EQ(problems("AT+FTPUN=\"u\";+FTPPW=<redacted>\r"), 0u);
  EXPECT_EQ(problems("\r\n+FTPPW: <redacted>\r\n"), 0u);
  EXPECT_EQ(problems("\r\n+FTPPW: \"<redacted>\"\r\n"), 0u);
  EXPECT_EQ(problems("AT+FTPPW?\r"), 0u);
  EXPECT_EQ(problems("AT+FTPPW=<reda"), 0u) << "the view ends inside the marker";
  EXPECT_EQ(problems("AT+FTPPW=\"x\"\r"), 1u) << "a one-byte password";
  EXPECT_EQ(problems("AT+FTPPW=\"\r"), 1u) << "the opening quote";
  EXPECT_EQ(problems("AT+FTPPW=<redacted>x\r"), 1u);
  EXPECT_EQ(problems("at+ftppw=x"), 1u) << "any case";
  EXPECT_EQ(problems("+FTPPW: \"p\"\r\n"), 1u);
}

TEST(LeakSearch, ACleanRedactedConversationHasNoHits) {
  std::ostringstream trace_out, rec_out;
  auto trace = sim7080::make_text_trace(trace_out);
  sim7080::transcript::TranscriptRecorder rec(rec_out);
  const auto now = std::chrono::steady_clock::now();
  for (const std::string s : {"AT+FTPUN=\"user\"\r", "AT+FTPPW=<redacted>\r", "AT+FTPGETNAME=\"a,b c\\\\d\"\r"}) {
    trace->on_tx(bytes_of(s), now);
    rec.on_tx(bytes_of(s), now);
    trace->on_rx(bytes_of("\r\nOK\r\n"), now);
    rec.on_rx(bytes_of("\r\nOK\r\n"), now);
  }
  rec.flush();
  for (const Artefact& a : {Artefact{"trace", Format::text_trace, trace_out.str()},
                            Artefact{"transcript", Format::transcript, rec_out.str()}}) {
    SearchResult r;
    search(a, the_secrets(), r);
    EXPECT_TRUE(r.hits.empty()) << a.name;
    EXPECT_TRUE(r.problems.empty()) << a.name << ": " << (r.problems.empty() ? "" : r.problems[0].what);
    EXPECT_EQ(r.tx_markers, 1u) << a.name;
  }
}

// The library's recorder redacts on its own (whatever reaches it): fed an unredacted command and
// its echo one byte at a time, its transcript holds no password.
TEST(LeakSearch, TranscriptRecorderRedactsBytewiseInput) {
  for (const std::string& pw : {kLongPassword, kShortPassword}) {
    std::ostringstream out;
    {
      sim7080::transcript::TranscriptRecorder rec(out);
      const auto now = std::chrono::steady_clock::now();
      const std::string cmd = "AT+FTPPW=\"" + pw + "\"\r";
      for (char c : cmd) rec.on_tx(bytes_of(std::string(1, c)), now);
      for (char c : cmd + "\r\nOK\r\n") rec.on_rx(bytes_of(std::string(1, c)), now);
    }
    const auto s = secrets_for(pw);
    SearchResult r;
    search({"recorder", Format::transcript, out.str()}, s, r);
    EXPECT_EQ(r.count(0), 0u) << password_label(pw);
    EXPECT_TRUE(r.problems.empty()) << (r.problems.empty() ? "" : r.problems[0].what);
    EXPECT_EQ(r.tx_markers, 1u);
    EXPECT_EQ(r.rx_markers, 1u);
  }
}

TEST(LeakSearch, TraceReassemblyChecksOffsetsAndColumns) {
  std::string tx, rx, ev, why;
  EXPECT_TRUE(reassemble_trace("0.000000 TX 00000000 41 54  AT\n0.000001 RX 00000000 0d  .\n0.1 EV hi\n", tx, rx, ev, why)) << why;
  EXPECT_EQ(tx, "AT");
  EXPECT_EQ(rx, "\r");
  EXPECT_EQ(ev, "hi\n");
  EXPECT_FALSE(reassemble_trace("0.000000 TX 00000002 41  A\n", tx, rx, ev, why)) << "a gap";
  EXPECT_FALSE(reassemble_trace("0.000000 TX 00000000 41  AB\n", tx, rx, ev, why)) << "columns differ";
}

}  // namespace
}  // namespace secrets

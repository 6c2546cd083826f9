#pragma once
// What the secrets tests share: the secrets, a ledger of artefacts searched, and the report.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "leak_search.hpp"

namespace secrets {

// The long password trips every escaping layer: spaces (word splitting, a transcript's trailing
// space rule), `,` (AT argument separator), `;` (AT command separator), `\` (transcript and JSON
// escape), `\\`, `|`, `#`, `!`, `=` (after `+FTPPW=`), `~`. 34 characters (the module allows 49).
inline const std::string kLongPassword = R"(Zq7 ,\Kv;Wm ~Xj|\\,Yg# Rb!Tc_Lw=Hp)";
// The short one: three bytes, backslash and space among them (whole match only, see leak_search.hpp).
inline const std::string kShortPassword = R"(\ ~)";
// What the failing-login cases send: a secret too.
inline const std::string kWrongPassword = R"(Wr0ng ,\Pw;Nq ~Dx|Fv)";
// A canary: a remote file name built like the password (same character classes, no 4-gram in
// common with any secret) that the tools print and trace legitimately. Finding it in each kind
// of artefact proves the search reads and decodes that artefact; the password, sent through the
// same channels, must not be found.
inline const std::string kCanary = R"(Cn8;Jd, Fm\Ub ~Ek|Gs#\\Ny!Ot=Vi_)";

inline std::string password_label(const std::string& pw) { return pw == kLongPassword ? "long" : "short"; }

/// The secrets searched for while `password` is in use: it, the other test password and the
/// wrong one (secrets 0..2, none may be found), and the canary (index 3, must be found where expected).
inline std::vector<Secret> secrets_for(const std::string& password) {
  return {{"password", password},
          {"other test password", password == kLongPassword ? kShortPassword : kLongPassword},
          {"wrong password", kWrongPassword},
          {"canary", kCanary}};
}
inline constexpr std::size_t kCanaryIndex = 3;

/// True when no secret (nor its 4-grams) occurs in `data`: a precondition on test contents, so
/// that a hit can only come from a leak.
inline ::testing::AssertionResult clean_content(const std::string& data) {
  SearchResult r;
  search({"content", Format::plain, data}, {{"long", kLongPassword}, {"short", kShortPassword}, {"wrong", kWrongPassword}},
         r, SearchOptions{4, false});
  if (r.hits.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "test content holds a secret's bytes; pick another seed";
}

/// Artefacts of one test with what each must show.
class Ledger {
 public:
  explicit Ledger(std::vector<Secret> secrets) : secrets_(std::move(secrets)) {}

  /// Adds an artefact. `canary`: it must contain the canary (proof the search sees into it).
  void add(std::string name, Format format, std::string bytes, bool canary = false) {
    artefacts_.push_back({std::move(name), format, std::move(bytes)});
    canary_expected_.push_back(canary);
  }

  /// Searches everything; fails the test on any secret hit, any problem, or a missing canary.
  /// Returns the combined result.
  SearchResult check() {
    SearchResult all;
    for (std::size_t i = 0; i < artefacts_.size(); ++i) {
      SearchResult one;
      search(artefacts_[i], secrets_, one);
      for (const Hit& h : one.hits) {
        if (h.secret == kCanaryIndex) continue;
        ADD_FAILURE() << "LEAK: " << describe(h, secrets_);
      }
      for (const Problem& p : one.problems) ADD_FAILURE() << "PROBLEM: " << p.artefact << " / " << p.view << ": " << p.what;
      const std::size_t canaries = one.count(kCanaryIndex);
      if (canary_expected_[i]) {
        EXPECT_GT(canaries, 0u) << "the canary is not found in " << artefacts_[i].name
                                << ": the search does not see into this artefact";
      }
      per_kind_[kind_of(artefacts_[i].name)].push_back({artefacts_[i].bytes.size(), one.hits.size() - canaries, canaries});
      all.hits.insert(all.hits.end(), one.hits.begin(), one.hits.end());
      all.problems.insert(all.problems.end(), one.problems.begin(), one.problems.end());
      all.views += one.views;
      all.bytes += one.bytes;
      all.redaction_markers += one.redaction_markers;
      all.tx_markers += one.tx_markers;
      all.rx_markers += one.rx_markers;
    }
    return all;
  }

  /// "trace: 52 files, 812345 bytes, 0 hits, canary in 12" per artefact kind.
  std::string summary() const {
    std::ostringstream out;
    for (const auto& [kind, items] : per_kind_) {
      std::size_t bytes = 0, hits = 0, canary = 0;
      for (const auto& it : items) bytes += it.bytes, hits += it.hits, canary += it.canary ? 1 : 0;
      out << kind << ": " << items.size() << " × " << bytes << " B, " << hits << " secret hits, canary in " << canary << "; ";
    }
    return out.str();
  }

  std::size_t artefacts() const { return artefacts_.size(); }
  const std::vector<Secret>& secrets() const { return secrets_; }

 private:
  struct Item { std::size_t bytes, hits, canary; };
  static std::string kind_of(const std::string& name) {
    const auto bar = name.rfind(" :: ");
    return bar == std::string::npos ? name : name.substr(bar + 4);
  }
  std::vector<Secret> secrets_;
  std::vector<Artefact> artefacts_;
  std::vector<bool> canary_expected_;
  std::map<std::string, std::vector<Item>> per_kind_;
};

/// Appends a line to $SECRETS_REPORT (if set): the coverage table the docs are built from.
inline void report_line(const std::string& line) {
  std::cout << "[secrets] " << line << "\n";
  if (const char* path = std::getenv("SECRETS_REPORT")) std::ofstream(path, std::ios::app) << line << "\n";
}

}  // namespace secrets

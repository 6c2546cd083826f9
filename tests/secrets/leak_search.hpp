#pragma once
// Searching artefacts (trace files, transcripts, stdout/stderr, JSON, raw sink bytes, logs) for
// secrets, soundly: a secret is found however the artefact encodes or splits it.
//
// What one search covers, for every artefact:
//  - views: the raw bytes; the same with escapes decoded (transcript `\\ \r \n \t \xHH`, JSON
//    `\" \\ \/ \uXXXX`); every run of hex digits decoded to bytes (spaced `41 54 0d` as in the
//    trace's hex column, and contiguous `41540d` at both alignments, any case); and per format:
//    a text trace reassembled into its TX and RX byte streams from the hex columns (a chunk
//    longer than 16 bytes is wrapped over several lines, so a flat search would miss a secret
//    that straddles two lines); a transcript parsed and its entries' wire bytes joined per
//    direction (`<<`/`>>` lines wrap after 64 bytes); JSON lines parsed, their strings joined.
//  - needles: the whole secret, and every substring of it of `min_partial` (4) or more bytes
//    (found through the secret's 4-grams: a view holds a k-byte substring, k >= 4, iff it holds
//    one of its 4-grams, so one hash lookup per byte is exact). Shorter fragments are not
//    searched as text (three letters occur naturally); instead every view that is a stream or a
//    log line gets the structural check below, which catches a leak of any length at the place
//    a password can appear.
//  - structure: after every `+FTPPW=` / `+FTPPW:` (any case) comes exactly `<redacted>`
//    (optionally after one space, optionally in quotes) and then a line end or the end of the
//    view: no byte of a password, not even its opening quote.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace secrets {

/// One thing that must (or, for canaries, must) show up: a label for messages and the bytes.
struct Secret {
  std::string label;  ///< "password", "wrong password", "canary", ...
  std::string value;
};

/// How an artefact encodes what it holds.
enum class Format {
  plain,       ///< stdout, stderr, logs, raw bytes
  text_trace,  ///< sim7080::make_text_trace output (`time dir offset hex  ascii` lines)
  transcript,  ///< an `.at` transcript (the library's recorder or the emulator's --record)
  json_lines,  ///< one JSON value per line (sim7080-ftp --json)
  tx_stream,   ///< raw host-to-modem bytes (a TraceSink's on_tx calls, concatenated)
  rx_stream,   ///< raw modem-to-host bytes (on_rx calls, concatenated)
};
const char* name(Format f);

struct Artefact {
  std::string name;  ///< where it came from, for messages
  Format format = Format::plain;
  std::string bytes;
};

/// One occurrence of (part of) a secret. The secret's bytes are never copied into messages:
/// `describe()` shows the match as «label[from..to)».
struct Hit {
  std::string artefact;
  std::string view;             ///< "raw", "escapes decoded", "hex decoded", "trace TX stream", ...
  std::size_t secret = 0;       ///< index into the secrets searched for
  std::size_t offset = 0;       ///< in the view
  std::size_t length = 0;       ///< bytes matched (the secret's length = a whole match)
  std::size_t secret_from = 0;  ///< first byte of the secret matched
  std::string context;          ///< the view around the match, the match itself masked
};

/// A finding that is not a substring match: a broken redaction marker, an unparseable file.
struct Problem {
  std::string artefact;
  std::string view;
  std::string what;
};

struct SearchResult {
  std::vector<Hit> hits;
  std::vector<Problem> problems;
  std::size_t views = 0;        ///< views searched
  std::size_t bytes = 0;        ///< bytes searched over all views
  std::size_t redaction_markers = 0;  ///< `+FTPPW=<redacted>` / `+FTPPW:<redacted>` seen (all views)
  std::size_t tx_markers = 0;   ///< ... of them in a host-to-modem stream view (trace TX, transcript host)
  std::size_t rx_markers = 0;   ///< ... in a modem-to-host stream view (the echo, the read reply)
  /// Hits of secret `i`.
  std::size_t count(std::size_t i) const;
};

struct SearchOptions {
  std::size_t min_partial = 4;  ///< substrings this long and longer are searched (0 = whole only)
  bool structure = true;        ///< run the `+FTPPW` structural check
};

/// The views of `a` (name, bytes) as described at the top of this file.
std::vector<std::pair<std::string, std::string>> views_of(const Artefact& a, std::vector<Problem>* problems = nullptr);

/// Searches every view of `a` for every secret. Appends to `into`.
void search(const Artefact& a, const std::vector<Secret>& secrets, SearchResult& into, const SearchOptions& options = {});

/// A readable line for a hit ("artefact / view @offset: 7 bytes «password[3..10)» in ...").
std::string describe(const Hit& h, const std::vector<Secret>& secrets);

/// Helpers, exposed for the self-tests.
std::string decode_escapes(std::string_view s);  ///< lenient: unknown escapes stay as written
std::string decode_hex_runs(std::string_view s); ///< every hex run decoded, runs separated by NUL
/// The TX and RX byte streams of a text trace; false (with `why`) when a line does not parse.
bool reassemble_trace(std::string_view text, std::string& tx, std::string& rx, std::string& events, std::string& why);
/// The structural check on one view: problems for every `+FTPPW=`/`:` not followed by `<redacted>`.
std::size_t check_redaction(std::string_view view, std::vector<std::string>& problems);

/// Lower-case spaced hex ("5a 71 37"), as the trace's hex column writes bytes.
std::string spaced_hex(std::string_view bytes);

}  // namespace secrets

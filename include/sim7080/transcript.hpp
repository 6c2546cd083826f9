#pragma once
/// @file transcript.hpp
/// AT transcripts: one conversation between the host and a SIM7080 on the serial line, in wire
/// order, as readable `.at` text (format version 1, shared/spec/transcript-format.md).
///
/// Users record transcripts for bug reports with TranscriptRecorder (a TraceSink); tests parse
/// them with parse_transcript() and replay them against the library. In short:
///
///     #! title: download a small file        header (only before the first entry line)
///     # any comment                           ignored, as are blank lines
///     > AT+FTPGET=1                           host line: payload + CR
///     >> hello                                host data: payload as is
///     < +FTPGET: 1,1                          modem line: CR LF payload CR LF (bare `<`: CR LF CR LF)
///     << 0123456789\r\n                       modem raw bytes: payload as is
///     ~ 75s                                   time passes (`ms` or `s`)
///
/// Payload escapes: `\r` `\n` `\t` `\\` and `\xHH`; every other byte stands for itself.
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "sim7080/trace.hpp"

namespace sim7080::transcript {

/// What a transcript line stands for.
enum class EntryKind {
  host_line,   ///< `>`  host to modem: payload, then CR (a command line)
  host_data,   ///< `>>` host to modem: payload as is (upload data, ETX streams)
  modem_line,  ///< `<`  modem to host: CR LF, payload, CR LF (response, final result, URC)
  modem_raw,   ///< `<<` modem to host: payload as is (echo, counted payloads, odd framing)
  pause,       ///< `~`  time passes with no bytes
};

/// The line marker of `kind`: ">", ">>", "<", "<<" or "~".
std::string_view marker(EntryKind kind) noexcept;

/// True for the kinds the host writes (`>`, `>>`).
constexpr bool is_host(EntryKind kind) noexcept { return kind == EntryKind::host_line || kind == EntryKind::host_data; }
/// True for the kinds the modem sends (`<`, `<<`).
constexpr bool is_modem(EntryKind kind) noexcept { return kind == EntryKind::modem_line || kind == EntryKind::modem_raw; }

/// One conversation line: its kind, its unescaped payload, and for `~` the duration.
struct Entry {
  EntryKind kind = EntryKind::host_line;  ///< the line's marker
  std::string bytes;                   ///< unescaped payload (empty for `~` and bare `<`)
  std::chrono::milliseconds pause{0};  ///< duration of a `~` entry; 0 for every other kind
  std::size_t line = 0;                ///< 1-based source line number; 0 when not parsed from text

  /// Compares kind, bytes and pause. The line number is provenance, not content, so
  /// `parse_transcript(format_transcript(t)) == t` holds although lines move.
  friend bool operator==(const Entry& a, const Entry& b) noexcept {
    return a.kind == b.kind && a.bytes == b.bytes && a.pause == b.pause;
  }
};

/// One `#! key: value` header; the value is kept as written (headers are not escaped, except
/// where a key's meaning says so, e.g. `expect-output`: use unescape_bytes()).
using Header = std::pair<std::string, std::string>;

/// A parsed transcript: ordered headers and the entries in wire order. Comments and blank
/// lines are not kept.
struct Transcript {
  std::vector<Header> headers;  ///< `#!` headers, in file order
  std::vector<Entry> entries;   ///< the conversation, in wire order

  /// The value of the first header named `key` (exact, case-sensitive match), if any.
  std::optional<std::string> header(std::string_view key) const;

  /// Equal headers (in order) and equal entries (line numbers aside).
  friend bool operator==(const Transcript&, const Transcript&) = default;
};

/// Why a transcript did not parse (category "sim7080.transcript").
enum class TranscriptErrc {
  unknown_marker = 1,  ///< a line starts with something other than `#`, `#!`, `>`, `>>`, `<`, `<<`, `~`
  missing_space,       ///< a marker is followed by a character other than a space
  bad_escape,          ///< a payload escape other than `\r` `\n` `\t` `\\` `\xHH`, or a lone `\` at the end
  misplaced_header,    ///< a `#!` header after the first entry line
  bad_header,          ///< a `#!` line that is not `#! key: value` (key: letters, digits, `-`, `_`, `.`)
  bad_pause,           ///< a `~` line that is not `~ <digits>ms` or `~ <digits>s`, or overflows
};

/// The "sim7080.transcript" error category.
const std::error_category& transcript_category() noexcept;
/// Makes TranscriptErrc usable as a std::error_code.
inline std::error_code make_error_code(TranscriptErrc e) noexcept { return {static_cast<int>(e), transcript_category()}; }

/// A parse failure: the typed code, a message naming the line and the problem, and the line.
struct ParseError {
  std::error_code code;  ///< a TranscriptErrc
  std::string message;   ///< e.g. "line 7: unknown escape `\q`"
  std::size_t line = 0;  ///< 1-based line number of the offending line
};

/// The result of parse_transcript(): a transcript, or the first error. Never throws.
struct ParseResult {
  std::optional<Transcript> transcript;  ///< engaged on success
  ParseError error;                      ///< meaningful only on failure

  /// True when parsing succeeded.
  bool ok() const noexcept { return transcript.has_value(); }
  /// Same as ok().
  explicit operator bool() const noexcept { return ok(); }
  /// The transcript; only on success.
  const Transcript& operator*() const& { return *transcript; }
  /// The transcript, moved out (`auto t = *parse_transcript(text);`); only on success.
  Transcript&& operator*() && { return std::move(*transcript); }
  /// Member access to the transcript; only on success.
  const Transcript* operator->() const { return &*transcript; }
};

/// Parses `.at` text. Lines end in LF (a CR before the LF is dropped, so CRLF files read the
/// same); blank lines and `#` comments may appear anywhere, `#!` headers only before the first
/// entry line. One space separates the marker from the payload; unescaped spaces and tabs at
/// the end of a line are dropped (write a trailing space as `\x20`). Stops at the first error.
ParseResult parse_transcript(std::string_view text);

/// Writes `t` as `.at` text: headers first, then one line per entry; payloads escaped with
/// escape_bytes(), pauses as `~ <n>s` when whole seconds, else `~ <n>ms`. Header values are
/// written as they are (an LF in one, which no parsed value has, becomes a space).
/// `parse_transcript(format_transcript(t))` gives back `t` for every `t` that parse produced.
std::string format_transcript(const Transcript& t);

/// The bytes `e` stands for on the wire: `>` payload + CR; `>>` and `<<` the payload;
/// `<` CR LF payload CR LF (so a bare `<` is CR LF CR LF); `~` nothing.
std::string wire_bytes(const Entry& e);

/// Escapes bytes for a payload: `\\`, `\r`, `\n`, `\t`; printable ASCII (0x20–0x7E) as is;
/// everything else as `\xHH` (lower-case hex); a final space as `\x20`.
std::string escape_bytes(std::string_view bytes);

/// Undoes escape_bytes() (also accepts upper-case hex); empty on a malformed escape.
std::optional<std::string> unescape_bytes(std::string_view text);

/// How TranscriptRecorder lays out what it sees.
struct RecorderOptions {
  /// A gap of at least this much between two chunks is written as a `~` line.
  std::chrono::milliseconds min_pause{1000};
  /// Write `~` lines at all (off: timing is not recorded).
  bool record_pauses = true;
  /// The longest text recognised as one `<` line; longer lines are written as `<<`.
  std::size_t max_line_bytes = 1024;
  /// `<<` and `>>` lines wrap after this many bytes, and after an LF that ends some content.
  std::size_t raw_line_bytes = 64;
};

/// A TraceSink that writes the traffic it sees as `.at` text to an std::ostream, as it flows.
///
/// Host writes: a chunk that starts with `AT` (any case), ends with one CR and holds no other
/// CR or LF becomes a `>` line; any other chunk becomes `>>` lines. Modem output is split into
/// `CR LF <printable text> CR LF` units, written as `<` lines, and everything else (echo,
/// payloads, stray bytes) written as `<<` lines; the result does not depend on how the modem
/// output was chunked. Undecided modem bytes (a line not yet ended, at most
/// `max_line_bytes` + 3, and the current `<<` line, at most `raw_line_bytes`) are held until
/// decided, until the host writes (they arrived first, so they are written first, as `<<`),
/// until a pause, or until flush().
///
/// Passwords: both directions pass a password redactor, so whatever form reaches the sink
/// (`AT+FTPPW="secret"`, or already `AT+FTPPW=<redacted>` from the transport), the file shows
/// `> AT+FTPPW=<redacted>`; an echoed password is masked the same way.
///
/// Channel events (on_event) become `# event: ...` comments. Not thread-safe: call it from one
/// executor, as TraceSink requires. The stream must outlive the recorder.
class TranscriptRecorder final : public TraceSink {
 public:
  /// Starts a transcript on `out`, writing `headers` (e.g. title, source, call) right away.
  explicit TranscriptRecorder(std::ostream& out, std::vector<Header> headers = {}, RecorderOptions options = {});
  /// Writes what is still held (flush()).
  ~TranscriptRecorder() override;
  TranscriptRecorder(const TranscriptRecorder&) = delete;
  TranscriptRecorder& operator=(const TranscriptRecorder&) = delete;

  /// Records host bytes (redacted) as `>` or `>>` lines.
  void on_tx(std::span<const std::byte> bytes, std::chrono::steady_clock::time_point when) override;
  /// Records modem bytes as `<` and `<<` lines.
  void on_rx(std::span<const std::byte> bytes, std::chrono::steady_clock::time_point when) override;
  /// Records a channel event as a `# event: ...` comment.
  void on_event(std::string_view text, std::chrono::steady_clock::time_point when) override;

  /// Writes every held byte and flushes the stream; meant for the end of a conversation
  /// (bytes held as a possible `+FTPPW` start are released, and the rest of that line is then
  /// treated as a password).
  void flush();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sim7080::transcript

namespace std {
template <> struct is_error_code_enum<sim7080::transcript::TranscriptErrc> : true_type {};
}  // namespace std

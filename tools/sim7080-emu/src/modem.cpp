// Modem core: input modes (command line, counted host data, ETX-terminated stream, held while
// the module streams), final result codes, reboot and the --restart-after-bytes trigger.
#include "modem.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>

namespace sim7080emu {

namespace {
constexpr std::size_t kMaxAfterAt = 559;  // §1.1 line limit after the "AT" prefix
constexpr std::size_t kLineCap = 4096;    // memory bound; longer lines are refused anyway
}  // namespace

Modem::Modem(const Options& opt, WireWriter& w, Recorder& rec, EventQueue& ev)
    : opt_(opt), w_(w), rec_(rec), ev_(ev) {
  build_table();
  ipr_ = opt.baud;
  restart_armed_ = opt.restart_after_bytes.has_value();
  drop_armed_ = opt.drop_after_bytes.has_value();
  silent_armed_ = opt.silent_after_bytes.has_value();
  bad_length_armed_ = !opt.bad_length.empty();
  if (!opt.fs_root.empty()) {
    fs_root_ = opt.fs_root;
  } else {
    char tmpl[] = "/tmp/sim7080-emu-fs-XXXXXX";
    if (char* d = mkdtemp(tmpl)) {
      fs_root_ = d;
      fs_root_is_temp_ = true;
    }
  }
  for (const char* d : {"custapp", "fota", "datatx", "customer"})
    std::filesystem::create_directories(std::filesystem::path(fs_root_) / d);
  boot(false);
  if (opt.bearer_up) pdp_[0].active = true;
}

Modem::~Modem() {
  if (session_) retire(std::move(session_));
  for (auto& z : zombies_) {
    z->t->abort();
    if (z->worker.joinable()) z->worker.join();
  }
  if (fs_root_is_temp_) {
    std::error_code ec;
    std::filesystem::remove_all(fs_root_, ec);
  }
}

// ---------------------------------------------------------------- input

void Modem::on_input(const char* p, std::size_t n) {
  host_seen_ = true;
  if (silent_) {  // --silent-after-bytes (fault_knobs.cpp)
    const std::size_t used = consume_silent(p, n);
    p += used;
    n -= used;
  }
  while (n > 0) {
    std::size_t used = 0;
    switch (mode_) {
      case InputMode::Line: used = consume_line(p, n); break;
      case InputMode::Counted: used = consume_counted(p, n); break;
      case InputMode::Etx: used = consume_etx(p, n); break;
      case InputMode::Held:
        // The module is streaming (FTPETGET): the host must not talk; keep its bytes for later.
        held_.append(p, n);
        used = n;
        break;
    }
    p += used;
    n -= used;
  }
}

std::size_t Modem::consume_line(const char* p, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    char c = p[i];
    if (c == '\r') {
      std::string line = std::move(line_);
      std::size_t len = line_len_;
      line_.clear();
      line_len_ = 0;
      if (len > kLineCap) {
        rec_.host_line(line.substr(0, 64) + "...");
        write_final(plain_error());
      } else {
        handle_line(line);
      }
      return i + 1;  // the mode may have changed: let on_input re-dispatch the rest
    }
    if (c == '\n' && line_len_ == 0) continue;  // the LF of a CR LF pair
    ++line_len_;
    if (line_.size() < kLineCap) line_ += c;
  }
  return n;
}

std::size_t Modem::consume_counted(const char* p, std::size_t n) {
  std::size_t take = std::min(n, counted_.need - counted_.buf.size());
  counted_.buf.append(p, take);
  rec_.host_data(std::string_view(p, take));
  if (counted_.buf.size() == counted_.need) {
    auto done_fn = std::move(counted_.done);
    std::string data = std::move(counted_.buf);
    back_to_line_mode();
    count_payload(data.size());
    done_fn(std::move(data));
    check_restart();
  }
  return take;
}

std::size_t Modem::consume_etx(const char* p, std::size_t n) {
  std::size_t i = 0;
  bool end = false;
  for (; i < n && !end; ++i) {
    auto b = static_cast<unsigned char>(p[i]);
    if (etx_escaped_) {
      etx_out_ += static_cast<char>(b);
      etx_escaped_ = false;
    } else if (b == 0x10) {
      etx_escaped_ = true;
    } else if (b == 0x03) {
      end = true;
    } else {
      etx_out_ += static_cast<char>(b);
    }
  }
  rec_.host_data(std::string_view(p, i));
  if (session_ && session_->op == Op::EtPut) session_->t->push_upload(etx_out_);
  count_payload(etx_out_.size());
  etx_out_.clear();
  if (end) {
    back_to_line_mode();
    w_.line("OK");
    if (session_ && session_->op == Op::EtPut) {
      session_->put_closing = true;
      session_->t->finish_upload();
    }
  }
  check_restart();
  return i;
}

void Modem::enter_counted(std::size_t n, std::uint32_t timeout_ms,
                          std::function<void(std::string&&)> done_fn,
                          std::function<void()> timeout_fn) {
  mode_ = InputMode::Counted;
  counted_ = Counted{n, {}, Clock::now() + std::chrono::milliseconds(timeout_ms),
                     std::move(done_fn), std::move(timeout_fn)};
  w_.set_noise_allowed(false);
}

void Modem::back_to_line_mode() {
  mode_ = InputMode::Line;
  w_.set_noise_allowed(true);
}

// ---------------------------------------------------------------- command lines

void Modem::handle_line(const std::string& line) {
  // Never let the password reach the transcript (the wire itself carries what the host sent).
  // `+FTPPW=` may stand anywhere: `AT+FTPUN="u";+FTPPW="p"` is one line (spec §1.1).
  std::string upper = line;
  for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  const auto pw_at = upper.find("+FTPPW=");
  const std::size_t value_at = pw_at == std::string::npos ? 0 : pw_at + 7;
  const bool is_pw = pw_at != std::string::npos && line.compare(value_at, std::string::npos, "?") != 0;
  std::string shown = is_pw ? line.substr(0, value_at) + "<redacted>" : line;
  rec_.host_line(shown);
  if (opt_.verbose) std::fprintf(stderr, "[at] > %s\n", shown.c_str());
  if (echo_) w_.raw(line + "\r", is_pw ? shown + "\r" : std::string());
  if (line.empty()) return;
  // The answer leaves the latency after the line's last byte arrived (the main loop holds the
  // writer until then); the work below happens meanwhile instead of adding to it.
  if (opt_.latency_ms > 0)
    w_.hold_until(w_.held_until() + std::chrono::milliseconds(opt_.latency_ms));
  if (line.size() < 2 || std::toupper(static_cast<unsigned char>(line[0])) != 'A' ||
      std::toupper(static_cast<unsigned char>(line[1])) != 'T') {
    return;  // V.250: anything not starting with AT is discarded silently
  }
  if (line.size() - 2 > kMaxAfterAt) {
    write_final(plain_error());
    return;
  }
  auto cmds = parse_at_commands(std::string_view(line).substr(2));
  if (!cmds) {
    write_final(cme(603));  // Syntax Error
  } else if (cmds->size() > 39) {
    write_final(plain_error());
  } else {
    Reply r = ok();
    for (const auto& c : *cmds) {
      r = dispatch(c);
      if (r.f != Final::Ok) break;
    }
    write_final(r);
  }
  check_restart();
  pump();
}

std::string Modem::cme_text(int code) const {
  static const std::map<int, const char*> texts = {
      {3, "operation not allowed"}, {4, "operation not supported"}, {100, "unknown"},
      {601, "Unrecognized Command"}, {603, "Syntax Error"}, {604, "Unspecified Error"},
      {765, "Invalid input value"}, {767, "Operation failed"},
      {791, "Param count not enough"}, {792, "Param count beyond"},
      {793, "Param value range beyond"}};
  auto it = texts.find(code);
  return it != texts.end() ? it->second : "unknown";
}

void Modem::write_final(Reply r) {
  switch (r.f) {
    case Final::Ok: w_.line("OK"); break;
    case Final::Error: w_.line("ERROR"); break;
    case Final::Cme:
      if (cmee_ == 0) {
        w_.line("ERROR");
      } else if (cmee_ == 1) {
        w_.line(fmt::format("+CME ERROR: {}", r.cme));
      } else {
        w_.line("+CME ERROR: " + cme_text(r.cme));
      }
      break;
    case Final::Done: break;
  }
  auto actions = std::move(after_final_);
  after_final_.clear();
  for (auto& a : actions) a();
}

std::string Modem::ftp_line(std::string_view prefix, std::string_view body) const {
  return fmt::format("{}:{}{}", prefix, opt_.no_space ? "" : " ", body);
}

// ---------------------------------------------------------------- reboot

void Modem::boot(bool emit_urcs) {
  if (session_) retire(std::move(session_));
  echo_ = opt_.echo;
  cmee_ = 0;
  ifc_[0] = ifc_[1] = 0;
  cfun_ = 1;
  cfgri_ = 0;
  cgdcont_.clear();
  for (auto& p : pdp_) p = PdpContext{};
  ftp_ = FtpSettings{};
  extput_mode_ = 0;
  extput_buf_.clear();
  extget_mode_ = 0;
  extget_ram_.reset();
  tofs_ = ToFs{};
  cfs_init_ = false;
  mode_ = InputMode::Line;
  line_.clear();
  line_len_ = 0;
  held_.clear();
  etx_out_.clear();
  etx_escaped_ = false;
  pending_.clear();
  after_final_.clear();
  w_.set_noise_allowed(true);
  w_.set_baud(ipr_);  // AT+IPR is AUTO_SAVE: it survives the reboot
  if (emit_urcs) {
    if (opt_.verbose) std::fprintf(stderr, "[emu] module reboot\n");
    for (const char* u : {"RDY", "+CFUN: 1", "+CPIN: READY", "SMS Ready"}) w_.line(u);
  }
}

void Modem::count_payload(std::size_t n) {
  xfer_bytes_ += n;
  if (restart_armed_ && xfer_bytes_ >= *opt_.restart_after_bytes) restart_pending_ = true;
  // (N = 0 means at the opening OK: start_session)
  if (silent_armed_ && *opt_.silent_after_bytes > 0 && xfer_bytes_ >= *opt_.silent_after_bytes)
    silent_pending_ = true;
}

void Modem::check_restart() {
  check_silent();
  if (!restart_pending_ || mode_ != InputMode::Line) return;
  restart_pending_ = false;
  restart_armed_ = false;  // one-shot, so a driver's retry can succeed
  boot(true);
}

// ---------------------------------------------------------------- events and timers

void Modem::on_events() {
  for (auto& e : ev_.drain()) pending_.push_back(std::move(e));
  // Host data phases own the channel: session URCs wait until the command has completed.
  if (mode_ == InputMode::Counted || mode_ == InputMode::Etx) return;
  while (!pending_.empty()) {
    Event e = std::move(pending_.front());
    pending_.pop_front();
    handle_event(e);
  }
  pump();
}

void Modem::on_tick() {
  if (silent_ && opt_.silent_ms > 0 && Clock::now() >= silent_until_) end_silence();
  if (mode_ == InputMode::Counted && Clock::now() >= counted_.deadline) {
    auto fn = std::move(counted_.timeout);
    rec_.comment("host data timed out");
    back_to_line_mode();
    if (fn) fn();
  }
  on_events();
  if (mode_ == InputMode::Line) w_.tick_noise();
}

}  // namespace sim7080emu

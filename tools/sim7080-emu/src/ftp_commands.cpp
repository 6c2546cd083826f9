// Front-ends of the FTP commands (§3): setters with their ranges, operation openers, and the
// synchronous data paths (FTPGET=2 / FTPLIST=2 reads, FTPPUT=2 / FTPEXTPUT=2 host data,
// FTPEXTGET=3 RAM reads, FTPETPUT=2 transparent input).
#include <fmt/format.h>

#include <chrono>
#include <filesystem>

#include "modem.hpp"

namespace sim7080emu {

namespace {

std::optional<std::uint64_t> num(const AtCommand& c, std::size_t i) {
  if (i >= c.args.size() || c.args[i].quoted) return std::nullopt;
  return parse_uint(c.args[i].text);
}

// IRA only: no quotes, control or non-ASCII characters (§3.13).
bool printable(const std::string& s) {
  for (char ch : s) {
    auto u = static_cast<unsigned char>(ch);
    if (u < 0x20 || u > 0x7e || ch == '"') return false;
  }
  return true;
}

constexpr std::uint64_t k320k = 320 * 1024;
// The module's buffer for AT+FTPPUT data on its way to the server.
constexpr std::size_t kPutBuffer = 64 * 1024;

struct NumSetter {
  std::uint64_t FtpSettings::*field;
  std::uint64_t lo, hi;
  const char* test;
};
struct StrSetter {
  std::string FtpSettings::*field;
  std::size_t maxlen;
  const char* test;
  std::vector<std::string> choices;  // empty: free text
};

const std::map<std::string, NumSetter>& num_setters() {
  static const std::map<std::string, NumSetter> m = {
      {"+FTPPORT", {&FtpSettings::port, 1, 65535, "(1-65535)"}},
      {"+FTPMODE", {&FtpSettings::mode, 0, 1, "(0,1)"}},
      {"+FTPCID", {&FtpSettings::cid, 0, 3, "(0-3)"}},
      {"+FTPREST", {&FtpSettings::rest, 0, 4294967295ULL, "(0-4294967295)"}},
  };
  return m;
}

const std::map<std::string, StrSetter>& str_setters() {
  static const std::map<std::string, StrSetter> m = {
      {"+FTPTYPE", {&FtpSettings::type, 1, "(\"A\",\"I\")", {"A", "I"}}},
      {"+FTPPUTOPT", {&FtpSettings::putopt, 4, "(\"APPE\",\"STOU\",\"STOR\")",
                      {"APPE", "STOU", "STOR"}}},
      {"+FTPSERV", {&FtpSettings::serv, 49, "(0-49)", {}}},
      {"+FTPUN", {&FtpSettings::un, 49, "49", {}}},
      {"+FTPPW", {&FtpSettings::pw, 49, "49", {}}},
      {"+FTPGETNAME", {&FtpSettings::getname, 64, "64", {}}},
      {"+FTPGETPATH", {&FtpSettings::getpath, 255, "255", {}}},
      {"+FTPPUTNAME", {&FtpSettings::putname, 64, "64", {}}},
      {"+FTPPUTPATH", {&FtpSettings::putpath, 255, "255", {}}},
  };
  return m;
}

}  // namespace

Modem::Reply Modem::cmd_ftp_setter(const AtCommand& c) {
  if (auto it = num_setters().find(c.name); it != num_setters().end()) {
    const auto& s = it->second;
    switch (c.form) {
      case Form::Test: w_.line(ftp_line(c.name, s.test)); return ok();
      case Form::Read: w_.line(ftp_line(c.name, fmt::format("{}", ftp_.*s.field))); return ok();
      case Form::Exec: return cme(603);
      case Form::Write: {
        auto v = num(c, 0);
        if (c.args.size() != 1 || !v || *v < s.lo || *v > s.hi) return cme(765);
        ftp_.*s.field = *v;
        return ok();
      }
    }
  }
  const auto& s = str_setters().at(c.name);
  switch (c.form) {
    case Form::Test: w_.line(ftp_line(c.name, s.test)); return ok();
    case Form::Read: {
      std::string text = ftp_line(c.name, "\"" + ftp_.*s.field + "\"");
      // The module would print the password; the transcript must not.
      w_.line(text, c.name == "+FTPPW" ? ftp_line(c.name, "<redacted>") : std::string());
      return ok();
    }
    case Form::Exec: return cme(603);
    case Form::Write: {
      if (c.args.size() != 1) return cme(765);
      std::string v = c.args[0].text;
      if (v.size() > s.maxlen || !printable(v)) return cme(765);
      if (!s.choices.empty()) {
        for (auto& ch : v) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        if (std::find(s.choices.begin(), s.choices.end(), v) == s.choices.end()) return cme(765);
      }
      ftp_.*s.field = v;
      return ok();
    }
  }
  return ok();
}

Modem::Reply Modem::cmd_ftpssl(const AtCommand& c) {
  switch (c.form) {
    case Form::Test: w_.line(ftp_line("+FTPSSL", "(0-2),(0-5),50,50")); return ok();
    case Form::Read:
      w_.line(ftp_line("+FTPSSL", fmt::format("{},{},\"{}\",\"{}\"", ftp_.ssl_type,
                                              ftp_.ssl_index, ftp_.ssl_ca, ftp_.ssl_cert)));
      return ok();
    case Form::Exec: return plain_error();
    case Form::Write: {
      auto t = num(c, 0);
      if (c.args.empty() || c.args.size() > 4 || !t || *t > 2) return plain_error();
      std::uint64_t idx = 0;
      if (c.args.size() > 1) {
        auto i = num(c, 1);
        if (!i || *i > 5) return plain_error();
        idx = *i;
      }
      std::string ca = c.args.size() > 2 ? c.args[2].text : "";
      std::string cert = c.args.size() > 3 ? c.args[3].text : "";
      if (ca.size() > 50 || cert.size() > 50 || !printable(ca) || !printable(cert))
        return plain_error();
      ftp_.ssl_type = *t;
      ftp_.ssl_index = idx;
      ftp_.ssl_ca = ca;
      ftp_.ssl_cert = cert;
      return ok();
    }
  }
  return ok();
}

// ------------------------------------------------------------------ downloads

Modem::Reply Modem::cmd_ftpget(const AtCommand& c) {
  if (c.form == Form::Test) {
    w_.line(ftp_line("+FTPGET", "(1,2),(1-1460)"));
    return ok();
  }
  if (c.form != Form::Write) return cme(603);
  auto mode = num(c, 0);
  if (mode && *mode == 2) return read_chunk(c, Op::Get);
  if (!mode || *mode != 1 || c.args.size() != 1) return cme(765);
  if (!may_open(Op::Get, "FTPGET")) return ok();
  if (ftp_.getname.empty()) {  // [AN 5.5]
    after_final([this] { w_.line(ftp_line("+FTPGET", "1,66")); });
    return ok();
  }
  FtpRequest r = base_request(JobKind::Retrieve);
  r.path = join_remote(ftp_.getpath, ftp_.getname);
  r.resume_from = ftp_.rest;  // FTPREST applies to FTPGET (§8 Q6)
  start_session(Op::Get, std::move(r));
  return ok();
}

Modem::Reply Modem::cmd_ftplist(const AtCommand& c) {
  if (c.form == Form::Test) {
    w_.line(ftp_line("+FTPLIST", "(1,2),(1-1460)"));
    return ok();
  }
  if (c.form != Form::Write) return cme(603);
  auto mode = num(c, 0);
  if (mode && *mode == 2) return read_chunk(c, Op::List);
  if (!mode || *mode != 1 || c.args.size() != 1) return cme(765);
  if (!may_open(Op::List, "FTPLIST")) return ok();
  FtpRequest r = base_request(JobKind::List);
  r.path = ftp_.getpath;
  start_session(Op::List, std::move(r));
  return ok();
}

Modem::Reply Modem::read_chunk(const AtCommand& c, Op op) {
  auto n = num(c, 1);
  if (c.args.size() != 2 || !n || *n < 1 || *n > 1460) return cme(765);
  // Before "+FTPGET: 1,1" or after the session closed: plain ERROR (§5.3).
  if (!session_ || session_->op != op || !session_->announced) return plain_error();
  Session& s = *session_;
  s.last_read = Clock::now();
  std::string prefix = prefix_of(op);
  if (s.t->available() > 0 && bad_read_fires()) {  // --bad-length (fault_knobs.cpp)
    std::string data = bad_length_consumes() ? s.t->pop_download(static_cast<std::size_t>(*n)) : std::string();
    const std::string count = bad_count(data.size(), *n, 1460);
    bad_pad(data, *n, 1460);
    w_.payload_reply(ftp_line(prefix, "2," + count), data);
    s.need_resend = true;
    return done();
  }
  if (s.zero_reads_left > 0 && s.t->available() > 0) {
    --s.zero_reads_left;  // --zero-reads: pretend nothing is buffered
    w_.payload_reply(ftp_line(prefix, "2,0"), "");
    s.need_resend = true;
    return done();
  }
  std::string data = s.t->pop_download(static_cast<std::size_t>(*n));
  w_.payload_reply(ftp_line(prefix, fmt::format("2,{}", data.size())), data);
  // Once the module is empty, the next arrival is announced again with "1,1".
  if (data.empty() || s.t->available() == 0) s.need_resend = true;
  count_payload(data.size());
  return done();
}

// ------------------------------------------------------------------ uploads

Modem::Reply Modem::cmd_ftpput(const AtCommand& c) {
  if (c.form == Form::Test) {
    w_.line(ftp_line("+FTPPUT", "(1,2),1460,(1-1460)"));
    return ok();
  }
  if (c.form != Form::Write) return cme(603);
  auto mode = num(c, 0);
  if (mode && *mode == 1 && c.args.size() == 1) {
    if (extput_mode_ == 1) {
      // Extended mode: upload the RAM buffer; only the final URC is reported (§3.19).
      if (!may_open(Op::ExtPut, "FTPPUT")) return ok();
      FtpRequest r = base_request(JobKind::Store);
      r.path = join_remote(ftp_.putpath, ftp_.putname);
      r.append = ftp_.putopt == "APPE";
      r.source = SourceKind::Memory;
      r.memory = extput_buf_;
      if (ftp_.putname.empty()) {
        after_final([this] { w_.line(ftp_line("+FTPPUT", "1,66")); });
        return ok();
      }
      start_session(Op::ExtPut, std::move(r));
      return ok();
    }
    if (!may_open(Op::Put, "FTPPUT")) return ok();
    if (ftp_.putname.empty()) {
      after_final([this] { w_.line(ftp_line("+FTPPUT", "1,66")); });
      return ok();
    }
    FtpRequest r = base_request(JobKind::Store);
    r.path = join_remote(ftp_.putpath, ftp_.putname);
    r.append = ftp_.putopt == "APPE";
    if (ftp_.putopt == "STOU") {
      // libcurl cannot send STOU: store under a name the emulator makes unique instead.
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
      r.path = join_remote(ftp_.putpath, fmt::format("{}.{}", ftp_.putname, ms));
    }
    start_session(Op::Put, std::move(r));
    return ok();
  }
  if (!mode || *mode != 2 || c.args.size() != 2) return cme(765);
  auto n = num(c, 1);
  if (!n) return cme(765);
  if (!session_ || session_->op != Op::Put || !session_->put_ready || session_->put_closing)
    return plain_error();
  Session& s = *session_;
  if (*n == 0) {
    s.put_ready = false;
    s.put_closing = true;
    s.t->finish_upload();  // "+FTPPUT: 1,0" follows when the server confirmed the STOR
    return ok();
  }
  if (*n > std::max<std::uint64_t>(opt_.put_max, lie_put_max_)) return plain_error();
  const std::uint64_t ask = bad_go_ahead(*n);  // --bad-length over-request
  w_.line(ftp_line("+FTPPUT", fmt::format("2,{}", ask)));
  s.put_ready = false;
  std::uint64_t id = s.id;
  enter_counted(
      static_cast<std::size_t>(ask), opt_.put_input_timeout_ms,
      [this, id](std::string&& data) {
        // The module has the bytes in its RAM: it acknowledges them, then hands them on.
        w_.line("OK");
        if (!session_ || session_->id != id) return;
        Session& up = *session_;
        up.t->push_upload(data);
        // Ready for the next chunk as soon as the module's upload buffer has room for one (not
        // once the server has the bytes; that hand-off runs on the worker meanwhile). A failing
        // upload still ends the session with +FTPPUT: 1,<err>, whenever the worker reports it.
        if (!up.finished && !up.put_closing && !up.put_ready &&
            up.t->upload_queued() + opt_.put_max <= kPutBuffer) {
          up.announced = up.put_ready = true;
          w_.line(ftp_line("+FTPPUT", opt_.short_put_urc ? std::string("1,1") : "1,1," + put_max_text()));
        }
      },
      [this, id] {
        w_.line("ERROR");
        if (session_ && session_->id == id) session_->put_ready = true;
      });
  return done();
}

Modem::Reply Modem::cmd_ftpextput(const AtCommand& c) {
  switch (c.form) {
    case Form::Test: return ok();
    case Form::Read:
      w_.line(ftp_line("+FTPEXTPUT", fmt::format("{},{}", extput_mode_, extput_buf_.size())));
      return ok();
    case Form::Exec: return cme(603);
    case Form::Write: break;
  }
  auto mode = num(c, 0);
  if (!mode || *mode > 2) return cme(765);
  if (*mode < 2) {
    if (c.args.size() != 1) return cme(765);
    extput_mode_ = static_cast<int>(*mode);
    if (*mode == 0) extput_buf_.clear();  // §3.19: mode 0 clears the upload buffer
    if (*mode == 1) xfer_bytes_ = 0;
    return ok();
  }
  auto pos = num(c, 1), len = num(c, 2), to = num(c, 3);
  if (c.args.size() != 4 || !pos || !len || !to || *pos > k320k || *len < 1 || *len > k320k ||
      *to < 1000 || *to > 1000000)
    return cme(765);
  if (*pos + *len > opt_.ram_bytes) return plain_error();
  const std::uint64_t ask = bad_go_ahead(*len);  // --bad-length over-request
  w_.line(ftp_line("+FTPEXTPUT", fmt::format("{},{}", *pos, ask)));
  auto p = static_cast<std::size_t>(*pos);
  enter_counted(
      static_cast<std::size_t>(ask), static_cast<std::uint32_t>(*to),
      [this, p](std::string&& data) {
        if (extput_buf_.size() < p + data.size()) extput_buf_.resize(p + data.size(), '\0');
        extput_buf_.replace(p, data.size(), data);
        w_.line("OK");
      },
      [this] { w_.line("ERROR"); });
  return done();
}

Modem::Reply Modem::cmd_ftpetput(const AtCommand& c) {
  if (c.form == Form::Test) {
    w_.line(ftp_line("+FTPETPUT", "(1,2)"));
    return ok();
  }
  auto mode = num(c, 0);
  if (c.form != Form::Write || c.args.size() != 1 || !mode || *mode < 1 || *mode > 2)
    return cme(765);
  if (*mode == 1) {
    if (!may_open(Op::EtPut, "FTPETPUT")) return ok();
    if (ftp_.putname.empty()) {
      after_final([this] { w_.line(ftp_line("+FTPETPUT", "1,66")); });
      return ok();
    }
    FtpRequest r = base_request(JobKind::Store);
    r.path = join_remote(ftp_.putpath, ftp_.putname);
    r.append = ftp_.putopt == "APPE";
    start_session(Op::EtPut, std::move(r));
    return ok();
  }
  if (!session_ || session_->op != Op::EtPut || !session_->put_ready || session_->put_closing)
    return plain_error();
  session_->put_ready = false;
  if (!opt_.etput_manual_order) w_.line("OK");  // [AN] order; the manual omits this OK (Q4)
  w_.line(ftp_line("+FTPETPUT", "2,1"));
  mode_ = InputMode::Etx;
  etx_escaped_ = false;
  etx_out_.clear();
  w_.set_noise_allowed(false);
  return done();
}

Modem::Reply Modem::cmd_ftpetget(const AtCommand& c) {
  if (c.form == Form::Test) {
    w_.line(ftp_line("+FTPETGET", "1"));
    return ok();
  }
  auto mode = num(c, 0);
  if (c.form != Form::Write || c.args.size() != 1 || !mode || *mode != 1) return cme(765);
  if (!may_open(Op::EtGet, "FTPETGET")) return ok();
  if (ftp_.getname.empty()) {
    after_final([this] { w_.line(ftp_line("+FTPETGET", "1,66")); });
    return ok();
  }
  FtpRequest r = base_request(JobKind::Retrieve);
  r.path = join_remote(ftp_.getpath, ftp_.getname);
  start_session(Op::EtGet, std::move(r));
  return ok();
}

Modem::Reply Modem::cmd_ftpextget(const AtCommand& c) {
  switch (c.form) {
    case Form::Test: w_.line(ftp_line("+FTPEXTGET", "(0-3),(0-3),50")); return ok();
    case Form::Read: {
      std::uint64_t len = 0;
      if (extget_mode_ == 1 && extget_ram_) {
        std::lock_guard lk(extget_ram_->m);
        len = extget_ram_->data.size();
      } else if (extget_mode_ == 2) {
        len = session_ && session_->op == Op::ExtGetFile ? session_->t->progress.load()
                                                          : tofs_.size;
      }
      w_.line(ftp_line("+FTPEXTGET", fmt::format("{},{}", extget_mode_, len)));
      return ok();
    }
    case Form::Exec: return cme(603);
    case Form::Write: break;
  }
  auto mode = num(c, 0);
  if (!mode || *mode > 3) return cme(765);
  bool busy = session_ && (session_->op == Op::ExtGetRam || session_->op == Op::ExtGetFile);
  switch (*mode) {
    case 0:
      if (busy) return plain_error();
      extget_mode_ = 0;
      extget_ram_.reset();
      return ok();
    case 1: {
      if (c.args.size() != 1) return cme(765);
      if (!may_open(Op::ExtGetRam, "FTPEXTGET")) return ok();
      if (ftp_.getname.empty()) {
        after_final([this] { w_.line(ftp_line("+FTPEXTGET", "1,66")); });
        return ok();
      }
      extget_mode_ = 1;
      extget_ram_ = std::make_shared<RamBuffer>();
      FtpRequest r = base_request(JobKind::Retrieve);
      r.path = join_remote(ftp_.getpath, ftp_.getname);
      r.sink = SinkKind::Ram;
      r.ram = extget_ram_;
      r.ram_capacity = opt_.ram_bytes;
      start_session(Op::ExtGetRam, std::move(r));
      return ok();
    }
    case 2: {
      auto dir = num(c, 1);
      if (c.args.size() != 3 || !dir || *dir > 3 || c.args[2].text.empty() ||
          c.args[2].text.size() > 50 || !printable(c.args[2].text) ||
          c.args[2].text.find('/') != std::string::npos)
        return plain_error();
      std::string local = fs_path(*dir, c.args[2].text);
      if (std::filesystem::exists(local)) return plain_error();
      if (!may_open(Op::ExtGetFile, "FTPEXTGET")) return ok();
      if (ftp_.getname.empty()) {
        after_final([this] { w_.line(ftp_line("+FTPEXTGETFILE", "1,66")); });
        return ok();
      }
      extget_mode_ = 2;
      tofs_ = ToFs{true, true, 0, 0};
      FtpRequest r = base_request(JobKind::Retrieve);
      r.path = join_remote(ftp_.getpath, ftp_.getname);
      r.sink = SinkKind::File;
      r.file_path = local;
      start_session(Op::ExtGetFile, std::move(r));
      return ok();
    }
    default: {
      auto pos = num(c, 1), len = num(c, 2);
      if (c.args.size() != 3 || !pos || !len || *len < 1 || *len > k320k) return cme(765);
      if (!extget_ram_) return plain_error();
      std::string data;
      {
        std::lock_guard lk(extget_ram_->m);
        const auto& d = extget_ram_->data;
        if (*pos >= d.size()) return plain_error();
        auto p = static_cast<std::size_t>(*pos);
        auto n = std::min(static_cast<std::size_t>(*len), d.size() - p);
        data.assign(d.begin() + static_cast<std::ptrdiff_t>(p),
                    d.begin() + static_cast<std::ptrdiff_t>(p + n));
      }
      if (bad_read_fires()) {  // --bad-length (fault_knobs.cpp)
        const std::string count = bad_count(data.size(), *len, k320k);
        bad_pad(data, *len, k320k);
        w_.payload_reply(ftp_line("+FTPEXTGET", "3," + count), data);
        return done();
      }
      w_.payload_reply(ftp_line("+FTPEXTGET", fmt::format("3,{}", data.size())), data);
      count_payload(data.size());
      return done();
    }
  }
}

Modem::Reply Modem::cmd_ftptofsst(const AtCommand& c) {
  if (c.form == Form::Test) {
    w_.line(ftp_line("+FTPTOFSST", "(0,1),(0-5800000)"));
    return ok();
  }
  if (c.form != Form::Exec || !tofs_.valid) return plain_error();
  w_.line(ftp_line("+FTPTOFSST", fmt::format("{},{},{}", tofs_.running ? 1 : 0, tofs_.status,
                                             tofs_.running && session_
                                                 ? session_->t->progress.load()
                                                 : tofs_.size)));
  return ok();
}

// ------------------------------------------------------------------ one-shot operations

Modem::Reply Modem::cmd_ftp_simple(const AtCommand& c) {
  if (c.form == Form::Test) return ok();
  bool dele_one = c.name == "+FTPDELE" && c.form == Form::Write && c.args.size() == 1 &&
                  c.args[0].text == "1" && !opt_.strict_dele;  // [AN] 5.8 sends "=1" (Q3)
  if (c.form != Form::Exec && !dele_one) return plain_error();
  static const std::map<std::string, Op> ops = {
      {"+FTPDELE", Op::Dele}, {"+FTPSIZE", Op::Size},     {"+FTPMKD", Op::Mkd},
      {"+FTPRMD", Op::Rmd},   {"+FTPRENAME", Op::Rename}, {"+FTPMDTM", Op::Mdtm}};
  Op op = ops.at(c.name);
  if (!may_open(op, c.name.substr(1))) return ok();
  std::string file = join_remote(ftp_.getpath, ftp_.getname);
  bool need_name = op == Op::Dele || op == Op::Size || op == Op::Mdtm || op == Op::Rename;
  if ((need_name && ftp_.getname.empty()) || (op == Op::Rename && ftp_.putname.empty()) ||
      ((op == Op::Mkd || op == Op::Rmd) && ftp_.getpath.empty())) {
    after_final([this, op] { w_.line(ftp_line(prefix_of(op), op_urc(op, 66, {}))); });
    return ok();
  }
  FtpRequest r = base_request(JobKind::Quote);
  switch (op) {
    case Op::Dele: r.quote = {"DELE " + file}; break;
    case Op::Mkd: r.quote = {"MKD " + ftp_.getpath}; break;
    case Op::Rmd: r.quote = {"RMD " + ftp_.getpath}; break;
    case Op::Rename:
      // GETPATH/GETNAME -> PUTNAME in the same directory.
      r.quote = {"RNFR " + file, "RNTO " + join_remote(ftp_.getpath, ftp_.putname)};
      break;
    case Op::Size: r.kind = JobKind::Size; r.path = file; break;
    case Op::Mdtm: r.kind = JobKind::Mdtm; r.path = file; break;
    default: break;
  }
  start_session(op, std::move(r));
  return ok();
}

Modem::Reply Modem::cmd_ftpstate(const AtCommand& c) {
  if (c.form == Form::Test) {
    w_.line(ftp_line("+FTPSTATE", "(0,1)"));
    return ok();
  }
  if (c.form != Form::Exec) return cme(603);
  w_.line(ftp_line("+FTPSTATE", session_ ? "1" : "0"));
  return ok();
}

Modem::Reply Modem::cmd_ftpquit(const AtCommand& c) {
  if (c.form == Form::Test) return ok();
  if (c.form != Form::Exec || !session_) return plain_error();  // idle or "=1": ERROR (§3.26)
  after_final([this] {
    if (session_) abort_session(80);
  });
  return ok();
}

}  // namespace sim7080emu

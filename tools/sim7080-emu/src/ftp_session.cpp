// Session lifecycle (§3.0): one operation at a time, worker thread per operation, session URCs
// after the opening OK, FTPGET/FTPLIST "data available" hints, ETGET streaming, aborts.
#include <fmt/format.h>

#include "modem.hpp"

namespace sim7080emu {

namespace {
constexpr std::size_t kModuleBuffer = 64 * 1024;  // module-side download buffer

bool is_transfer(Op op) {
  return op == Op::Get || op == Op::List || op == Op::Put || op == Op::ExtPut ||
         op == Op::EtPut || op == Op::EtGet || op == Op::ExtGetRam || op == Op::ExtGetFile;
}
}  // namespace

std::string Modem::prefix_of(Op op) {
  switch (op) {
    case Op::Get: return "+FTPGET";
    case Op::List: return "+FTPLIST";
    case Op::Put:
    case Op::ExtPut: return "+FTPPUT";
    case Op::EtPut: return "+FTPETPUT";
    case Op::EtGet: return "+FTPETGET";
    case Op::ExtGetRam: return "+FTPEXTGET";
    case Op::ExtGetFile: return "+FTPEXTGETFILE";
    case Op::Dele: return "+FTPDELE";
    case Op::Size: return "+FTPSIZE";
    case Op::Mkd: return "+FTPMKD";
    case Op::Rmd: return "+FTPRMD";
    case Op::Rename: return "+FTPRENAME";
    case Op::Mdtm: return "+FTPMDTM";
  }
  return "+FTP";
}

// Body of the final session URC. Field counts differ per command (§3.17, §3.28).
std::string Modem::op_urc(Op op, int code, const FtpResult& r) const {
  if (op == Op::Size) return code == 0 ? fmt::format("1,0,{}", r.size) : fmt::format("1,{},0", code);
  if (op == Op::Mdtm && code == 0) return "1,0," + r.mdtm;
  return fmt::format("1,{}", code);
}

bool Modem::may_open(Op op, const std::string& cmd_name) {
  auto urc_later = [this, op](int code) {
    after_final([this, op, code] { w_.line(ftp_line(prefix_of(op), op_urc(op, code, {}))); });
  };
  if (session_) {
    urc_later(66);  // the running operation is unaffected (§3.0)
    return false;
  }
  if (auto it = opt_.fail.find(cmd_name); it != opt_.fail.end()) {
    urc_later(it->second);
    return false;
  }
  if (ftp_.cid > 3 || !pdp_[ftp_.cid].active) {
    urc_later(61);  // FTPCID names no active context (§8 Q7)
    return false;
  }
  return true;
}

FtpRequest Modem::base_request(JobKind kind) const {
  FtpRequest r;
  r.kind = kind;
  r.host = ftp_.serv;
  r.port = static_cast<std::uint32_t>(ftp_.port);
  r.user = ftp_.un;
  r.password = ftp_.pw;
  r.passive = ftp_.mode == 1;
  r.ascii = ftp_.type == "A";
  r.ssl_type = static_cast<int>(ftp_.ssl_type);
  r.verbose = opt_.verbose;
  return r;
}

void Modem::start_session(Op op, FtpRequest req) {
  auto s = std::make_unique<Session>();
  s->id = next_id_++;
  s->op = op;
  s->prefix = prefix_of(op);
  s->t = std::make_shared<Transfer>(s->id, ev_, kModuleBuffer);
  if (is_transfer(op) && drop_armed_) s->t->drop_after = opt_.drop_after_bytes;
  s->zero_reads_left = opt_.zero_reads;
  xfer_bytes_ = 0;
  if (silent_armed_ && *opt_.silent_after_bytes == 0) silent_pending_ = true;  // after the OK
  if (opt_.split_sweep && is_transfer(op)) {
    w_.arm_split(*opt_.split_sweep + split_transfers_, split_transfers_);  // before the OK
    ++split_transfers_;
  }
  if (opt_.verbose)
    std::fprintf(stderr, "[emu] session %llu %s %s\n", static_cast<unsigned long long>(s->id),
                 s->prefix.c_str(), req.path.c_str());
  auto t = s->t;
  EventQueue* ev = &ev_;
  std::uint64_t id = s->id;
  s->worker = std::thread([req = std::move(req), t, ev, id] {
    FtpResult r = run_ftp(req, *t);
    ev->post({id, Event::Type::Done, 0, r});
  });
  session_ = std::move(s);
}

void Modem::retire(std::unique_ptr<Session> s) {
  if (s->finished) {
    if (s->worker.joinable()) s->worker.join();
    return;
  }
  s->t->abort();  // worker winds down; joined when its Done event arrives
  zombies_.push_back(std::move(s));
}

void Modem::end_session(const std::string& body) {
  if (!session_) return;
  std::string prefix = session_->prefix;
  retire(std::move(session_));
  if (opt_.rest_clears) ftp_.rest = 0;
  w_.line(ftp_line(prefix, body));
  w_.end_split();  // a split point past the transfer's output is dropped
  lie_put_max_ = 0;
}

void Modem::abort_session(int code) {
  if (!session_) return;
  Op op = session_->op;
  end_session(op_urc(op, code, {}));
}

void Modem::handle_event(const Event& e) {
  if (!session_ || session_->id != e.session) {
    if (e.type == Event::Type::Done) {
      for (auto it = zombies_.begin(); it != zombies_.end(); ++it) {
        if ((*it)->id == e.session) {
          if ((*it)->worker.joinable()) (*it)->worker.join();
          zombies_.erase(it);
          break;
        }
      }
    }
    return;
  }
  Session& s = *session_;
  switch (e.type) {
    case Event::Type::DataAvailable: break;  // pump() looks at the buffer level
    case Event::Type::WantData:
      if (s.put_closing || s.put_ready || e.value != s.t->upload_pushed()) break;
      if (s.op == Op::Put) {
        // Everything sent so far went out: ready for the next chunk.
        s.announced = s.put_ready = true;
        w_.line(ftp_line("+FTPPUT", opt_.short_put_urc ? std::string("1,1") : "1,1," + put_max_text()));
      } else if (s.op == Op::EtPut && !s.announced) {
        s.announced = s.put_ready = true;
        w_.line(ftp_line("+FTPETPUT", "1,1"));
      }
      break;
    case Event::Type::Done:
      s.finished = true;
      s.result = e.result;
      if (s.t->dropped) drop_armed_ = false;  // --drop-after-bytes fires once
      if (s.worker.joinable()) s.worker.join();
      finish_op(s);
      break;
  }
}

void Modem::finish_op(Session& s) {
  switch (s.op) {
    case Op::Get:
    case Op::List:
    case Op::EtGet: return;  // pump(): the host must drain the module buffer first
    case Op::ExtGetFile:
      tofs_.running = false;
      tofs_.status = s.result.code;
      tofs_.size = s.result.code == 0 ? s.result.size : 0;
      break;
    default: break;
  }
  end_session(op_urc(s.op, s.result.code, s.result));
}

void Modem::pump() {
  if (mode_ == InputMode::Counted || mode_ == InputMode::Etx || !session_) return;
  if (session_->op == Op::Get || session_->op == Op::List) pump_get();
  else if (session_->op == Op::EtGet) pump_etget();
  check_restart();
}

void Modem::pump_get() {
  Session& s = *session_;
  auto now = Clock::now();
  std::size_t avail = s.t->available();
  std::string ready = ftp_line(s.prefix, "1,1");
  if (avail > 0 && (!s.announced || s.need_resend)) {
    if (!s.announced) s.last_read = now;  // the idle clock starts with the first hint
    s.announced = true;
    s.need_resend = false;
    s.last_ready = now;
    w_.line(ready);
  } else if (avail > 0 && now - s.last_ready >= std::chrono::milliseconds(opt_.resend_ready_ms)) {
    s.last_ready = now;  // data sits unread: remind the host (§8 Q10)
    w_.line(ready);
  }
  if (s.finished && avail == 0) {
    // "1,0" only once the transfer ended AND the module buffer is drained (§8 Q9).
    end_session(op_urc(s.op, s.result.code, s.result));
    return;
  }
  if (s.announced && avail > 0 && now - s.last_read >= std::chrono::seconds(opt_.idle_timeout_s))
    abort_session(64);
}

void Modem::pump_etget() {
  Session& s = *session_;
  if (!s.streaming) {
    bool has = s.t->available() > 0;
    if (!has && !s.finished) return;
    if (!has && s.result.code != 0) {  // failed before any data: no stream at all
      end_session(op_urc(s.op, s.result.code, s.result));
      return;
    }
    // Data mode: the stream starts right after this line's LF; nothing else until the ETX.
    w_.line(ftp_line("+FTPETGET", "1,1"));
    w_.set_noise_allowed(false);
    s.streaming = true;
    mode_ = InputMode::Held;
  }
  while (true) {
    std::string d = s.t->pop_download(kModuleBuffer);
    if (d.empty()) break;
    std::string esc;
    esc.reserve(d.size() + d.size() / 8);
    for (char ch : d) {
      if (ch == '\x03' || ch == '\x10') esc += '\x10';
      esc += ch;
    }
    w_.raw(esc);
    count_payload(d.size());
    check_silent();  // --silent-after-bytes: the stream goes on, lost (fault_knobs.cpp)
    if (restart_pending_) {  // the module dies mid-stream
      mode_ = InputMode::Line;
      check_restart();
      return;
    }
  }
  if (!s.finished || s.t->available() > 0) return;
  w_.raw("\x03");
  std::string held = std::move(held_);
  held_.clear();
  back_to_line_mode();
  end_session(op_urc(s.op, s.result.code, s.result));
  if (!held.empty()) on_input(held.data(), held.size());
}

}  // namespace sim7080emu

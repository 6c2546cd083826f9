// The emulated module: AT command interpreter, settings, bearer and the FTP session state
// machine. Single-threaded (driven by main.cpp's poll loop); libcurl runs on worker threads and
// reports through the EventQueue.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "at_parser.hpp"
#include "bearer.hpp"
#include "event_queue.hpp"
#include "ftp_client.hpp"
#include "options.hpp"
#include "recorder.hpp"
#include "transfer.hpp"
#include "wire_writer.hpp"

namespace sim7080emu {

using Clock = std::chrono::steady_clock;

// NO_SAVE FTP settings (§3.1-3.13, §3.29); defaults are the manual's example values (§8 Q7).
struct FtpSettings {
  std::uint64_t port = 21;
  std::uint64_t mode = 1;
  std::string type = "I";
  std::string putopt = "STOR";
  std::uint64_t cid = 1;
  std::uint64_t rest = 0;
  std::string serv, un, pw, getname, getpath, putname, putpath;
  std::uint64_t ssl_type = 0, ssl_index = 0;
  std::string ssl_ca, ssl_cert;
};

enum class Op { Get, List, Put, ExtPut, EtPut, EtGet, ExtGetRam, ExtGetFile,
                Dele, Size, Mkd, Rmd, Rename, Mdtm };

struct Session {
  std::uint64_t id = 0;
  Op op = Op::Get;
  std::string prefix;  // URC prefix: "+FTPGET", "+FTPEXTGETFILE", ...
  std::shared_ptr<Transfer> t;
  std::thread worker;
  bool finished = false;  // worker reported Done
  FtpResult result;
  // FTPGET / FTPLIST
  bool announced = false;
  bool need_resend = false;
  Clock::time_point last_ready{}, last_read{};
  std::uint32_t zero_reads_left = 0;
  // FTPPUT / FTPETPUT
  bool put_ready = false;
  bool put_closing = false;
  // FTPETGET
  bool streaming = false;
};

class Modem {
 public:
  Modem(const Options& opt, WireWriter& w, Recorder& rec, EventQueue& ev);
  ~Modem();

  void on_input(const char* p, std::size_t n);
  void on_events();  // drain the worker queue (always), act on it when the channel allows
  void on_tick();    // timers: resend/idle, data-phase timeouts, noise
  bool host_seen() const { return host_seen_; }

 private:
  enum class Final { Ok, Error, Cme, Done };  // Done: the handler wrote its own final code
  struct Reply {
    Final f = Final::Ok;
    int cme = 0;
  };
  static Reply ok() { return {Final::Ok, 0}; }
  static Reply plain_error() { return {Final::Error, 0}; }
  static Reply cme(int code) { return {Final::Cme, code}; }
  static Reply done() { return {Final::Done, 0}; }
  using Handler = Reply (Modem::*)(const AtCommand&);

  // ---- modem.cpp: input modes, line handling, final codes, reboot ----
  enum class InputMode { Line, Counted, Etx, Held };
  struct Counted {
    std::size_t need = 0;
    std::string buf;
    Clock::time_point deadline;
    std::function<void(std::string&&)> done;
    std::function<void()> timeout;
  };
  std::size_t consume_line(const char* p, std::size_t n);
  std::size_t consume_counted(const char* p, std::size_t n);
  std::size_t consume_etx(const char* p, std::size_t n);
  void handle_line(const std::string& line);
  void write_final(Reply r);
  void after_final(std::function<void()> f) { after_final_.push_back(std::move(f)); }
  void enter_counted(std::size_t n, std::uint32_t timeout_ms,
                     std::function<void(std::string&&)> done, std::function<void()> timeout);
  void back_to_line_mode();
  void boot(bool emit_urcs);
  void count_payload(std::size_t n);
  void check_restart();
  std::string ftp_line(std::string_view prefix, std::string_view body) const;
  std::string cme_text(int code) const;

  // ---- command_dispatch.cpp: table, basic and general commands ----
  void build_table();
  Reply dispatch(const AtCommand& c);
  Reply cmd_basic(const AtCommand& c);
  Reply cmd_cmee(const AtCommand& c);
  Reply cmd_ifc(const AtCommand& c);
  Reply cmd_ipr(const AtCommand& c);
  Reply cmd_icf(const AtCommand& c);
  Reply cmd_cfun(const AtCommand& c);
  Reply cmd_cpin(const AtCommand& c);
  Reply cmd_csq(const AtCommand& c);
  Reply cmd_cgatt(const AtCommand& c);
  Reply cmd_cops(const AtCommand& c);
  Reply cmd_cgnapn(const AtCommand& c);
  Reply cmd_cncfg(const AtCommand& c);
  Reply cmd_cnact(const AtCommand& c);
  Reply cmd_cgdcont(const AtCommand& c);
  Reply cmd_cfgri(const AtCommand& c);
  Reply cmd_ok_any(const AtCommand& c);
  void set_pdp(std::size_t idx, bool up);

  // ---- ftp_commands.cpp: setters and the FTP command front-ends ----
  Reply cmd_ftp_setter(const AtCommand& c);
  Reply cmd_ftpssl(const AtCommand& c);
  Reply cmd_ftpget(const AtCommand& c);
  Reply cmd_ftplist(const AtCommand& c);
  Reply cmd_ftpput(const AtCommand& c);
  Reply cmd_ftp_simple(const AtCommand& c);  // DELE SIZE MKD RMD RENAME MDTM
  Reply cmd_ftpstate(const AtCommand& c);
  Reply cmd_ftpquit(const AtCommand& c);
  Reply cmd_ftpextput(const AtCommand& c);
  Reply cmd_ftpextget(const AtCommand& c);
  Reply cmd_ftpetput(const AtCommand& c);
  Reply cmd_ftpetget(const AtCommand& c);
  Reply cmd_ftptofsst(const AtCommand& c);
  Reply read_chunk(const AtCommand& c, Op op);  // FTPGET=2 / FTPLIST=2

  // ---- ftp_session.cpp: session lifecycle ----
  // Common gate for opening an operation: 66 if busy, --fail, 61 without bearer. Returns true
  // when the caller should go on and start the job.
  bool may_open(Op op, const std::string& cmd_name);
  FtpRequest base_request(JobKind kind) const;
  void start_session(Op op, FtpRequest req);
  void end_session(const std::string& urc_body);  // writes "<prefix>: <body>", retires session
  void abort_session(int code);                   // immediate URC with code (QUIT 80, idle 64)
  void handle_event(const Event& e);
  void pump();
  void pump_get();
  void pump_etget();
  void finish_op(Session& s);
  std::string op_urc(Op op, int code, const FtpResult& r) const;
  static std::string prefix_of(Op op);
  void retire(std::unique_ptr<Session> s);

  // ---- fault_knobs.cpp: --silent-after-bytes, --bad-length (tests/faults) ----
  void check_silent();  // a pending silence starts (outside host data phases)
  std::size_t consume_silent(const char* p, std::size_t n);  // host bytes while silent
  void end_silence();
  // --bad-length on a counted read reply: fires once; the reply's count field for a chunk of
  // `data_size` real bytes of `requested` (spec maximum `max`), and the payload padded to it.
  bool bad_read_fires();
  bool bad_length_consumes() const;
  std::string bad_count(std::size_t data_size, std::uint64_t requested, std::uint64_t max) const;
  void bad_pad(std::string& data, std::uint64_t requested, std::uint64_t max) const;
  // --bad-length on an upload go-ahead (over-request): the count the module asks for instead.
  std::uint64_t bad_go_ahead(std::uint64_t requested);
  // --bad-length on `+FTPPUT: 1,1,<maxlength>`: the <maxlength> text.
  std::string put_max_text();

  // ---- fs_commands.cpp: module file system ----
  Reply cmd_cfsinit(const AtCommand& c);
  Reply cmd_cfswfile(const AtCommand& c);
  Reply cmd_cfsterm(const AtCommand& c);
  Reply cmd_cfsdfile(const AtCommand& c);
  std::string fs_path(std::uint64_t dir, const std::string& name) const;

  const Options& opt_;
  WireWriter& w_;
  Recorder& rec_;
  EventQueue& ev_;
  std::map<std::string, Handler> table_;

  // volatile (NO_SAVE) state
  bool echo_ = false;
  int cmee_ = 0;
  int ifc_[2] = {0, 0};
  int cfun_ = 1;
  int cfgri_ = 0;
  std::map<int, std::string> cgdcont_;
  PdpTable pdp_;
  FtpSettings ftp_;
  int extput_mode_ = 0;
  std::string extput_buf_;
  int extget_mode_ = 0;
  std::shared_ptr<RamBuffer> extget_ram_;
  struct ToFs {
    bool valid = false, running = false;
    int status = 0;
    std::uint64_t size = 0;
  } tofs_;
  bool cfs_init_ = false;
  // AUTO_SAVE
  std::uint32_t ipr_ = 0;
  int icf_[2] = {3, 3};

  // channel
  InputMode mode_ = InputMode::Line;
  std::string line_;
  std::size_t line_len_ = 0;  // real length even when line_ was capped
  Counted counted_;
  std::string etx_out_;
  bool etx_escaped_ = false;
  std::string held_;
  std::vector<std::function<void()>> after_final_;
  std::deque<Event> pending_;
  bool host_seen_ = false;

  // sessions
  std::unique_ptr<Session> session_;
  std::vector<std::unique_ptr<Session>> zombies_;  // aborted, worker still winding down
  std::uint64_t next_id_ = 1;
  std::uint64_t xfer_bytes_ = 0;  // payload bytes over the UART in the current transfer
  bool restart_armed_ = false, restart_pending_ = false;
  bool drop_armed_ = false;
  // fault knobs (tests/faults)
  std::uint64_t split_transfers_ = 0;  // transfer sessions started (--split-sweep)
  bool silent_armed_ = false, silent_pending_ = false, silent_ = false;
  Clock::time_point silent_until_{};
  std::string silent_line_;            // host line being assembled while silent
  bool bad_length_armed_ = false;
  std::uint64_t lie_put_max_ = 0;      // a <maxlength> lie above --put-max is honoured
  std::string fs_root_;
  bool fs_root_is_temp_ = false;  // created by us: removed again on exit
};

}  // namespace sim7080emu

#include "cli_run.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>

#include "asio/bind_cancellation_slot.hpp"
#include "asio/cancellation_signal.hpp"
#include "asio/error.hpp"
#include "asio/steady_timer.hpp"
#include "cli_output.hpp"
#include "progress_bar.hpp"
#include "sim7080/ports.hpp"
#include "sim7080/transcript.hpp"

namespace sim7080::cli {
namespace {

std::string iso8601(std::chrono::sys_seconds t) {
  const auto days = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{days};
  const std::chrono::hh_mm_ss hms{t - days};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                     static_cast<unsigned>(ymd.day()), hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

const char* kind_name(ListEntry::Kind k) {
  switch (k) {
    case ListEntry::Kind::file: return "file";
    case ListEntry::Kind::directory: return "directory";
    case ListEntry::Kind::symlink: return "symlink";
    case ListEntry::Kind::other: return "other";
    case ListEntry::Kind::unknown: break;
  }
  return "unknown";
}

// Everything one run needs, kept alive until its completion.
struct Run : std::enable_shared_from_this<Run> {
  Run(Modem& m, FtpSession& s, const Command& c, const RunOptions& o, std::ostream& out_, std::ostream& err_)
      : modem(m), session(s), cmd(c), options(o), out(out_), err(err_), timer(m.get_executor()), bar(err_) {}

  Modem& modem;
  FtpSession& session;
  Command cmd;
  RunOptions options;
  std::ostream& out;
  std::ostream& err;
  asio::steady_timer timer;
  asio::cancellation_signal cancel;
  bool timed_out = false;
  ProgressBar bar;
  std::function<void(std::error_code)> done;
  std::unique_ptr<DownloadSink> sink;
  std::unique_ptr<UploadSource> source;
  std::string inline_bytes;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  // Handlers are bound to the cancellation signal, which the deadline emits.
  template <class F>
  auto bind(F f) {
    return asio::bind_cancellation_slot(cancel.slot(), [self = shared_from_this(), f = std::move(f)](auto&&... args) mutable {
      f(std::forward<decltype(args)>(args)...);
    });
  }

  void arm_deadline() {
    if (options.timeout.count() <= 0) return;
    timer.expires_after(options.timeout);
    timer.async_wait([self = shared_from_this()](std::error_code ec) {
      if (ec) return;
      self->timed_out = true;
      self->cancel.emit(asio::cancellation_type::terminal);
    });
  }

  void progress(const Progress& p) {
    if (options.progress_bar && !options.quiet) bar.update(p.bytes_done, p.bytes_total);
  }

  void finish(std::error_code ec, JsonObject result) {
    timer.cancel();
    bar.finish();
    if (ec == asio::error::operation_aborted && timed_out) ec = make_error_code(AtErrc::timeout);
    if (options.json) {
      JsonObject obj;
      obj.add("command", verb_name(cmd.verb));
      if (ec) {
        add_error(obj, ec, describe(ec));
      } else {
        obj.add("ok", true);
        obj.add_raw("result", result.str());
      }
      out << obj.str() << "\n";
    } else if (ec && !options.quiet) {
      err << "sim7080-ftp: " << verb_name(cmd.verb) << ": " << describe(ec) << "\n";
    }
    out.flush();
    auto d = std::move(done);
    d(ec);
  }

  double seconds() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(); }

  void say(const std::string& text) {
    if (!options.quiet && !options.json) err << text << "\n";
  }

  void start();
  void start_get();
  void start_put();
  void start_bearer();
  void start_cert();
};

void Run::start_get() {
  if (!cmd.fs_file.empty()) {
    const auto file = ModuleFile::parse(cmd.fs_file);
    if (!file || cmd.get_method != GetMethod::extget) {
      if (!options.quiet) err << "sim7080-ftp: get: --fs-file needs --method extget and a path like /customer/NAME\n";
      return finish(make_error_code(AtErrc::invalid_argument), {});
    }
    session.async_get_to_module(cmd.first, *file, bind([this](std::error_code ec, std::uint64_t size) {
                                  if (!ec) say(fmt::format("module downloaded {} bytes to {}", size, cmd.fs_file));
                                  finish(ec, JsonObject().add("remote", cmd.first).add("module_file", cmd.fs_file).add("bytes", size));
                                }));
    return;
  }
  const std::string base = std::filesystem::path(cmd.first).filename().string();
  std::string local = cmd.second;
  if (local.empty()) local = base;
  auto usage = [this](const std::string& what) {
    if (!options.quiet) err << "sim7080-ftp: get: " << what << "\n";
    finish(make_error_code(AtErrc::invalid_argument), {});
  };
  if (cmd.offset > 0 && cmd.get_method != GetMethod::get) return usage("--offset needs --method get (AT+FTPREST applies to AT+FTPGET only)");
  if (local.empty()) return usage("REMOTE " + cmd.first + " names no file; give LOCAL");
  std::error_code dir_ec;
  if (!options.sink_override && std::filesystem::is_directory(local, dir_ec)) {
    if (base.empty()) return usage("REMOTE " + cmd.first + " names no file");
    local = (std::filesystem::path(local) / base).string();  // like cp: into the directory
  }
  DownloadSink* target = options.sink_override;
  if (!target) {
    sink = std::make_unique<FileSink>(local, cmd.offset > 0);
    target = sink.get();
  }
  GetOptions opts;
  opts.method = cmd.get_method;
  opts.offset = cmd.offset;
  opts.retries = cmd.retries;
  opts.on_progress = [this](const Progress& p) { progress(p); };
  session.async_get(cmd.first, *target, std::move(opts), bind([this, local](std::error_code ec, TransferResult r) {
                      if (!ec) say(fmt::format("downloaded {} bytes to {} in {:.2f} s", r.bytes, local, seconds()));
                      finish(ec, JsonObject().add("remote", cmd.first).add("local", local).add("bytes", r.bytes).add("seconds", seconds()));
                    }));
}

void Run::start_cert() {
  if (options.inline_data && cmd.first.rfind("data:", 0) == 0) {
    auto bytes = transcript::unescape_bytes(std::string_view(cmd.first).substr(5));
    if (!bytes) return finish(make_error_code(AtErrc::invalid_argument), {});
    inline_bytes = std::move(*bytes);
  } else {
    std::ifstream in(cmd.first, std::ios::binary);
    if (!in) {
      if (!options.quiet) err << "sim7080-ftp: cert: cannot open " << cmd.first << "\n";
      return finish(make_error_code(AtErrc::invalid_argument), {});
    }
    inline_bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const auto pem = std::as_bytes(std::span<const char>(inline_bytes.data(), inline_bytes.size()));
  modem.async_install_ca_certificate(cmd.second, pem, bind([this](std::error_code ec) {
                                       if (!ec) say(fmt::format("certificate stored in the module as {}", cmd.second));
                                       finish(ec, JsonObject().add("name", cmd.second).add("bytes", static_cast<std::uint64_t>(inline_bytes.size())));
                                     }));
}

void Run::start_put() {
  if (options.inline_data && cmd.first.rfind("data:", 0) == 0) {
    auto bytes = transcript::unescape_bytes(std::string_view(cmd.first).substr(5));
    if (!bytes) return finish(make_error_code(AtErrc::invalid_argument), {});
    inline_bytes = std::move(*bytes);
    source = std::make_unique<MemorySource>(std::as_bytes(std::span<const char>(inline_bytes.data(), inline_bytes.size())));
  } else {
    auto file = std::make_unique<FileSource>(cmd.first);
    if (auto ec = file->open_error()) {
      if (!options.quiet) err << "sim7080-ftp: put: cannot open " << cmd.first << ": " << ec.message() << "\n";
      return finish(make_error_code(AtErrc::invalid_argument), {});
    }
    source = std::move(file);
  }
  PutOptions opts;
  opts.method = cmd.put_method;
  opts.mode = cmd.put_mode;
  opts.on_progress = [this](const Progress& p) { progress(p); };
  session.async_put(*source, cmd.second, std::move(opts), bind([this](std::error_code ec, TransferResult r) {
                      if (!ec) say(fmt::format("uploaded {} bytes to {} in {:.2f} s", r.bytes, cmd.second, seconds()));
                      finish(ec, JsonObject().add("remote", cmd.second).add("bytes", r.bytes).add("seconds", seconds()));
                    }));
}

void Run::start_bearer() {
  auto print = [this](std::error_code ec, BearerInfo info) {
    if (!ec && !options.json) {
      out << fmt::format("sim: {}\nsignal: rssi {} ber {}\nattached: {}\noperator: {}\nactive: {}\naddress: {}\n", info.sim_state,
                         info.rssi, info.ber, info.attached ? "yes" : "no", info.operator_name, info.active ? "yes" : "no",
                         info.address);
    }
    finish(ec, JsonObject()
                   .add("sim", info.sim_state)
                   .add("rssi", static_cast<std::uint64_t>(info.rssi))
                   .add("attached", info.attached)
                   .add("operator", info.operator_name)
                   .add("active", info.active)
                   .add("address", info.address));
  };
  if (cmd.first == "up") {
    BearerOptions o;
    o.cid = options.cid;
    o.apn = cmd.apn;
    modem.async_bearer_up(o, bind(print));
  } else if (cmd.first == "down") {
    modem.async_bearer_down(options.cid, bind(print));
  } else {
    modem.async_bearer_status(options.cid, bind(print));
  }
}

void Run::start() {
  arm_deadline();
  switch (cmd.verb) {
    case Verb::get: return start_get();
    case Verb::put: return start_put();
    case Verb::bearer: return start_bearer();
    case Verb::cert: return start_cert();
    case Verb::ls:
      return session.async_list(cmd.first.empty() ? "/" : cmd.first, bind([this](std::error_code ec, std::vector<ListEntry> entries) {
        std::string json = "[";
        for (std::size_t i = 0; i < entries.size(); ++i) {
          const auto& e = entries[i];
          if (!ec && !options.json) out << e.raw << "\n";
          JsonObject o;
          o.add("name", e.name).add("kind", kind_name(e.kind)).add("raw", e.raw);
          if (e.size_bytes) o.add("size", *e.size_bytes);
          if (e.modified) o.add("modified", iso8601(*e.modified));
          json += (i ? "," : "") + o.str();
        }
        finish(ec, JsonObject().add_raw("entries", json + "]"));
      }));
    case Verb::size:
      return session.async_size(cmd.first, bind([this](std::error_code ec, std::uint64_t n) {
        if (!ec && !options.json) out << n << "\n";
        finish(ec, JsonObject().add("size", n));
      }));
    case Verb::mdtm:
      return session.async_mdtm(cmd.first, bind([this](std::error_code ec, std::chrono::sys_seconds t) {
        if (!ec && !options.json) out << iso8601(t) << "\n";
        finish(ec, JsonObject().add("modified", iso8601(t)));
      }));
    case Verb::rm:
    case Verb::mkdir:
    case Verb::rmdir: {
      const auto op = cmd.verb == Verb::rm ? FtpSession::SimpleOp::remove
                      : cmd.verb == Verb::mkdir ? FtpSession::SimpleOp::mkdir : FtpSession::SimpleOp::rmdir;
      return session.async_simple(op, cmd.first, bind([this](std::error_code ec) {
        if (!ec) say(fmt::format("{}: {} done", verb_name(cmd.verb), cmd.first));
        finish(ec, JsonObject().add("path", cmd.first));
      }));
    }
    case Verb::mv:
      return session.async_rename(cmd.first, cmd.second, bind([this](std::error_code ec) {
        if (!ec) say(fmt::format("mv: {} -> {} done", cmd.first, cmd.second));
        finish(ec, JsonObject().add("from", cmd.first).add("to", cmd.second));
      }));
    case Verb::state:
      return session.async_state(bind([this](std::error_code ec, FtpState s) {
        const char* text = s == FtpState::busy ? "busy" : "idle";
        if (!ec && !options.json) out << text << "\n";
        finish(ec, JsonObject().add("state", text));
      }));
    case Verb::ports:  // needs no modem: main() runs print_ports() before opening the device
    case Verb::none:
      return finish(make_error_code(AtErrc::invalid_argument), {});
  }
}

}  // namespace

std::function<void()> run_command(Modem& modem, FtpSession& session, const Command& cmd, const RunOptions& options,
                                  std::ostream& out, std::ostream& err, std::function<void(std::error_code)> done) {
  auto run = std::make_shared<Run>(modem, session, cmd, options, out, err);
  run->done = std::move(done);
  run->start();
  return [weak = std::weak_ptr<Run>(run)] {
    if (auto r = weak.lock()) r->cancel.emit(asio::cancellation_type::terminal);
  };
}

int print_ports(std::ostream& out, bool json) {
  const std::vector<SerialPortInfo> ports = list_serial_ports();
  std::string items;
  for (const SerialPortInfo& p : ports) {
    const std::string usb = p.usb_vendor_id && p.usb_product_id
                                ? fmt::format("{:04x}:{:04x}", *p.usb_vendor_id, *p.usb_product_id) : "-";
    const std::string iface = p.interface_number ? std::to_string(*p.interface_number) : "-";
    if (json) {
      JsonObject o;
      o.add("device", p.device).add("usb", usb).add("driver", p.driver).add("likely_sim7080_at_port", p.likely_sim7080_at_port);
      if (p.interface_number) o.add("interface", static_cast<std::uint64_t>(*p.interface_number));
      items += (items.empty() ? "" : ",") + o.str();
    } else {
      out << fmt::format("{:<18} {:<10} {:<3} {:<12} {}\n", p.device, usb, iface, p.driver,
                         p.likely_sim7080_at_port ? "<- SIM7080 AT port (likely)" : "");
    }
  }
  if (json) out << JsonObject().add("command", "ports").add("ok", true).add_raw("result", "{\"ports\":[" + items + "]}").str() << "\n";
  else if (ports.empty()) out << "no serial ports found\n";
  return 0;
}

int exit_code(std::error_code ec) {
  if (!ec) return 0;
  if (ec.category() == transport_category() || ec == AtErrc::channel_closed) return 3;
  if (ec == AtErrc::timeout) return 4;
  if (ec == AtErrc::invalid_argument) return 2;
  return 1;
}

std::string describe(std::error_code ec) { return ec.message(); }

}  // namespace sim7080::cli

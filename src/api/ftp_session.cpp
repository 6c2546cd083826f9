// FtpSession: validates and plans each operation, then runs its FSM on an OpRunner.
#include "sim7080/ftp_session.hpp"

#include <fmt/format.h>

#include "api/modem_impl.hpp"
#include "api/sequence.hpp"
#include "asio/error.hpp"
#include "asio/post.hpp"
#include "at/quote.hpp"
#include "ftp/byte_source.hpp"
#include "ftp/config_plan.hpp"
#include "ftp/etget_fsm.hpp"
#include "ftp/etput_fsm.hpp"
#include "ftp/extget_file_fsm.hpp"
#include "ftp/extget_fsm.hpp"
#include "ftp/extput_fsm.hpp"
#include "ftp/get_fsm.hpp"
#include "ftp/list_fsm.hpp"
#include "ftp/list_parser.hpp"
#include "ftp/mdtm_parser.hpp"
#include "ftp/op_runner.hpp"
#include "ftp/put_fsm.hpp"
#include "ftp/remote_path.hpp"
#include "ftp/single_reply_fsm.hpp"

namespace sim7080 {
namespace {

using ftp::CommandId;
using ftp::SetterStep;
using Steps = std::vector<SetterStep>;
using Clock = std::chrono::steady_clock;

}  // namespace

class FtpSession::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(Modem::Impl& modem, FtpConfig config) : modem_(modem), config_(std::move(config)) {}

  Modem::Impl& modem() { return modem_; }
  FtpConfig& config() { return config_; }
  ftp::ModemFtpSettings& cache() { return modem_.ftp_settings; }

  // The session settings followed by `more`; an error means nothing may be written.
  std::error_code plan(Steps& steps) { return ftp::plan_session(config_, cache(), steps); }

  using Deliver = std::function<std::error_code(std::span<const std::byte>)>;
  using Progressed = std::function<void(std::uint64_t)>;
  using Done = std::function<void(std::error_code, ftp::Fsm&)>;

  // Runs one operation; `done` runs exactly once, on the executor, never inline.
  void run(std::error_code plan_error, Steps steps, std::unique_ptr<ftp::Fsm> fsm, Deliver deliver, Progressed progress,
           asio::cancellation_slot slot, Done done) {
    auto fail_now = [&](std::error_code ec) {
      asio::post(modem_.executor(), [done = std::move(done), fsm = std::shared_ptr<ftp::Fsm>(std::move(fsm)), ec] {
        done(ec, *fsm);
      });
    };
    if (plan_error) return fail_now(plan_error);
    if (!modem_.is_open()) return fail_now(make_error_code(AtErrc::channel_closed));
    if (modem_.ftp_busy) return fail_now(make_error_code(AtErrc::busy));
    modem_.ftp_busy = true;
    if (modem_.ftp_resync) {
      Steps resync;
      ftp::plan_resync(resync);
      steps.insert(steps.begin(), std::make_move_iterator(resync.begin()), std::make_move_iterator(resync.end()));
      modem_.ftp_resync = false;  // set again if this operation times out too
    }
    ftp::OpRunner::Hooks hooks;
    hooks.deliver = std::move(deliver);
    hooks.progress = std::move(progress);
    hooks.done = [self = shared_from_this(), slot, done = share(std::move(done))](std::error_code ec, ftp::Fsm& f) mutable {
      self->modem_.ftp_busy = false;
      // A module that stopped answering may have rebooted unseen: its settings are unknown.
      if (ec == AtErrc::timeout) {
        self->cache().forget_all();
        self->modem_.ftp_resync = true;
      }
      if (slot.is_connected()) slot.clear();
      (*done)(ec, f);
    };
    auto runner = std::make_shared<ftp::OpRunner>(modem_.channel(), modem_.make_timer(), cache(), std::move(steps),
                                                  std::move(fsm), std::move(hooks));
    runner->set_command_timeout(config_.session_timeout);
    if (slot.is_connected()) {
      std::weak_ptr<ftp::OpRunner> weak = runner;
      slot.assign([weak](asio::cancellation_type) {
        if (auto r = weak.lock()) r->cancel();
      });
    }
    runner->start();
  }

 private:
  Modem::Impl& modem_;
  FtpConfig config_;
};

FtpSession::FtpSession(Modem& modem, FtpConfig config)
    : impl_(std::make_shared<Impl>(modem.impl(), std::move(config))) {}
FtpSession::~FtpSession() = default;

asio::any_io_executor FtpSession::get_executor() const { return impl_->modem().executor(); }
const FtpConfig& FtpSession::config() const noexcept { return impl_->config(); }
void FtpSession::set_config(FtpConfig config) { impl_->config() = std::move(config); }

// One download; with GetOptions::retries, a retryable failure of AT+FTPGET is followed by
// another attempt from the byte reached (AT+FTPREST), into the same sink.
struct FtpSession::GetRun : std::enable_shared_from_this<FtpSession::GetRun> {
  GetRun(FtpSession::Impl& i, DownloadSink& s) : impl(i), sink(s) {}
  FtpSession::Impl& impl;
  DownloadSink& sink;
  ftp::RemotePath target;
  GetOptions opts;
  std::shared_ptr<detail::Completion<TransferResult>> done;
  asio::cancellation_slot slot;
  Clock::time_point started = Clock::now();
  std::uint64_t bytes = 0;  // delivered to the sink, over all attempts
  int retries_left = 0;

  void attempt(std::error_code ec) {
    Steps steps;
    if (!ec) ec = impl.plan(steps);
    std::unique_ptr<ftp::Fsm> fsm;
    const auto timeout = impl.config().session_timeout;
    switch (opts.method) {
      case GetMethod::get: {
        if (!ec) ec = ftp::plan_rest(opts.offset + bytes, true, impl.cache(), steps);
        std::optional<std::uint64_t> expected;
        if (opts.expected_size) expected = *opts.expected_size - std::min(bytes, *opts.expected_size);
        fsm = std::make_unique<ftp::GetFsm>(expected, timeout);
        break;
      }
      case GetMethod::extget:
      case GetMethod::etget:
        // REST is honoured by AT+FTPGET only (spec §8 Q6): an offset here would be ignored.
        if (!ec && opts.offset != 0) ec = make_error_code(AtErrc::invalid_argument);
        if (!ec) ec = ftp::plan_rest(0, false, impl.cache(), steps);
        if (opts.method == GetMethod::extget) fsm = std::make_unique<ftp::ExtGetFsm>(timeout);
        else fsm = std::make_unique<ftp::EtGetFsm>(timeout);
        break;
    }
    if (!ec) ec = ftp::plan_get_target(target.directory, target.name, impl.cache(), steps);
    auto self = shared_from_this();
    auto deliver = [self](std::span<const std::byte> b) {
      self->bytes += b.size();
      return self->sink.write(b);
    };
    auto progress = [self](std::uint64_t) {
      if (self->opts.on_progress) self->opts.on_progress(Progress{self->bytes, self->opts.expected_size});
    };
    impl.run(ec, std::move(steps), std::move(fsm), deliver, progress, slot, [self](std::error_code result, ftp::Fsm&) {
      // Only AT+FTPGET resumes (REST); a cancel or a sink error never retries.
      const bool retry = result && self->retries_left > 0 && self->opts.method == GetMethod::get &&
                         result == Condition::retryable && result != std::error_code(asio::error::operation_aborted);
      if (retry) {
        --self->retries_left;
        return self->attempt({});
      }
      if (!result) result = self->sink.commit();
      if (result) self->sink.abandon();
      self->done->complete(result, TransferResult{self->bytes, Clock::now() - self->started});
    });
  }
};

void FtpSession::start_get(std::string path, DownloadSink& sink, GetOptions opts,
                           detail::Completion<TransferResult> done, asio::cancellation_slot slot) {
  auto run = std::make_shared<GetRun>(*impl_, sink);
  run->retries_left = std::max(opts.retries, 0);
  run->opts = std::move(opts);
  run->done = share(std::move(done));
  run->slot = slot;
  std::error_code ec = ftp::split_remote_path(path, run->target);
  if (!ec) ec = sink.begin();
  run->attempt(ec);
}

std::optional<ModuleFile> ModuleFile::parse(std::string_view path) {
  static constexpr std::string_view kDirs[] = {"custapp", "fota", "datatx", "customer"};
  if (path.empty() || path.front() != '/') return std::nullopt;
  path.remove_prefix(1);
  const auto slash = path.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  for (std::size_t i = 0; i < 4; ++i) {
    if (path.substr(0, slash) == kDirs[i]) return ModuleFile{static_cast<ModuleFile::Directory>(i), std::string(path.substr(slash + 1))};
  }
  return std::nullopt;
}

void FtpSession::start_get_to_module(std::string path, ModuleFile file, detail::Completion<std::uint64_t> done,
                                     asio::cancellation_slot slot) {
  Steps steps;
  ftp::RemotePath target;
  std::error_code ec = ftp::split_remote_path(path, target);
  std::string quoted;
  if (!ec && (file.name.empty() || file.name.find('/') != std::string::npos)) ec = make_error_code(AtErrc::invalid_argument);
  if (!ec) ec = at::quote_argument(file.name, 50, quoted);  // the module's limit (spec §3.23)
  if (!ec) ec = impl_->plan(steps);
  if (!ec) ec = ftp::plan_rest(0, false, impl_->cache(), steps);
  if (!ec) ec = ftp::plan_get_target(target.directory, target.name, impl_->cache(), steps);
  auto fsm = std::make_unique<ftp::ExtGetFileFsm>(static_cast<int>(file.directory), file.name,
                                                  impl_->config().session_timeout);
  impl_->run(ec, std::move(steps), std::move(fsm), nullptr, nullptr, slot,
             [done = share(std::move(done))](std::error_code result, ftp::Fsm& f) mutable {
               const auto size = result ? 0 : static_cast<ftp::ExtGetFileFsm&>(f).file_size().value_or(0);
               done->complete(result, size);
             });
}

namespace {

// The module's RAM holds at most this much of an extended upload (spec §8 Q8).
constexpr std::uint64_t kModuleRamBytes = 300000;

// At most `limit` bytes of the user's source: one round of an extended upload.
class WindowSource final : public ftp::ByteSource {
 public:
  WindowSource(UploadSource& source, std::uint64_t limit, std::optional<std::uint64_t> size)
      : source_(source), left_(limit), size_(size) {}
  std::error_code read(std::span<std::byte> into, std::size_t& got) override {
    got = 0;
    if (left_ == 0) return {};
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(into.size(), left_));
    auto ec = source_.read(into.first(n), got);
    left_ -= std::min<std::uint64_t>(got, left_);
    return ec;
  }
  std::optional<std::uint64_t> size() const override { return size_; }

 private:
  UploadSource& source_;
  std::uint64_t left_;
  std::optional<std::uint64_t> size_;
};

std::uint64_t bytes_written(ftp::Fsm& f) {
  if (auto* p = dynamic_cast<ftp::PutFsm*>(&f)) return p->bytes_written();
  if (auto* p = dynamic_cast<ftp::ExtPutFsm*>(&f)) return p->bytes_written();
  if (auto* p = dynamic_cast<ftp::EtPutFsm*>(&f)) return p->bytes_written();
  return 0;
}

}  // namespace

// One upload, in rounds when it is an extended upload larger than the module's RAM: the first
// round stores (or appends, or STOU), every later one appends (APPE) the next 300 000 bytes.
struct FtpSession::PutRun : std::enable_shared_from_this<FtpSession::PutRun> {
  PutRun(FtpSession::Impl& i, UploadSource& s) : impl(i), source(s) {}
  FtpSession::Impl& impl;
  UploadSource& source;
  ftp::RemotePath target;
  PutOptions opts;
  std::optional<std::uint64_t> total;
  std::shared_ptr<detail::Completion<TransferResult>> done;
  asio::cancellation_slot slot;
  Clock::time_point started = Clock::now();
  std::uint64_t sent = 0;
  std::unique_ptr<WindowSource> window;

  bool extended() const { return opts.method == PutMethod::extput; }

  void round(std::error_code ec) {
    Steps steps;
    const PutMode mode = sent == 0 ? opts.mode : PutMode::append;
    if (!ec) ec = impl.plan(steps);
    if (!ec) ec = ftp::plan_put_target(target.directory, target.name, mode, impl.cache(), steps);
    const std::uint64_t limit = extended() ? kModuleRamBytes : UINT64_MAX;
    std::optional<std::uint64_t> window_size;
    if (total) window_size = std::min(*total - std::min(sent, *total), limit);
    window = std::make_unique<WindowSource>(source, limit, window_size);
    const auto timeout = impl.config().session_timeout;
    std::unique_ptr<ftp::Fsm> fsm;
    switch (opts.method) {
      case PutMethod::put: fsm = std::make_unique<ftp::PutFsm>(*window, timeout); break;
      case PutMethod::extput: fsm = std::make_unique<ftp::ExtPutFsm>(*window, timeout); break;
      case PutMethod::etput: fsm = std::make_unique<ftp::EtPutFsm>(*window, timeout); break;
    }
    auto self = shared_from_this();
    auto progress = [self](std::uint64_t n) {
      if (self->opts.on_progress) self->opts.on_progress(Progress{self->sent + n, self->total});
    };
    impl.run(ec, std::move(steps), std::move(fsm), nullptr, progress, slot,
             [self, limit](std::error_code result, ftp::Fsm& f) {
               const auto bytes = bytes_written(f);
               self->sent += bytes;
               const bool more = self->extended() && !result &&
                                 (self->total ? self->sent < *self->total : bytes == limit);
               if (more) return self->round({});
               self->done->complete(result, TransferResult{self->sent, Clock::now() - self->started});
             });
  }
};

void FtpSession::start_put(UploadSource& source, std::string path, PutOptions opts,
                           detail::Completion<TransferResult> done, asio::cancellation_slot slot) {
  auto run = std::make_shared<PutRun>(*impl_, source);
  run->total = source.size();
  run->opts = std::move(opts);
  run->done = share(std::move(done));
  run->slot = slot;
  std::error_code ec = ftp::split_remote_path(path, run->target);
  // A unique name (STOU) cannot be appended to in a second round: the module cannot say it.
  if (!ec && run->extended() && run->opts.mode == PutMode::unique && (!run->total || *run->total > kModuleRamBytes)) {
    ec = make_error_code(AtErrc::invalid_argument);
  }
  run->round(ec);
}

void FtpSession::start_list(std::string path, detail::Completion<std::vector<ListEntry>> done,
                            asio::cancellation_slot slot) {
  Steps steps;
  std::string dir;
  std::error_code ec = ftp::directory_path(path, dir);
  if (!ec) ec = impl_->plan(steps);
  if (!ec) ec = ftp::plan_rest(0, false, impl_->cache(), steps);
  if (!ec) ec = ftp::plan_getpath(dir, impl_->cache(), steps);
  auto listing = std::make_shared<std::string>();
  auto deliver = [listing](std::span<const std::byte> b) {
    // A hostile listing cannot grow without bound: 16 MiB is far beyond any real directory.
    if (listing->size() + b.size() > (16u << 20)) return make_error_code(AtErrc::protocol_error);
    listing->append(reinterpret_cast<const char*>(b.data()), b.size());
    return std::error_code{};
  };
  impl_->run(ec, std::move(steps), std::make_unique<ftp::ListFsm>(impl_->config().session_timeout), deliver, nullptr,
             slot, [listing, done = share(std::move(done))](std::error_code result, ftp::Fsm&) mutable {
               std::vector<ListEntry> entries;
               if (!result) {
                 const auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
                 entries = ftp::parse_list(*listing, now);
               }
               done->complete(result, std::move(entries));
             });
}

namespace {
std::error_code plan_file_op(FtpSession::Impl& impl, const std::string& path, Steps& steps) {
  ftp::RemotePath target;
  std::error_code ec = ftp::split_remote_path(path, target);
  if (!ec) ec = impl.plan(steps);
  if (!ec) ec = ftp::plan_get_target(target.directory, target.name, impl.cache(), steps);
  return ec;
}
}  // namespace

void FtpSession::start_size(std::string path, detail::Completion<std::uint64_t> done, asio::cancellation_slot slot) {
  Steps steps;
  const auto ec = plan_file_op(*impl_, path, steps);
  auto fsm = std::make_unique<ftp::SingleReplyFsm>(CommandId::ftpsize, "AT+FTPSIZE", impl_->config().session_timeout);
  impl_->run(ec, std::move(steps), std::move(fsm), nullptr, nullptr, slot,
             [done = share(std::move(done))](std::error_code result, ftp::Fsm& f) mutable {
               std::uint64_t size = 0;
               if (!result) size = static_cast<ftp::SingleReplyFsm&>(f).size().value_or(0);
               done->complete(result, size);
             });
}

void FtpSession::start_mdtm(std::string path, detail::Completion<std::chrono::sys_seconds> done,
                            asio::cancellation_slot slot) {
  Steps steps;
  const auto ec = plan_file_op(*impl_, path, steps);
  auto fsm = std::make_unique<ftp::SingleReplyFsm>(CommandId::ftpmdtm, "AT+FTPMDTM", impl_->config().session_timeout);
  impl_->run(ec, std::move(steps), std::move(fsm), nullptr, nullptr, slot,
             [done = share(std::move(done))](std::error_code result, ftp::Fsm& f) mutable {
               std::chrono::sys_seconds when{};
               if (!result) {
                 const auto parsed = ftp::parse_mdtm(static_cast<ftp::SingleReplyFsm&>(f).timestamp());
                 if (parsed) when = *parsed;
                 else result = make_error_code(AtErrc::protocol_error);
               }
               done->complete(result, when);
             });
}

void FtpSession::start_simple(SimpleOp op, std::string path, detail::Completion<> done, asio::cancellation_slot slot) {
  Steps steps;
  std::error_code ec;
  CommandId id = CommandId::ftpdele;
  std::string line = "AT+FTPDELE";
  if (op == SimpleOp::remove) {
    ec = plan_file_op(*impl_, path, steps);
  } else {
    std::string dir;
    ec = ftp::directory_path(path, dir);
    if (!ec && dir == "/") ec = make_error_code(AtErrc::invalid_argument);  // the root cannot be made or removed
    if (!ec) ec = impl_->plan(steps);
    if (!ec) ec = ftp::plan_getpath(dir, impl_->cache(), steps);
    id = op == SimpleOp::mkdir ? CommandId::ftpmkd : CommandId::ftprmd;
    line = op == SimpleOp::mkdir ? "AT+FTPMKD" : "AT+FTPRMD";
  }
  auto fsm = std::make_unique<ftp::SingleReplyFsm>(id, std::move(line), impl_->config().session_timeout);
  impl_->run(ec, std::move(steps), std::move(fsm), nullptr, nullptr, slot,
             [done = share(std::move(done))](std::error_code result, ftp::Fsm&) mutable { done->complete(result); });
}

void FtpSession::start_rename(std::string from, std::string to, detail::Completion<> done, asio::cancellation_slot slot) {
  Steps steps;
  ftp::RemotePath f;
  ftp::RemotePath t;
  std::error_code ec = ftp::split_remote_path(from, f);
  if (!ec) {
    // A bare new name stays in the old file's directory.
    if (to.find('/') == std::string::npos) to = (f.directory == "/" ? "/" : f.directory + "/") + to;
    ec = ftp::split_remote_path(to, t);
  }
  if (!ec) ec = impl_->plan(steps);
  if (!ec) ec = ftp::plan_rename(f, t, impl_->cache(), steps);
  auto fsm = std::make_unique<ftp::SingleReplyFsm>(CommandId::ftprename, "AT+FTPRENAME", impl_->config().session_timeout);
  impl_->run(ec, std::move(steps), std::move(fsm), nullptr, nullptr, slot,
             [done = share(std::move(done))](std::error_code result, ftp::Fsm&) mutable { done->complete(result); });
}

void FtpSession::start_state(detail::Completion<FtpState> done, asio::cancellation_slot slot) {
  auto seq = Sequence::create(impl_->modem(), slot);
  seq->call("AT+FTPSTATE", ftp::command_spec(CommandId::ftpstate),
            [seq, done = share(std::move(done))](std::error_code ec, std::vector<std::string> lines) mutable {
              seq->finish();
              FtpState state = FtpState::idle;
              if (!ec) {
                std::optional<at::ResponseFields> f;
                for (const auto& l : lines) {
                  if (at::has_prefix(l, "+FTPSTATE")) f = at::parse_response(l);
                }
                const auto v = f ? f->number(0) : std::nullopt;
                if (!v || *v > 1) ec = make_error_code(AtErrc::protocol_error);
                else state = *v == 1 ? FtpState::busy : FtpState::idle;
              }
              done->complete(ec, state);
            });
}

void FtpSession::start_quit(detail::Completion<> done, asio::cancellation_slot slot) {
  auto seq = Sequence::create(impl_->modem(), slot);
  seq->call("AT+FTPQUIT", ftp::command_spec(CommandId::ftpquit),
            [seq, done = share(std::move(done))](std::error_code ec, std::vector<std::string>) mutable {
              seq->finish();
              // ERROR: no operation was running, which is what the caller wanted.
              if (ec == AtErrc::error_result) ec = {};
              done->complete(ec);
            });
}

}  // namespace sim7080

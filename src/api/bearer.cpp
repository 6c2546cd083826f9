// Modem's bearer operations (spec §2): status, bring-up and tear-down of the PDP context
// that FTP uses, as sequences of queries, commands and the `+APP PDP` URC.
#include <fmt/format.h>

#include "api/modem_impl.hpp"
#include "api/sequence.hpp"
#include "at/quote.hpp"
#include "at/response_fields.hpp"
#include "ftp/bearer_parse.hpp"
#include "sim7080/modem.hpp"

namespace sim7080 {
namespace {

using ftp::CommandId;
using ftp::command_spec;
using Lines = std::vector<std::string>;

struct BearerRun {
  std::shared_ptr<Sequence> seq;
  detail::Completion<BearerInfo> done;
  BearerInfo info;
  BearerOptions options;
  std::chrono::steady_clock::time_point attach_deadline;

  void finish(std::error_code ec) {
    seq->finish();
    done.complete(ec, ec ? BearerInfo{} : info);
  }
};
using RunPtr = std::shared_ptr<BearerRun>;

// The first line of a reply that carries `prefix`, for the single-line parsers.
std::string_view first_with(const Lines& lines, std::string_view prefix) {
  for (const auto& l : lines) {
    if (at::has_prefix(l, prefix)) return l;
  }
  return {};
}

std::error_code sim_error(std::string_view state) {
  if (state == "READY") return {};
  if (state == "SIM PIN" || state == "PH_SIM PIN" || state == "SIM PIN2") return make_error_code(CmeErrc::sim_pin_required);
  if (state == "SIM PUK" || state == "PH_SIM PUK" || state == "SIM PUK2") return make_error_code(CmeErrc::sim_puk_required);
  if (state == "NOT INSERTED") return make_error_code(CmeErrc::sim_not_inserted);
  return make_error_code(CmeErrc::sim_failure);
}

// Each step: send, parse into run->info, then continue with `next` (or finish on error).
void query(const RunPtr& run, std::string line, CommandId id, std::function<std::error_code(const Lines&)> parse,
           std::function<void()> next) {
  run->seq->call(std::move(line), command_spec(id), [run, parse = std::move(parse), next = std::move(next)](std::error_code ec, Lines lines) {
    if (!ec) ec = parse(lines);
    if (ec) return run->finish(ec);
    next();
  });
}

const std::error_code kUnparseable = make_error_code(AtErrc::protocol_error);

std::error_code parse_cpin(BearerInfo& info, const Lines& lines) {
  // The state text as the module prints it; ftp::parse_cpin only knows the documented ones.
  const auto f = at::parse_response(first_with(lines, "+CPIN"));
  if (!f || f->count < 1) return kUnparseable;
  info.sim_state = std::string(f->text(0));
  return {};
}

std::error_code parse_csq(BearerInfo& info, const Lines& lines) {
  const auto q = ftp::parse_csq(first_with(lines, "+CSQ"));
  if (!q) return kUnparseable;
  info.rssi = q->rssi;
  info.ber = q->ber;
  return {};
}

std::error_code parse_cgatt(BearerInfo& info, const Lines& lines) {
  const auto attached = ftp::parse_cgatt(first_with(lines, "+CGATT"));
  if (!attached) return kUnparseable;
  info.attached = *attached;
  return {};
}

std::error_code parse_cops(BearerInfo& info, const Lines& lines) {
  const auto n = ftp::parse_cops(first_with(lines, "+COPS"));
  if (!n) return kUnparseable;
  info.operator_name = n->operator_name;
  info.access_technology = n->access_technology.value_or(-1);
  return {};
}

std::error_code parse_cnact(BearerInfo& info, int cid, const Lines& lines) {
  for (const auto& l : lines) {
    const auto ctx = ftp::parse_cnact(l);
    if (!ctx || ctx->index != cid) continue;
    info.address = ctx->address;
    info.active = ctx->status != 0 && info.address != "0.0.0.0";
    return {};
  }
  return kUnparseable;
}

bool is_app_pdp(std::string_view line, int cid, bool active) {
  const auto st = ftp::parse_app_pdp(line);
  return st && st->index == cid && st->active == active;
}

void read_address(const RunPtr& run) {
  const int cid = run->options.cid;
  query(run, "AT+CNACT?", CommandId::cnact, [run, cid](const Lines& l) { return parse_cnact(run->info, cid, l); },
        [run] { run->finish({}); });
}

void activate(const RunPtr& run) {
  const int cid = run->options.cid;
  run->seq->watch_urc("+APP PDP", [cid](std::string_view l) { return is_app_pdp(l, cid, true); });
  run->seq->call(fmt::format("AT+CNACT={},1", cid), command_spec(CommandId::cnact), [run](std::error_code ec, Lines) {
    if (ec) return run->finish(ec);
    // The bearer counts as up only at `+APP PDP: <cid>,ACTIVE`, which follows the OK (§2.3).
    run->seq->wait_urc(run->options.activate_timeout, [run](std::error_code wait_ec) {
      if (wait_ec) return run->finish(wait_ec);
      read_address(run);
    });
  });
}

void configure_and_activate(const RunPtr& run) {
  const int cid = run->options.cid;
  auto check_active = [run, cid] {
    query(run, "AT+CNACT?", CommandId::cnact, [run, cid](const Lines& l) { return parse_cnact(run->info, cid, l); },
          [run] {
            if (run->info.active) return run->finish({});  // already up: leave it as it is
            activate(run);
          });
  };
  if (run->options.apn.empty()) return check_active();
  std::string apn;
  if (auto ec = at::quote_argument(run->options.apn, 150, apn)) return run->finish(ec);
  query(run, fmt::format("AT+CNCFG={},1,{}", cid, apn), CommandId::cncfg, [](const Lines&) { return std::error_code{}; },
        check_active);
}

void wait_attached(const RunPtr& run) {
  query(run, "AT+CGATT?", CommandId::cgatt, [run](const Lines& l) { return parse_cgatt(run->info, l); }, [run] {
    if (!run->info.attached) {
      if (std::chrono::steady_clock::now() >= run->attach_deadline) return run->finish(make_error_code(AtErrc::timeout));
      return run->seq->after(std::chrono::milliseconds{2000}, [run] { wait_attached(run); });
    }
    query(run, "AT+COPS?", CommandId::cops, [run](const Lines& l) { return parse_cops(run->info, l); }, [run] {
      query(run, "AT+CGNAPN", CommandId::cgnapn, [](const Lines&) { return std::error_code{}; },
            [run] { configure_and_activate(run); });
    });
  });
}

bool valid_cid(int cid) { return cid >= 0 && cid <= 3; }

}  // namespace

void Modem::start_bearer(int cid, const BearerOptions* up, bool bring_up, detail::Completion<BearerInfo> done,
                         asio::cancellation_slot slot) {
  auto run = std::make_shared<BearerRun>();
  run->seq = Sequence::create(*impl_, slot);
  run->done = std::move(done);
  if (up) run->options = *up;
  run->options.cid = cid;
  if (!valid_cid(cid)) return run->finish(make_error_code(AtErrc::invalid_argument));
  run->attach_deadline = std::chrono::steady_clock::now() + run->options.attach_timeout;

  query(run, "AT+CPIN?", CommandId::cpin, [run, bring_up](const Lines& l) {
          if (auto ec = parse_cpin(run->info, l)) return ec;
          return bring_up ? sim_error(run->info.sim_state) : std::error_code{};
        },
        [run, bring_up] {
          query(run, "AT+CSQ", CommandId::csq, [run](const Lines& l) { return parse_csq(run->info, l); }, [run, bring_up] {
            if (bring_up) return wait_attached(run);
            query(run, "AT+CGATT?", CommandId::cgatt, [run](const Lines& l) { return parse_cgatt(run->info, l); }, [run] {
              query(run, "AT+COPS?", CommandId::cops, [run](const Lines& l) { return parse_cops(run->info, l); },
                    [run] { read_address(run); });
            });
          });
        });
}

void Modem::start_bearer_down(BearerOptions options, detail::Completion<BearerInfo> done, asio::cancellation_slot slot) {
  auto run = std::make_shared<BearerRun>();
  run->seq = Sequence::create(*impl_, slot);
  run->done = std::move(done);
  run->options = options;
  const int cid = options.cid;
  if (!valid_cid(cid)) return run->finish(make_error_code(AtErrc::invalid_argument));
  run->seq->watch_urc("+APP PDP", [cid](std::string_view l) { return is_app_pdp(l, cid, false); });
  run->seq->call(fmt::format("AT+CNACT={},0", cid), command_spec(CommandId::cnact), [run](std::error_code ec, Lines) {
    if (ec) return run->finish(ec);
    run->seq->wait_urc(std::chrono::milliseconds{10000}, [run](std::error_code wait_ec) {
      if (wait_ec) return run->finish(wait_ec);
      read_address(run);
    });
  });
}

}  // namespace sim7080

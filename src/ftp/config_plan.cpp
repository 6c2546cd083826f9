#include "ftp/config_plan.hpp"

#include <limits>
#include <ostream>
#include <utility>

#include "at/quote.hpp"
#include "sim7080/error.hpp"

namespace sim7080::ftp {
namespace {

std::error_code invalid() noexcept { return make_error_code(AtErrc::invalid_argument); }

std::string command_name(CommandId id) { return std::string(command_spec(id).name); }

SetterStep number_step(CommandId id, std::uint64_t value) {
  return SetterStep{id, command_name(id) + "=" + std::to_string(value), value};
}

// A quoted-string setter; the value was validated by the caller, so quoting cannot fail here
// (quote_argument's own check stays as a second guard).
std::error_code string_step(CommandId id, std::string_view value, std::size_t max_len, SetterStep& out) {
  std::string line = command_name(id) + "=";
  if (auto ec = at::quote_argument(value, max_len, line)) return ec;
  out = SetterStep{id, std::move(line), std::string(value)};
  return {};
}

template <class T>
bool differs(const std::optional<T>& known, const T& wanted) {
  return !known || !(*known == wanted);
}

bool differs(const std::optional<std::string>& known, std::string_view wanted) {
  return !known || *known != wanted;
}

// Appends a string setter when the module may not hold `value`.
std::error_code want_string(CommandId id, const std::optional<std::string>& known, std::string_view value,
                            std::size_t max_len, std::vector<SetterStep>& steps) {
  if (!differs(known, value)) return {};
  SetterStep step{id, {}, {}};
  if (auto ec = string_step(id, value, max_len, step)) return ec;
  steps.push_back(std::move(step));
  return {};
}

std::error_code validated_string(std::string_view value, std::size_t max_len) {
  return value.size() <= max_len && at::is_quotable(value) ? std::error_code{} : invalid();
}

// Moves the planned steps to `out` only when every line is one the module can take.
std::error_code commit(std::vector<SetterStep>& steps, std::vector<SetterStep>& out) {
  for (const auto& s : steps) {
    if (auto ec = at::check_command_line(s.line)) return ec;
  }
  for (auto& s : steps) out.push_back(std::move(s));
  return {};
}

template <class T>
void assign_number(std::optional<T>& field, const SetterValue& v) {
  const auto* n = std::get_if<std::uint64_t>(&v);
  if (n && *n <= static_cast<std::uint64_t>(std::numeric_limits<T>::max())) {
    field = static_cast<T>(*n);
  } else {
    field.reset();
  }
}

void assign_string(std::optional<std::string>& field, const SetterValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) {
    field = *s;
  } else {
    field.reset();
  }
}

const SslSetting* ssl_value(const SetterStep& step) {
  return step.id == CommandId::ftpssl ? std::get_if<SslSetting>(&step.value) : nullptr;
}

}  // namespace

void ModemFtpSettings::forget_all() noexcept {
  // An FTPSSL the module may still hold must survive the reset: unknown is not "off" here.
  const bool maybe_on = ssl_maybe_on || (ssl && ssl->type != 0);
  *this = ModemFtpSettings{};
  ssl_maybe_on = maybe_on;
}

void ModemFtpSettings::forget_after_restart() noexcept { *this = ModemFtpSettings{}; }

std::string_view put_mode_value(PutMode mode) noexcept {
  switch (mode) {
    case PutMode::store: return "STOR";
    case PutMode::append: return "APPE";
    case PutMode::unique: return "STOU";
  }
  return {};
}

void plan_resync(std::vector<SetterStep>& out) {
  out.push_back(SetterStep{CommandId::at, "AT", std::uint64_t{0}, false});
  out.push_back(SetterStep{CommandId::ftpquit, "AT+FTPQUIT", std::uint64_t{0}, true});
}

std::error_code plan_session(const FtpConfig& config, const ModemFtpSettings& cache, std::vector<SetterStep>& out) {
  // Validate everything first: nothing is planned for a configuration the module cannot take.
  if (config.server.empty()) return invalid();
  if (auto ec = validated_string(config.server, max_server_chars)) return ec;
  if (auto ec = validated_string(config.user, max_user_chars)) return ec;
  if (auto ec = validated_string(config.password, max_password_chars)) return ec;
  if (auto ec = validated_string(config.ca_file, max_ssl_file_chars)) return ec;
  if (auto ec = validated_string(config.cert_file, max_ssl_file_chars)) return ec;
  if (config.cid < 0 || config.cid > max_cid) return invalid();
  if (config.port == 0) return invalid();
  if (config.ssl_context < 0 || config.ssl_context > max_ssl_context) return invalid();
  const int tls = static_cast<int>(config.tls);
  if (tls < 0 || tls > 2) return invalid();

  std::vector<SetterStep> steps;
  if (differs(cache.cid, config.cid)) steps.push_back(number_step(CommandId::ftpcid, static_cast<std::uint64_t>(config.cid)));
  if (auto ec = want_string(CommandId::ftpserv, cache.serv, config.server, max_server_chars, steps)) return ec;
  if (differs(cache.port, config.port)) steps.push_back(number_step(CommandId::ftpport, config.port));
  if (auto ec = want_string(CommandId::ftpun, cache.un, config.user, max_user_chars, steps)) return ec;
  if (auto ec = want_string(CommandId::ftppw, cache.pw, config.password, max_password_chars, steps)) return ec;
  const int mode = config.passive ? 1 : 0;
  if (differs(cache.mode, mode)) steps.push_back(number_step(CommandId::ftpmode, static_cast<std::uint64_t>(mode)));
  if (auto ec = want_string(CommandId::ftptype, cache.type, config.binary ? "I" : "A", 1, steps)) return ec;

  SslSetting ssl{tls, config.ssl_context, config.ca_file, config.cert_file};
  const bool tls_wanted = config.tls != TlsMode::none;
  const bool ssl_needed = tls_wanted ? differs(cache.ssl, ssl)
                                     : (cache.ssl ? cache.ssl->type != 0 : cache.ssl_maybe_on);
  if (ssl_needed) {
    std::string line = command_name(CommandId::ftpssl) + "=" + std::to_string(ssl.type) + "," +
                       std::to_string(ssl.context) + ",";
    if (auto ec = at::quote_argument(ssl.ca_file, max_ssl_file_chars, line)) return ec;
    line += ',';
    if (auto ec = at::quote_argument(ssl.cert_file, max_ssl_file_chars, line)) return ec;
    steps.push_back(SetterStep{CommandId::ftpssl, std::move(line), std::move(ssl)});
  }
  return commit(steps, out);
}

std::error_code plan_rest(std::uint64_t offset_bytes, bool always, const ModemFtpSettings& cache,
                          std::vector<SetterStep>& out) {
  if (offset_bytes > max_rest_offset_bytes) return invalid();
  if (always || differs(cache.rest, offset_bytes)) out.push_back(number_step(CommandId::ftprest, offset_bytes));
  return {};
}

std::error_code plan_get_target(std::string_view directory, std::string_view name, const ModemFtpSettings& cache,
                                std::vector<SetterStep>& out) {
  if (auto ec = validate_directory(directory)) return ec;
  if (auto ec = validate_name(name)) return ec;
  std::vector<SetterStep> steps;
  if (auto ec = want_string(CommandId::ftpgetpath, cache.getpath, directory, max_directory_chars, steps)) return ec;
  if (auto ec = want_string(CommandId::ftpgetname, cache.getname, name, max_name_chars, steps)) return ec;
  return commit(steps, out);
}

std::error_code plan_put_target(std::string_view directory, std::string_view name, PutMode mode,
                                const ModemFtpSettings& cache, std::vector<SetterStep>& out) {
  const auto verb = put_mode_value(mode);
  if (verb.empty()) return invalid();
  if (auto ec = validate_directory(directory)) return ec;
  if (auto ec = validate_name(name)) return ec;
  std::vector<SetterStep> steps;
  if (auto ec = want_string(CommandId::ftpputopt, cache.putopt, verb, verb.size(), steps)) return ec;
  if (auto ec = want_string(CommandId::ftpputpath, cache.putpath, directory, max_directory_chars, steps)) return ec;
  if (auto ec = want_string(CommandId::ftpputname, cache.putname, name, max_name_chars, steps)) return ec;
  return commit(steps, out);
}

std::error_code plan_getpath(std::string_view directory, const ModemFtpSettings& cache,
                             std::vector<SetterStep>& out) {
  if (auto ec = validate_directory(directory)) return ec;
  std::vector<SetterStep> steps;
  if (auto ec = want_string(CommandId::ftpgetpath, cache.getpath, directory, max_directory_chars, steps)) return ec;
  return commit(steps, out);
}

std::error_code plan_rename(const RemotePath& from, const RemotePath& to, const ModemFtpSettings& cache,
                            std::vector<SetterStep>& out) {
  if (from.directory != to.directory) return invalid();
  if (auto ec = validate_name(to.name)) return ec;
  std::vector<SetterStep> steps;
  if (auto ec = plan_get_target(from.directory, from.name, cache, steps)) return ec;
  if (auto ec = want_string(CommandId::ftpputname, cache.putname, to.name, max_name_chars, steps)) return ec;
  return commit(steps, out);
}

void record_ack(ModemFtpSettings& cache, const SetterStep& step) {
  const SetterValue& v = step.value;
  switch (step.id) {
    case CommandId::ftpcid: assign_number(cache.cid, v); break;
    case CommandId::ftpserv: assign_string(cache.serv, v); break;
    case CommandId::ftpport: assign_number(cache.port, v); break;
    case CommandId::ftpun: assign_string(cache.un, v); break;
    case CommandId::ftppw: assign_string(cache.pw, v); break;
    case CommandId::ftpmode: assign_number(cache.mode, v); break;
    case CommandId::ftptype: assign_string(cache.type, v); break;
    case CommandId::ftpputopt: assign_string(cache.putopt, v); break;
    case CommandId::ftprest: assign_number(cache.rest, v); break;
    case CommandId::ftpgetpath: assign_string(cache.getpath, v); break;
    case CommandId::ftpgetname: assign_string(cache.getname, v); break;
    case CommandId::ftpputpath: assign_string(cache.putpath, v); break;
    case CommandId::ftpputname: assign_string(cache.putname, v); break;
    case CommandId::ftpssl:
      if (const auto* ssl = ssl_value(step)) {
        cache.ssl = *ssl;
        cache.ssl_maybe_on = ssl->type != 0;
      } else {
        cache.ssl.reset();
      }
      break;
    default: break;
  }
}

void record_failure(ModemFtpSettings& cache, const SetterStep& step) {
  cache.forget_all();
  if (const auto* ssl = ssl_value(step); ssl && ssl->type != 0) cache.ssl_maybe_on = true;
}

std::string to_string(const SetterStep& step) {
  if (step.id == CommandId::ftppw) return command_name(CommandId::ftppw) + "=<redacted>";
  return step.line;
}

void PrintTo(const SetterStep& step, std::ostream* os) { *os << to_string(step); }

void PrintTo(const ModemFtpSettings& s, std::ostream* os) {
  const auto num = [os](const char* name, const auto& v) {
    *os << name << '=';
    if (v) {
      *os << +*v;
    } else {
      *os << '?';
    }
    *os << ' ';
  };
  const auto str = [os](const char* name, const std::optional<std::string>& v) {
    *os << name << '=';
    if (v) {
      *os << '"' << *v << '"';
    } else {
      *os << '?';
    }
    *os << ' ';
  };
  *os << "{ ";
  num("cid", s.cid);
  str("serv", s.serv);
  num("port", s.port);
  str("un", s.un);
  *os << "pw=" << (s.pw ? "<set>" : "?") << ' ';
  num("mode", s.mode);
  str("type", s.type);
  *os << "ssl=";
  if (s.ssl) {
    *os << s.ssl->type << ',' << s.ssl->context << ",\"" << s.ssl->ca_file << "\",\"" << s.ssl->cert_file << '"';
  } else {
    *os << (s.ssl_maybe_on ? "?(maybe on)" : "?");
  }
  *os << ' ';
  str("putopt", s.putopt);
  num("rest", s.rest);
  str("getpath", s.getpath);
  str("getname", s.getname);
  str("putpath", s.putpath);
  str("putname", s.putname);
  *os << '}';
}

}  // namespace sim7080::ftp

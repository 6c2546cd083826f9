#include "cli_output.hpp"

#include <fmt/format.h>

namespace sim7080::cli {

std::string json_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (u < 0x20 || u >= 0x7F) out += fmt::format("\\u{:04x}", u);
        else out += c;
    }
  }
  return out;
}

namespace {

// Strings are built by appending: GCC 12 at -O3 reports a false -Wrestrict on
// `"\"" + s + "\""` (GCC bug 105329).
std::string quoted(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  out += json_escape(s);
  out += '"';
  return out;
}

}  // namespace

JsonObject& JsonObject::add(std::string_view key, std::string_view value) {
  fields_.emplace_back(std::string(key), quoted(value));
  return *this;
}
JsonObject& JsonObject::add(std::string_view key, std::uint64_t value) {
  fields_.emplace_back(std::string(key), std::to_string(value));
  return *this;
}
JsonObject& JsonObject::add(std::string_view key, double value) {
  fields_.emplace_back(std::string(key), fmt::format("{:.3f}", value));
  return *this;
}
JsonObject& JsonObject::add(std::string_view key, bool value) {
  fields_.emplace_back(std::string(key), value ? "true" : "false");
  return *this;
}
JsonObject& JsonObject::add_raw(std::string_view key, std::string_view json) {
  fields_.emplace_back(std::string(key), std::string(json));
  return *this;
}

std::string JsonObject::str() const {
  std::string out = "{";
  for (std::size_t i = 0; i < fields_.size(); ++i) {
    if (i) out += ",";
    out += quoted(fields_[i].first);
    out += ':';
    out += fields_[i].second;
  }
  return out + "}";
}

void add_error(JsonObject& obj, std::error_code ec, std::string_view message) {
  obj.add("ok", false).add("error", message).add("category", ec.category().name())
      .add("code", static_cast<std::uint64_t>(ec.value() < 0 ? 0 : ec.value()));
}

}  // namespace sim7080::cli

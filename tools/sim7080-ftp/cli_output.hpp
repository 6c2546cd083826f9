#pragma once
// Printing results as text or as one JSON object per result.
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace sim7080::cli {

std::string json_escape(std::string_view s);

// Builds one JSON object: {"command":"size","ok":true,"size":1024}.
class JsonObject {
 public:
  JsonObject& add(std::string_view key, std::string_view value);
  JsonObject& add(std::string_view key, const char* value) { return add(key, std::string_view(value)); }
  JsonObject& add(std::string_view key, std::uint64_t value);
  JsonObject& add(std::string_view key, double value);
  JsonObject& add(std::string_view key, bool value);
  JsonObject& add_raw(std::string_view key, std::string_view json);
  std::string str() const;

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

// The error part of a failed result: "error", "category", "code".
void add_error(JsonObject& obj, std::error_code ec, std::string_view message);

}  // namespace sim7080::cli

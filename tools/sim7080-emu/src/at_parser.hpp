// Splits one AT command line (without its CR) into commands. Independent of the driver library
// on purpose: a parser bug there must not be mirrored here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sim7080emu {

enum class Form { Exec, Test, Read, Write };

struct AtArg {
  std::string text;
  bool quoted = false;
};

struct AtCommand {
  std::string name;  // upper case: "+FTPGET", or a basic command: "E", "Q", "&F", "S3", "I"
  Form form = Form::Exec;
  std::vector<AtArg> args;
  bool basic = false;
};

// nullopt: syntax error (the whole line is refused). "AT" alone gives an empty vector.
// Caller has already checked the "AT" prefix and removed it.
std::optional<std::vector<AtCommand>> parse_at_commands(std::string_view after_at);

// Strict unsigned decimal; nullopt on anything else (sign, blanks, overflow).
std::optional<std::uint64_t> parse_uint(std::string_view s);

}  // namespace sim7080emu

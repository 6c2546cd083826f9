// docs/commands.md must list exactly the commands of the command table, so it cannot drift.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <string>

#include "ftp/command_table.hpp"

#ifndef SIM7080_SOURCE_DIR
#define SIM7080_SOURCE_DIR SIM7080_TRANSCRIPT_DIR "/../.."
#endif

namespace sim7080::ftp {
namespace {

TEST(CommandsDoc, ListsExactlyTheCommandTable) {
  std::ifstream in(std::string(SIM7080_SOURCE_DIR) + "/docs/commands.md");
  ASSERT_TRUE(in) << "docs/commands.md missing";
  std::set<std::string> documented;
  std::string line;
  while (std::getline(in, line)) {
    // Table rows start with "| `AT...` |".
    if (line.rfind("| `AT", 0) != 0) continue;
    const auto end = line.find('`', 3);
    ASSERT_NE(end, std::string::npos) << line;
    documented.insert(line.substr(3, end - 3));
  }
  std::set<std::string> table;
  for (const auto& row : command_table()) table.insert(std::string(row.spec.name));
  EXPECT_EQ(documented, table);
}

}  // namespace
}  // namespace sim7080::ftp

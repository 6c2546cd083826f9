#pragma once
/// @file version.hpp
/// The library version.
#define SIM7080_VERSION_MAJOR 0  ///< major version: incompatible API changes
#define SIM7080_VERSION_MINOR 1  ///< minor version: compatible additions
#define SIM7080_VERSION_PATCH 0  ///< patch version: fixes

namespace sim7080 {
/// "0.1.0"
inline constexpr const char* version_string = "0.1.0";
}  // namespace sim7080

#pragma once
/// @file version.hpp
/// The library version.
#define SIM7080_VERSION_MAJOR 0
#define SIM7080_VERSION_MINOR 1
#define SIM7080_VERSION_PATCH 0

namespace sim7080 {
/// "0.1.0"
inline constexpr const char* version_string = "0.1.0";
}  // namespace sim7080

#pragma once
namespace edgesim {
inline constexpr const char* kVersion = "0.1.0";
}  // namespace edgesim

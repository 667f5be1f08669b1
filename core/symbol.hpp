#pragma once

// What an exchange symbol may look like, shared by every place that reads one from outside (a
// strategy file, an API request) and by the live connector, which builds URLs from it.

#include <algorithm>
#include <string_view>

namespace pt {

/// Shortest and longest exchange symbol accepted ("BTCUSDT" is 7; Binance's longest are < 20).
inline constexpr size_t min_symbol_chars = 5;
inline constexpr size_t max_symbol_chars = 20;

/// True when `s` is an exchange symbol as Binance spells it: `min_symbol_chars` to
/// `max_symbol_chars` upper-case ASCII letters and digits ("BTCUSDT", "1000SATSUSDT"). Nothing
/// else (no '@', '/', space or lower case) can reach a stream name or a URL.
inline bool is_exchange_symbol(std::string_view s) {
  return s.size() >= min_symbol_chars && s.size() <= max_symbol_chars &&
         std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); });
}

} // namespace pt

#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace pt {

/// An indicator as written on the command line: `rsi(14)`, `macd(12,26,9)`, `vwap()` or `obv`.
struct indicator_request {
  std::string text;             ///< as written
  std::string type;             ///< e.g. "macd"
  std::vector<double> params;   ///< in the type's order, defaults filled in
  std::string column;           ///< CSV column base name, e.g. "macd_12_26_9"
};

/// Parses and validates `text` against the indicator library. nullopt with `error` set on any
/// problem (unknown type, too many parameters, a value out of range).
std::optional<indicator_request> parse_indicator_request(const std::string& text, std::string& error);

/// Computes `requests` over the candles of `timeframe_ms` (0 = the data's own kline interval,
/// or 1m for trades) built from the data file, and writes CSV to `out`: `open_time` (ms) and one
/// column per indicator output (`rsi_14`, `macd_12_26_9.signal`, …), empty while warming up.
/// Returns the number of bars written. Throws `std::runtime_error` if the file cannot be read.
size_t write_indicator_csv(std::ostream& out, const std::string& data_file, const std::optional<std::string>& symbol,
                           int64_t timeframe_ms, const std::vector<indicator_request>& requests);

} // namespace pt

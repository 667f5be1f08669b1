#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/fixed_point.hpp"

namespace pt {

/// One kline as `GET /api/v3/klines` serves it: the twelve fields of Binance's array, money and
/// quantities fixed-point (scale 1e-8), times in ms since the epoch (UTC).
struct served_kline {
  int64_t open_time_ms = 0;
  price open, high, low, close;
  quantity volume;                ///< base asset volume
  int64_t close_time_ms = 0;
  money quote_volume;             ///< 0 when the file is OHLCV-only
  int64_t trade_count = 0;        ///< 0 when the file is OHLCV-only
  quantity taker_buy_volume;      ///< 0 when the file is OHLCV-only
  money taker_buy_quote_volume;   ///< 0 when the file is OHLCV-only
};

/// Binance's kline interval names: 1s 1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 3d 1w 1M, as ms
/// (1M counted as 30 days, only to order it). nullopt for any other text.
std::optional<int64_t> binance_interval_ms(std::string_view interval);

/// Kline files held in memory for the replay server, by symbol and interval.
///
/// Files are read with `market_file_source` (layout and interval from the rows, symbol from the
/// name); 12-column files keep every field, 6-column (OHLCV) files serve zeros for the others.
/// A query for an interval with no file of its own is aggregated from the finest file of that
/// symbol whose interval divides it (open/high/low/close, sums of the rest; weeks open on
/// Monday 00:00 UTC, as Binance's `1w`); `1M` is only served from a 1M file.
class kline_store {
public:
  /// Loads one file. Throws `std::runtime_error` when it cannot be read, is not a klines file,
  /// names no symbol, or holds no kline.
  void add_file(const std::string& path);

  /// True when some file is of `symbol`.
  bool has_symbol(std::string_view symbol) const;

  /// (symbol, interval ms, kline count) of every loaded file, for the start-up log.
  std::vector<std::pair<std::pair<std::string, int64_t>, size_t>> files() const;

  /// Klines of `symbol` at `interval_ms` whose open time is in [`start_ms`, `end_ms`] (either
  /// bound optional) and that closed before `now_ms`, at most `limit`: the first ones from
  /// `start_ms` when it is given, else the last ones up to `end_ms` — as Binance pages them.
  /// Empty when nothing of that symbol can make that interval.
  std::vector<served_kline> query(const std::string& symbol, int64_t interval_ms, std::optional<int64_t> start_ms,
                                  std::optional<int64_t> end_ms, size_t limit, int64_t now_ms) const;

private:
  std::map<std::pair<std::string, int64_t>, std::vector<served_kline>> series_; // (symbol, interval ms)
};

} // namespace pt

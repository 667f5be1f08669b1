#pragma once

// Volume-weighted indicators: the building blocks behind the library's vwap, obv and
// volume_profile types.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>

namespace pt {

/// Typical price of a bar: (high + low + close) / 3.
double typical_price(double high, double low, double close);

/// Volume-weighted average price anchored at 00:00 UTC of each day; O(1).
///
/// VWAP = Σ(typical × volume) / Σ volume over the bars whose open time falls on the same UTC day
/// as the current bar's, typical = (high + low + close) / 3 — the session VWAP of most charting
/// packages (TradingView's `ta.vwap` with a daily anchor). Not in TA-Lib. nullopt while the day
/// has no volume yet (a VWAP of nothing is undefined); a zero-volume bar later in the day leaves
/// it unchanged.
class vwap {
public:
  std::optional<double> update(int64_t open_time_ms, double high, double low, double close, double volume);
  std::optional<double> value() const { return value_; }

private:
  std::optional<int64_t> day_; // days since the epoch of the current anchor
  double price_volume_ = 0;
  double volume_ = 0;
  std::optional<double> value_;
};

/// On-balance volume, as TA-Lib `TA_OBV`; O(1).
///
/// OBV starts at the first bar's volume (TA-Lib's choice; other packages start at 0); after
/// that it adds the bar's volume when the price rose against the previous bar, subtracts it
/// when the price fell, and keeps it when unchanged. Has a value from the first bar.
class obv {
public:
  std::optional<double> update(double price, double volume);
  std::optional<double> value() const { return value_; }

private:
  double prev_price_ = 0;
  std::optional<double> value_;
};

/// Point of control and value area of one update, in price units.
struct profile_value {
  double poc = 0; ///< middle of the row with the most volume (ties → the lower row)
  double vah = 0; ///< top of the highest row of the value area
  double val = 0; ///< bottom of the lowest row of the value area
};

/// Volume profile of the last `period` bars; O(log n) per update plus the value-area walk.
///
/// Prices are cut into rows [r · row_size, (r + 1) · row_size); each bar puts its whole volume in
/// the row of its typical price (h + l + c) / 3. POC = the row with the most volume (ties → the
/// lower price), read from an ordered set in O(log n). The value area starts at the POC row and
/// grows TradingView-style one row at a time: it compares the next row above with the next row
/// below that holds any volume (empty rows hold none and are simply spanned) and takes the
/// larger (ties → the lower row), until it holds ≥ value_area % of the window's volume. That walk
/// costs O(rows with volume inside the value area) per update. Volumes are summed as exact
/// integers of 1e-8 units, so a bar leaving the window removes exactly what it added and ties are
/// exact. No value until `period` bars, and nullopt while the window holds no volume at all.
class volume_profile {
public:
  /// `period` ≥ 1 bars, `row_size` > 0 price units, `value_area_pct` in (0, 100].
  volume_profile(int period, double row_size, int value_area_pct);
  std::optional<profile_value> update(double high, double low, double close, double volume);
  std::optional<profile_value> value() const { return value_; }

private:
  using units = __int128; // volume in 1e-8 units; one bar of a meme coin can exceed int64
  struct by_volume {      // most volume first, then the lower row
    bool operator()(const std::pair<units, int64_t>& a, const std::pair<units, int64_t>& b) const {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    }
  };
  struct entry {
    int64_t row = 0;
    units volume = 0;
  };

  void add(int64_t row, units volume);
  void compute();

  int period_;
  double row_size_;
  int value_area_pct_;
  std::vector<entry> window_; // ring of the bars in the window
  size_t next_ = 0;
  size_t count_ = 0;
  units total_ = 0;
  std::map<int64_t, units> rows_;                        // rows with volume > 0
  std::set<std::pair<units, int64_t>, by_volume> ranked_; // (volume, row) of rows_
  std::optional<profile_value> value_;
};

} // namespace pt

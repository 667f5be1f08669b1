#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/fixed_point.hpp"

namespace pt {

/// A grid strategy's ladder: `levels` prices from `lower` to `upper`, a fixed quantity per level.
struct grid_spec {
  price lower;
  price upper;
  int levels = 10;            ///< number of price levels, ≥ 2 (so levels − 1 rungs)
  bool geometric = false;     ///< equal ratios between levels instead of equal steps
  quantity qty_per_level;
  std::string filter_rule;    ///< optional rule; while false the grid buys nothing (sells go on)
};

/// The level prices of `spec`, ascending, each rounded half to even to 1e-8:
/// arithmetic L_i = lower + i·(upper − lower)/(n − 1); geometric L_i = lower·(upper/lower)^(i/(n − 1)).
std::vector<price> grid_levels(const grid_spec& spec);

/// A grid order that should fill now.
struct grid_fill_intent {
  bool buy = true;
  int level = 0;       ///< the level bought at (for a sell: the level the lot was bought at)
  price px;            ///< the limit price
};

/// The state of a long-only spot grid: a buy rests at every level below the market with no lot
/// held there; a lot bought at level i rests for sale at level i + 1.
///
/// Fills are limit fills in event time, at the limit price: a buy fills when the price trades at
/// or below its level, a sale when it trades at or above its target. A buy level is armed only after the price has been above it, so the grid
/// never buys above the market. Within one kline, sales of lots held before the bar are taken
/// first, then buys; a lot bought in a bar is not sold in the same bar (the conservative order,
/// since the path inside a bar is unknown).
class grid_book {
public:
  explicit grid_book(const grid_spec& spec);

  /// Looks at one event's price range (a trade: high = low = its price) and returns the fills
  /// due, sales first. `buying` false pauses new buys (the filter rule, or a risk halt).
  std::vector<grid_fill_intent> on_prices(price high, price low, bool buying);

  /// Records that an intent was filled.
  void filled(const grid_fill_intent& intent);

  /// Records that the account refused a buy: the level disarms until the price has been above it
  /// again.
  void refused(const grid_fill_intent& intent);

  /// Arms every level the price `high` is above with no lot there, without filling anything:
  /// a session whose levels rest as orders on its exchange asks which should rest (`armed`).
  void observe(price high);
  /// Whether a buy may rest at `level` (the price has been above it since its last lot).
  bool armed(int level) const { return armed_[static_cast<size_t>(level)]; }

  const std::vector<price>& levels() const { return levels_; }
  /// Whether a lot bought at `level` is held.
  bool holding(int level) const { return holding_[static_cast<size_t>(level)]; }

private:
  std::vector<price> levels_;
  std::vector<bool> holding_;
  std::vector<bool> armed_;
};

} // namespace pt

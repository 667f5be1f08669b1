#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "core/fixed_point.hpp"
#include "core/market/market_event.hpp"
#include "core/market/market_view.hpp"
#include "core/execution/order.hpp"

namespace pt {

/// A delay in event time, ms: fixed when min_ms == max_ms, else drawn uniformly from
/// [min_ms, max_ms] by the exchange's seeded generator.
struct latency_range {
  int64_t min_ms = 0;
  int64_t max_ms = 0;
};

/// Every parameter of the fill model. A named profile (`fill_profile_params`) fills them all;
/// each can then be overridden per session.
struct fill_params {
  bps taker_fee_bps = bps::from_units(10);  ///< fee on taker fills, bps of notional (Binance VIP0: 10)
  bps maker_fee_bps = bps::from_units(10);  ///< fee on maker fills
  bps slippage_bps = bps::from_units(0);    ///< extra price move against every taker fill
  bps half_spread_bps = bps::from_units(1); ///< with no quote: a taker fills at last trade ± this
  bool walk_book = true;          ///< walk the L2 book when one is known (else: best quote only)
  bps beyond_book_bps = bps::from_units(5); ///< what a taker wants past the levels shown fills at the worst shown price moved this far against it
  bool remember_liquidity = true; ///< liquidity this session took stays taken until the book shows the level changed
  bool fill_on_touch = false;     ///< a resting limit fills in full as soon as a trade touches its price
  int64_t queue_factor_pct = 100; ///< queue ahead at placement = book qty at the price × this / 100
  int64_t trade_share_pct = 100;  ///< share of a trade's quantity a resting order may take, %
  latency_range submit_latency;   ///< submit → live at the exchange
  latency_range ack_latency;      ///< live → acknowledgement reported (reporting only)
  latency_range cancel_latency;   ///< cancel sent → cancel effective (the order can fill meanwhile)
  uint64_t seed = 1;              ///< seed of the latency generator (std::mt19937_64)
};

/// The three named profiles.
enum class fill_profile { optimistic, realistic, pessimistic };

/// "optimistic" / "realistic" / "pessimistic".
const char* to_string(fill_profile p);
/// Parses a profile name; nullopt for anything else.
std::optional<fill_profile> parse_fill_profile(std::string_view name);

/// The parameters of a profile (table in docs/execution.md):
/// - optimistic: no latency, no slippage, half spread 0, fill on touch, no queue, liquidity not
///   remembered;
/// - realistic: submit 20–80 ms, ack 5–20 ms, cancel 20–80 ms, half spread 1 bps, queue = the
///   book's quantity at the price, a resting order takes all of a trade, liquidity remembered;
/// - pessimistic: submit 100–300 ms, ack 20–50 ms, cancel 100–300 ms, slippage 2 bps, half
///   spread 2 bps, queue = 150 % of the book's quantity, a resting order takes half of a trade.
/// Fees are Binance's base rate (10 bps maker and taker) in all three.
fill_params fill_profile_params(fill_profile p);

/// A session's overrides of its profile's `fill_params` (config `fill:`, `POST /sessions` `fill`;
/// docs/execution.md); fees and `slippage_bps` stay `execution_params` fields. Wire names, forms
/// and ranges: the table `fill_fields()` (core/execution/fill_fields.hpp); a new field goes there too.
struct fill_overrides {
  std::optional<bps> half_spread_bps;
  std::optional<bool> walk_book;
  std::optional<bps> beyond_book_bps;
  std::optional<bool> remember_liquidity;
  std::optional<bool> fill_on_touch;
  std::optional<int64_t> queue_factor_pct;  ///< ≥ 0
  std::optional<int64_t> trade_share_pct;   ///< 0–100
  std::optional<latency_range> submit_latency;
  std::optional<latency_range> ack_latency;
  std::optional<latency_range> cancel_latency;
  std::optional<uint64_t> seed;

  /// True when no field is set.
  bool empty() const;
  /// `f` with every field set here replacing its value.
  fill_params apply(fill_params f) const;
};

/// Draws latencies from `latency_range`s with a seeded std::mt19937_64, so a run is repeatable.
class latency_sampler {
public:
  explicit latency_sampler(uint64_t seed) : gen_(seed) {}
  /// A delay from `r`, ms (min_ms when the range is empty or inverted).
  int64_t draw(const latency_range& r);

private:
  std::mt19937_64 gen_;
};

/// One slice of a taker fill: a price and the quantity taken there.
struct fill_slice {
  price px;       ///< execution price (book price moved by slippage)
  quantity qty;   ///< base quantity taken
  price book_px;  ///< the level's price in the book (the liquidity memory's key)
  quantity shown; ///< the level's quantity as the book showed it (0 when unbounded: last trade)
  bool from_book = true; ///< false for a fill at the last trade ± half spread (nothing to remember)
};

/// Liquidity this session has taken from the book, per side and price level, kept until the
/// book shows that level with a different quantity (it was refreshed) or not at all.
class liquidity_memory {
public:
  /// What is left for this session at a level the book shows with `shown` (≥ 0).
  quantity available(side book_side, price px, quantity shown) const;
  /// Records that `qty` was taken at a level the book showed with `shown`.
  void take(side book_side, price px, quantity qty, quantity shown);
  /// Forgets every level whose shown quantity in `top` differs from what it was when taken.
  void refresh(const book_depth& top);
  /// Same for the two levels of an L1 quote (used on feeds without depth).
  void refresh(const book_ticker& q);
  /// Number of levels remembered (both sides).
  size_t size() const { return bids_.size() + asks_.size(); }

private:
  struct taken {
    quantity qty;
    quantity shown;
  };
  std::map<int64_t, taken> bids_, asks_; // key: price raw
};

/// How a taker order's quantity is bounded.
struct taker_want {
  side order_side = side::buy;
  quantity qty;                   ///< most base quantity to take (0 with a quote budget = no bound)
  std::optional<money> budget;    ///< buy only: most quote to spend, fees included
  std::optional<price> limit_px;  ///< worst price a slice may have (before slippage)
  quantity step;                  ///< slices are multiples of this when a budget bounds them
};

/// The slices a taker order gets now, best price first (prices include `slippage_bps`).
/// Source, in order of preference: the L2 top (level by level, `walk_book`; levels better than
/// the latest L1 quote are stale and skipped; what is still wanted past the last level shown fills
/// there moved by `beyond_book_bps`, since the book goes on past the levels published), else the L1 quote
/// (its best price, capped at the quoted size), else the last trade ± `half_spread_bps` (no size
/// cap). Liquidity already taken (`memory`, when `remember_liquidity`) is not offered again; the
/// caller records what it keeps with `liquidity_memory::take`. Empty when nothing is available.
std::vector<fill_slice> taker_slices(const taker_want& want, const market_view& view, const fill_params& params,
                                     const liquidity_memory& memory);

} // namespace pt

#include "core/indicators/indicator_library.hpp"

#include <utility>

// The catalog: what each indicator type is, its parameters and outputs. make_indicator lives in
// indicator_library_factory.cpp.

namespace pt {

const char* to_string(price_source s) {
  switch (s) {
    case price_source::open: return "open";
    case price_source::high: return "high";
    case price_source::low: return "low";
    case price_source::close: return "close";
  }
  return "unknown";
}

std::optional<price_source> parse_price_source(std::string_view text) {
  for (auto s : {price_source::open, price_source::high, price_source::low, price_source::close})
    if (text == to_string(s))
      return s;
  return std::nullopt;
}

double price_of(const bar_input& bar, price_source s) {
  switch (s) {
    case price_source::open: return bar.open;
    case price_source::high: return bar.high;
    case price_source::low: return bar.low;
    case price_source::close: return bar.close;
  }
  return bar.close;
}

namespace {

// Periods run to 100,000 bars, TA-Lib's own upper bound.
constexpr double max_period = 100'000;

indicator_param period(double default_value, double min, std::string description) {
  return {"period", default_value, min, max_period, true, std::move(description)};
}

std::vector<indicator_type_info> build_catalog() {
  return {
      {"sma", "Simple moving average of the source price.",
       "SMA = (x_t + … + x_{t−n+1}) / n, as TA-Lib TA_SMA. First value at bar n − 1.",
       {period(20, 1, "bars averaged")}, {"value"}, true},
      {"ema", "Exponential moving average of the source price.",
       "α = 2 / (n + 1); EMA_t = EMA_{t−1} + α (x_t − EMA_{t−1}), seeded with the SMA of the first n "
       "inputs, as TA-Lib TA_EMA (classic seeding). First value at bar n − 1.",
       {period(20, 1, "bars; α = 2 / (period + 1)")}, {"value"}, true},
      {"wma", "Linearly weighted moving average of the source price.",
       "WMA = Σ i · x_{t−n+i} / (n (n + 1) / 2), i = 1…n (newest weighs n), as TA-Lib TA_WMA. "
       "First value at bar n − 1.",
       {period(20, 1, "bars weighted")}, {"value"}, true},
      {"rsi", "Relative strength index of the source price (0–100).",
       "Wilder's RSI as TA-Lib TA_RSI: first average gain/loss = mean of the first n changes, then "
       "avg = (avg (n − 1) + change) / n; RSI = 100 · gain / (gain + loss), 0 when both are 0. "
       "First value at bar n.",
       {period(14, 2, "bars of Wilder smoothing")}, {"value"}, true},
      {"macd", "Moving average convergence/divergence of the source price.",
       "MACD = EMA(fast) − EMA(slow), signal = EMA(signal) of MACD, histogram = MACD − signal, as "
       "TA-Lib TA_MACD: the fast EMA is seeded at the same bar as the slow one (SMA of the fast "
       "inputs ending at bar slow − 1), the signal with the SMA of its first values; all three "
       "first appear at bar slow + signal − 2. A slow period below the fast one is swapped.",
       {{"fast", 12, 2, max_period, true, "bars of the fast EMA"},
        {"slow", 26, 2, max_period, true, "bars of the slow EMA"},
        {"signal", 9, 1, max_period, true, "bars of the signal EMA"}},
       {"macd", "signal", "histogram"}, true},
      {"bbands", "Bollinger Bands around an SMA of the source price.",
       "middle = SMA(n); upper/lower = middle ± k σ with σ the population standard deviation of "
       "the last n inputs, as TA-Lib TA_BBANDS (MA type SMA, nbDevUp = nbDevDn = k). First value "
       "at bar n − 1. σ is computed without TA-Lib's E[x²] − mean² cancellation and is exactly 0 "
       "only for a flat window (TA-Lib zeroes variances below 1e-8).",
       {period(20, 2, "bars"), {"stddev", 2, 0, 10, false, "band width in standard deviations"}},
       {"middle", "upper", "lower"}, true},
      {"atr", "Average true range (price units).",
       "Wilder's ATR as TA-Lib TA_ATR: TR = max(h − l, |h − c_prev|, |l − c_prev|) from bar 1; first "
       "ATR = SMA of the first n TR (bar n), then ATR = (ATR (n − 1) + TR) / n.",
       {period(14, 1, "bars of Wilder smoothing")}, {"value"}, false},
      {"stoch", "Slow stochastic oscillator (0–100).",
       "fast %K = 100 (c − LL_n) / (HH_n − LL_n) (0 when HH = LL); %K = SMA(k_smooth) of fast %K; "
       "%D = SMA(d_period) of %K, as TA-Lib TA_STOCH with SMA smoothing. Both first appear at bar "
       "(k_period − 1) + (k_smooth − 1) + (d_period − 1).",
       {{"k_period", 14, 1, max_period, true, "bars of the high/low range"},
        {"k_smooth", 3, 1, max_period, true, "SMA bars smoothing fast %K into %K"},
        {"d_period", 3, 1, max_period, true, "SMA bars of %D"}},
       {"k", "d"}, false},
      {"adx", "Average directional index with +DI and −DI (0–100).",
       "Wilder's ADX, +DI and −DI as TA-Lib TA_ADX / TA_PLUS_DI / TA_MINUS_DI compute them: "
       "±DM and TR summed over bars 1…n−1, then smoothed S ← S − S/n + x; ±DI = 100 S(±DM) / S(TR) "
       "from bar n; DX = 100 |−DI − +DI| / (−DI + +DI); first ADX = mean of the DX of bars n…2n−1 "
       "(bar 2n − 1), then ADX = (ADX (n − 1) + DX) / n. Zero tests are exact (TA-Lib: |x| < 1e-8).",
       {period(14, 2, "bars of Wilder smoothing")}, {"adx", "plus_di", "minus_di"}, false},
      {"vwap", "Volume-weighted average price, anchored at 00:00 UTC each day.",
       "VWAP = Σ(typical · volume) / Σ volume over the bars opened since 00:00 UTC of the current "
       "bar's open time, typical = (h + l + c) / 3 (session VWAP as charting packages define it; "
       "not in TA-Lib). Undefined (no value) while the day has no volume.",
       {}, {"value"}, false},
      {"obv", "On-balance volume of the source price.",
       "OBV as TA-Lib TA_OBV: starts at the first bar's volume, then ± the bar's volume when the "
       "source price rose / fell against the previous bar (unchanged when equal).",
       {}, {"value"}, true},
      {"donchian", "Donchian channel: highest high and lowest low of the last n bars.",
       "upper = highest high, lower = lowest low of the last n bars including the current one "
       "(TA-Lib TA_MAX(high) / TA_MIN(low)); middle = (upper + lower) / 2. First value at bar n − 1.",
       {period(20, 1, "bars")}, {"upper", "lower", "middle"}, false},
      {"volume_profile", "Volume profile of the last n bars: point of control and value area.",
       "Each bar's volume goes to the price row (width row_size) of its typical price (h + l + c) "
       "/ 3. POC = middle of the row with most volume (ties → lower). The value area grows from "
       "the POC one row at a time, TradingView-style: the next row with volume above vs below, the "
       "larger first (ties → below), until it holds ≥ value_area % of the volume; vah / val = top "
       "/ bottom of its outer rows. POC in O(log n); the value-area walk costs O(rows in the "
       "area). First value at bar n − 1; none while the window has no volume.",
       {period(100, 1, "bars in the profile"),
        {"row_size", 10, 1e-8, 1e9, false, "height of one price row, in price units"},
        {"value_area", 70, 1, 100, true, "percent of the volume inside the value area"}},
       {"poc", "vah", "val"}, false},
  };
}

} // namespace

const std::vector<indicator_type_info>& indicator_types() {
  static const std::vector<indicator_type_info> catalog = build_catalog();
  return catalog;
}

const indicator_type_info* find_indicator_type(std::string_view type) {
  for (const auto& info : indicator_types())
    if (info.type == type)
      return &info;
  return nullptr;
}

} // namespace pt

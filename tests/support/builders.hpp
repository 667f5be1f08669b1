#pragma once

// Shared builders for core tests: decimal literals for the fixed-point types and market events.
// Header-only so every test binary can include it without an extra translation unit.

#include <cstdint>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/market/candle.hpp"
#include "core/fixed_point.hpp"
#include "core/market/market_event.hpp"
#include "core/execution/order.hpp"

namespace pt {

/// Lets GoogleTest print fixed-point values as decimals in failure messages (found by ADL).
template <class Tag>
void PrintTo(const fixed<Tag>& v, std::ostream* os) {
  *os << v.to_string();
}

} // namespace pt

namespace pt::test {

/// Parses a decimal into `T`; throws (and so fails the test) on a malformed literal.
template <class T>
T parse_or_throw(std::string_view text) {
  auto v = T::parse(text);
  if (!v)
    throw std::invalid_argument("bad decimal literal in test: " + std::string(text));
  return *v;
}

/// A price from its decimal text, e.g. `px("20001.5")`.
inline price px(std::string_view text) { return parse_or_throw<price>(text); }
/// A quantity from its decimal text, e.g. `qty("0.00123")`.
inline quantity qty(std::string_view text) { return parse_or_throw<quantity>(text); }
/// An amount of quote currency from its decimal text, e.g. `usd("10000")`.
inline money usd(std::string_view text) { return parse_or_throw<money>(text); }
/// Basis points from their decimal text, e.g. `bp("2.5")`.
inline bps bp(std::string_view text) { return parse_or_throw<bps>(text); }

/// One minute in milliseconds.
inline constexpr int64_t minute_ms = 60'000;
/// One hour in milliseconds.
inline constexpr int64_t hour_ms = 3'600'000;
/// 2023-11-14 22:00:00 UTC: aligned to the minute, 5 minutes and the hour (472222 hours).
inline constexpr int64_t hour_aligned_ms = 472'222 * hour_ms;

/// A closed kline of `timeframe_ms` opening at `open_time_ms`, stamped as Binance stamps it
/// (close time = open + timeframe − 1).
inline kline make_kline(int64_t open_time_ms, int64_t timeframe_ms, std::string_view o, std::string_view h,
                        std::string_view l, std::string_view c, std::string_view v) {
  kline k;
  k.open_time_ms = open_time_ms;
  k.close_time_ms = open_time_ms + timeframe_ms - 1;
  k.open = px(o);
  k.high = px(h);
  k.low = px(l);
  k.close = px(c);
  k.volume = qty(v);
  return k;
}

/// The market event of a closed kline, at its close time.
inline market_event kline_event(const kline& k) { return market_event{k.close_time_ms, k}; }

/// A trade print event.
inline market_event trade_event(int64_t ts_ms, std::string_view price_text, std::string_view qty_text = "1") {
  trade t;
  t.trade_id = ts_ms;
  t.px = px(price_text);
  t.qty = qty(qty_text);
  return market_event{ts_ms, t};
}

/// An L1 quote event (bid/ask sizes are irrelevant to market orders here).
inline market_event book_event(int64_t ts_ms, std::string_view bid, std::string_view ask) {
  book_ticker b;
  b.update_id = ts_ms;
  b.bid_px = px(bid);
  b.bid_qty = qty("1");
  b.ask_px = px(ask);
  b.ask_qty = qty("1");
  return market_event{ts_ms, b};
}

/// A taker fill as the ledger sees it.
inline fill make_fill(side s, std::string_view price_text, std::string_view qty_text, std::string_view fee_text) {
  fill f;
  f.fill_side = s;
  f.px = px(price_text);
  f.qty = qty(qty_text);
  f.fee = usd(fee_text);
  return f;
}

} // namespace pt::test

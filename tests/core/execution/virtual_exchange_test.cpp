#include "core/execution/virtual_exchange.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tests/support/builders.hpp"

namespace pt {
namespace {

using test::bp;
using test::px;
using test::qty;
using test::usd;

constexpr int64_t t0 = test::hour_aligned_ms;

// No latency, no slippage, 10 bps fees, queue = the book's quantity, liquidity remembered.
fill_params instant() {
  fill_params p;
  p.half_spread_bps = bp("0");
  return p;
}

market_event depth_event(int64_t ts, std::vector<book_level> bids, std::vector<book_level> asks, int64_t id = 1) {
  book_depth d;
  d.update_id = id;
  d.bids = std::move(bids);
  d.asks = std::move(asks);
  return market_event{ts, d};
}

market_event print(int64_t ts, std::string_view p, std::string_view q, bool buyer_is_maker) {
  trade t;
  t.px = px(p);
  t.qty = qty(q);
  t.buyer_is_maker = buyer_is_maker;
  return market_event{ts, t};
}

// A book 100.00 / 100.10 with three ask levels and two bid levels.
market_event standard_book(int64_t ts) {
  return depth_event(ts, {{px("100.00"), qty("2")}, {px("99.90"), qty("3")}},
                     {{px("100.10"), qty("1")}, {px("100.20"), qty("2")}, {px("100.30"), qty("5")}});
}

order_request market(side s, std::string_view q) {
  order_request r;
  r.type = order_type::market;
  r.order_side = s;
  r.qty = qty(q);
  return r;
}

order_request limit(side s, std::string_view q, std::string_view p, order_type t = order_type::limit,
                    time_in_force tif = time_in_force::gtc) {
  order_request r;
  r.type = t;
  r.order_side = s;
  r.qty = qty(q);
  r.limit_px = px(p);
  r.tif = tif;
  return r;
}

order_request stop(order_type t, side s, std::string_view q, std::string_view stop_px) {
  order_request r;
  r.type = t;
  r.order_side = s;
  r.qty = qty(q);
  r.stop_px = px(stop_px);
  return r;
}

money cost(std::string_view p, std::string_view q, std::string_view fee_bps = "10") {
  money v = *notional(px(p), qty(q));
  return v + *apply_bps(v, bp(fee_bps));
}

TEST(ExchangeRules, RejectsWithBinanceReasons) {
  virtual_exchange ex(symbol_rules{}, instant(), usd("1000"));
  exchange_events out;
  ex.on_market(standard_book(t0), out);
  auto reason = [&](const order_request& r) { return ex.find(ex.submit(r, t0, out))->reason; };
  EXPECT_EQ(reason(limit(side::buy, "0.01", "99.995")), reject_reason::price_filter);
  EXPECT_EQ(reason(limit(side::buy, "0.000015", "99.00")), reject_reason::lot_size);
  EXPECT_EQ(reason(limit(side::buy, "0.01", "99.00")), reject_reason::notional); // 0.99 USDT < 5
  EXPECT_EQ(reason(limit(side::buy, "20", "99.00")), reject_reason::insufficient_balance);
  EXPECT_EQ(reason(market(side::sell, "1")), reject_reason::insufficient_balance); // long only
  EXPECT_EQ(reason(market(side::buy, "84")), reject_reason::market_lot_size);
  EXPECT_STREQ(binance_message(reject_reason::lot_size), "Filter failure: LOT_SIZE");
  EXPECT_EQ(ex.quote_locked(), money{});
  EXPECT_EQ(ex.account().fees(), money{});
}

TEST(ExchangeRules, MarketBuyTheBalanceCannotPayIsRefusedWhole) {
  virtual_exchange ex(symbol_rules{}, instant(), usd("150"));
  exchange_events out;
  ex.on_market(standard_book(t0), out);
  int64_t id = ex.submit(market(side::buy, "1.5"), t0, out); // 100.10 + 50.10 + fees > 150
  EXPECT_EQ(ex.find(id)->reason, reject_reason::insufficient_balance);
  EXPECT_TRUE(out.fills.empty());
  order_request spend;
  spend.type = order_type::market;
  spend.order_side = side::buy;
  spend.quote_budget = usd("150");
  int64_t q = ex.submit(spend, t0, out); // a budget takes what it can pay, fees included
  EXPECT_EQ(ex.find(q)->status, exec_status::filled);
  EXPECT_FALSE(ex.quote_free().is_negative());
  EXPECT_EQ(ex.quote_total(), usd("150") - cost("100.10", "1") - cost("100.20", "0.4965"));
  // 150 − 100.2001 = 49.7999 left after the first level; at 100.20 + 10 bps fee = 100.3002 a unit
  // that buys 0.496509…, rounded down to the step: 0.49650.
  EXPECT_EQ(ex.find(q)->filled, qty("1") + qty("0.49650"));
}

TEST(ExchangeRules, RoundingHelpersNeverMakeALimitMoreAggressive) {
  symbol_rules r;
  EXPECT_EQ(round_to_tick(r, px("100.017"), side::buy), px("100.01"));
  EXPECT_EQ(round_to_tick(r, px("100.011"), side::sell), px("100.02"));
  EXPECT_EQ(round_to_tick(r, px("100.01"), side::sell), px("100.01"));
  EXPECT_EQ(floor_to_step(r, qty("0.123456")), qty("0.12345"));
}

TEST(VirtualExchange, MarketBuyWalksTheBookLevelByLevel) {
  virtual_exchange ex(symbol_rules{}, instant(), usd("10000"));
  exchange_events out;
  ex.on_market(standard_book(t0), out);
  int64_t id = ex.submit(market(side::buy, "2.5"), t0, out);
  ASSERT_EQ(out.fills.size(), 2u);
  EXPECT_EQ(out.fills[0].px, px("100.10"));
  EXPECT_EQ(out.fills[0].qty, qty("1"));
  EXPECT_EQ(out.fills[1].px, px("100.20"));
  EXPECT_EQ(out.fills[1].qty, qty("1.5"));
  auto rep = ex.report(id);
  EXPECT_EQ(ex.find(id)->status, exec_status::filled);
  EXPECT_EQ(*rep.avg_px, *average_price(*notional(px("100.10"), qty("1")) + *notional(px("100.20"), qty("1.5")),
                                        qty("2.5")));
  EXPECT_EQ(rep.taker_qty, qty("2.5"));
  EXPECT_EQ(*rep.arrival_px, px("100.05"));
  EXPECT_GT(rep.slippage_bps, 0.0);
  EXPECT_EQ(rep.time_to_fill_ms, 0);
  EXPECT_EQ(ex.quote_total(), usd("10000") - cost("100.10", "1") - cost("100.20", "1.5"));
}

TEST(VirtualExchange, TakenLiquidityIsNotTakenTwiceUntilTheBookRefreshesIt) {
  virtual_exchange ex(symbol_rules{}, instant(), usd("10000"));
  exchange_events out;
  ex.on_market(standard_book(t0), out);
  ex.submit(market(side::buy, "2.5"), t0, out);
  out = {};
  ex.submit(market(side::buy, "1"), t0 + 1, out);
  ASSERT_EQ(out.fills.size(), 2u); // 0.5 left at 100.20, then 100.30
  EXPECT_EQ(out.fills[0].px, px("100.20"));
  EXPECT_EQ(out.fills[0].qty, qty("0.5"));
  EXPECT_EQ(out.fills[1].px, px("100.30"));
  // The book shows 100.20 again with a new quantity: it was refreshed, all of it is there.
  ex.on_market(depth_event(t0 + 100, {{px("100.00"), qty("2")}},
                           {{px("100.10"), qty("1")}, {px("100.20"), qty("4")}, {px("100.30"), qty("5")}}, 2),
               out);
  out = {};
  ex.submit(market(side::buy, "1"), t0 + 101, out);
  ASSERT_EQ(out.fills.size(), 1u); // 100.10 unchanged since taken: still gone; 100.20 refreshed
  EXPECT_EQ(out.fills[0].px, px("100.20"));
  EXPECT_EQ(out.fills[0].qty, qty("1"));
}

TEST(VirtualExchange, WithoutDepthAMarketOrderTakesTheQuotedSizeOnly) {
  virtual_exchange ex(symbol_rules{}, instant(), usd("10000"));
  exchange_events out;
  book_ticker q{1, px("100.00"), qty("1"), px("100.10"), qty("0.3")};
  ex.on_market(market_event{t0, q}, out);
  int64_t id = ex.submit(market(side::buy, "1"), t0, out);
  ASSERT_EQ(out.fills.size(), 1u);
  EXPECT_EQ(out.fills[0].qty, qty("0.3"));
  EXPECT_EQ(ex.find(id)->status, exec_status::expired);
}

TEST(VirtualExchange, WithOnlyTradesAMarketOrderPaysTheHalfSpread) {
  fill_params p = instant();
  p.half_spread_bps = bp("5");
  virtual_exchange ex(symbol_rules{}, p, usd("10000"));
  exchange_events out;
  ex.on_market(print(t0, "100.00", "0.01", false), out);
  ex.submit(market(side::buy, "1"), t0, out);
  ASSERT_EQ(out.fills.size(), 1u);
  EXPECT_EQ(out.fills[0].px, px("100.05"));
  EXPECT_EQ(out.fills[0].qty, qty("1"));
}

TEST(VirtualExchange, FokExpiresWithoutFillAndIocKeepsWhatItTook) {
  virtual_exchange ex(symbol_rules{}, instant(), usd("10000"));
  exchange_events out;
  ex.on_market(standard_book(t0), out);
  int64_t fok = ex.submit(limit(side::buy, "2", "100.10", order_type::limit, time_in_force::fok), t0, out);
  EXPECT_EQ(ex.find(fok)->status, exec_status::expired);
  EXPECT_TRUE(out.fills.empty());
  int64_t ioc = ex.submit(limit(side::buy, "2", "100.10", order_type::limit, time_in_force::ioc), t0, out);
  EXPECT_EQ(ex.find(ioc)->status, exec_status::expired);
  EXPECT_EQ(ex.find(ioc)->filled, qty("1"));
  EXPECT_EQ(ex.quote_locked(), money{});
  int64_t fok2 = ex.submit(limit(side::buy, "1.5", "100.20", order_type::limit, time_in_force::fok), t0, out);
  EXPECT_EQ(ex.find(fok2)->status, exec_status::filled);
}

TEST(VirtualExchange, PostOnlyThatWouldCrossIsRejectedAndOneThatRestsLocksQuote) {
  virtual_exchange ex(symbol_rules{}, instant(), usd("10000"));
  exchange_events out;
  ex.on_market(standard_book(t0), out);
  int64_t crossing = ex.submit(limit(side::buy, "1", "100.10", order_type::limit_maker), t0, out);
  EXPECT_EQ(ex.find(crossing)->status, exec_status::rejected);
  EXPECT_EQ(ex.find(crossing)->reason, reject_reason::would_match);
  int64_t resting = ex.submit(limit(side::buy, "1", "100.00", order_type::limit_maker), t0, out);
  EXPECT_EQ(ex.find(resting)->status, exec_status::new_order);
  EXPECT_EQ(ex.quote_locked(), cost("100.00", "1"));
  EXPECT_EQ(ex.quote_free() + ex.quote_locked(), ex.quote_total());
  EXPECT_EQ(ex.cancel(resting, t0 + 1, out), reject_reason::none);
  EXPECT_EQ(ex.find(resting)->status, exec_status::canceled);
  EXPECT_EQ(ex.quote_locked(), money{});
  EXPECT_EQ(ex.cancel(resting, t0 + 2, out), reject_reason::unknown_order);
}

TEST(VirtualExchange, RestingLimitFillsOnlyAfterTheQueueAheadTraded) {
  virtual_exchange ex(symbol_rules{}, instant(), usd("10000"));
  exchange_events out;
  ex.on_market(standard_book(t0), out);
  int64_t id = ex.submit(limit(side::buy, "1", "100.00"), t0, out);
  EXPECT_EQ(ex.find(id)->queue_at_placement, qty("2"));
  ex.on_market(print(t0 + 1, "100.00", "1.5", true), out); // sellers hit the bid: queue 2 → 0.5
  EXPECT_TRUE(out.fills.empty());
  ex.on_market(print(t0 + 2, "100.00", "0.7", false), out); // a buyer lifting at 100: not our queue
  EXPECT_TRUE(out.fills.empty());
  ex.on_market(print(t0 + 3, "100.00", "0.8", true), out); // 0.5 of queue, 0.3 for us
  ASSERT_EQ(out.fills.size(), 1u);
  EXPECT_EQ(out.fills[0].qty, qty("0.3"));
  EXPECT_EQ(out.fills[0].role, liquidity::maker);
  EXPECT_EQ(out.fills[0].px, px("100.00"));
  ex.on_market(print(t0 + 4, "99.99", "5", true), out); // traded through: the rest fills
  ASSERT_EQ(out.fills.size(), 2u);
  EXPECT_EQ(out.fills[1].qty, qty("0.7"));
  auto rep = ex.report(id);
  EXPECT_EQ(ex.find(id)->status, exec_status::filled);
  EXPECT_EQ(rep.maker_qty, qty("1"));
  EXPECT_EQ(rep.time_to_fill_ms, 4);
  EXPECT_EQ(ex.quote_locked(), money{});
  EXPECT_EQ(ex.quote_total(), usd("10000") - cost("100.00", "1"));
}

TEST(VirtualExchange, FillOnTouchFillsAtTheFirstTouch) {
  fill_params p = fill_profile_params(fill_profile::optimistic);
  virtual_exchange ex(symbol_rules{}, p, usd("10000"));
  exchange_events out;
  ex.on_market(standard_book(t0), out);
  ex.submit(limit(side::buy, "1", "100.00"), t0, out);
  ex.on_market(print(t0 + 1, "100.00", "0.01", true), out);
  ASSERT_EQ(out.fills.size(), 1u);
  EXPECT_EQ(out.fills[0].qty, qty("1"));
}

TEST(VirtualExchange, StopLossTriggersOnTheLastTradeAndRefusesToTriggerAtOnce) {
  virtual_exchange ex(symbol_rules{}, instant(), usd("10000"));
  exchange_events out;
  ex.on_market(standard_book(t0), out);
  ex.on_market(print(t0, "100.05", "0.1", false), out);
  ex.submit(market(side::buy, "1"), t0, out);
  int64_t bad = ex.submit(stop(order_type::stop_loss, side::sell, "1", "100.10"), t0, out);
  EXPECT_EQ(ex.find(bad)->reason, reject_reason::would_trigger);
  int64_t sl = ex.submit(stop(order_type::stop_loss, side::sell, "1", "99.95"), t0, out);
  EXPECT_EQ(ex.base_locked(), qty("1"));
  ex.on_market(print(t0 + 1, "99.96", "0.1", true), out);
  EXPECT_EQ(ex.find(sl)->status, exec_status::new_order);
  ex.on_market(print(t0 + 2, "99.95", "0.1", true), out);
  EXPECT_EQ(ex.find(sl)->status, exec_status::filled);
  EXPECT_EQ(ex.find(sl)->taker_qty, qty("1"));
  EXPECT_EQ(ex.base_total(), quantity{});
}

TEST(VirtualExchange, StopLimitRestsAtItsLimitOnceTriggeredAndTakeProfitSellsAtMarket) {
  virtual_exchange ex(symbol_rules{}, instant(), usd("10000"));
  exchange_events out;
  ex.on_market(standard_book(t0), out);
  ex.on_market(print(t0, "100.05", "0.1", false), out);
  ex.submit(market(side::buy, "2"), t0, out);
  order_request sll = stop(order_type::stop_loss_limit, side::sell, "1", "99.95");
  sll.limit_px = px("99.90");
  int64_t a = ex.submit(sll, t0, out);
  int64_t b = ex.submit(stop(order_type::take_profit, side::sell, "1", "100.50"), t0, out);
  EXPECT_EQ(ex.base_locked(), qty("2"));
  // The book has moved down: the bid is 99.80, below the stop limit, so it rests once triggered.
  ex.on_market(depth_event(t0 + 1, {{px("99.80"), qty("5")}}, {{px("99.85"), qty("5")}}, 2), out);
  ex.on_market(print(t0 + 2, "99.95", "0.1", true), out);
  EXPECT_TRUE(ex.find(a)->triggered);
  EXPECT_EQ(ex.find(a)->status, exec_status::triggered);
  EXPECT_EQ(ex.find(a)->filled, quantity{});
  EXPECT_EQ(ex.find(a)->queue_at_placement, quantity{}); // nothing shown at 99.90
  ex.on_market(print(t0 + 3, "99.91", "3", false), out); // a buyer lifts above its limit: fills as maker
  EXPECT_EQ(ex.find(a)->status, exec_status::filled);
  EXPECT_EQ(ex.find(a)->maker_qty, qty("1"));
  EXPECT_TRUE(ex.find(b)->open());
  ex.on_market(depth_event(t0 + 4, {{px("100.55"), qty("5")}}, {{px("100.60"), qty("5")}}, 3), out);
  ex.on_market(print(t0 + 5, "100.50", "0.1", false), out);
  EXPECT_EQ(ex.find(b)->status, exec_status::filled);
  EXPECT_EQ(out.fills.back().px, px("100.55")); // sold into the bid as a taker
  EXPECT_EQ(out.fills.back().role, liquidity::taker);
  EXPECT_EQ(ex.base_total(), quantity{});
}

TEST(VirtualExchange, BuyTrailingStopFollowsTheLow) {
  virtual_exchange ex(symbol_rules{}, instant(), usd("10000"));
  exchange_events out;
  ex.on_market(standard_book(t0), out);
  ex.on_market(print(t0, "100.05", "0.1", false), out);
  order_request tr;
  tr.type = order_type::trailing_stop;
  tr.order_side = side::buy;
  tr.qty = qty("1");
  tr.callback_bps = bp("50"); // active at once, anchored at the last trade
  int64_t id = ex.submit(tr, t0, out);
  EXPECT_EQ(ex.quote_locked(), cost("100.05", "1")); // locked at the mid for want of a stop price
  ex.on_market(print(t0 + 1, "99.00", "1", true), out);
  EXPECT_EQ(ex.find(id)->trail_anchor, px("99.00"));
  ex.on_market(print(t0 + 2, "99.49", "1", false), out); // level 99.495
  EXPECT_TRUE(ex.find(id)->open());
  ex.on_market(print(t0 + 3, "99.50", "1", false), out);
  EXPECT_EQ(ex.find(id)->status, exec_status::filled);
  EXPECT_EQ(ex.quote_locked(), money{});
}

TEST(VirtualExchange, TrailingStopFollowsTheHighAndTriggersOnTheCallback) {
  virtual_exchange ex(symbol_rules{}, instant(), usd("10000"));
  exchange_events out;
  ex.on_market(standard_book(t0), out);
  ex.submit(market(side::buy, "1"), t0, out);
  order_request tr;
  tr.type = order_type::trailing_stop;
  tr.order_side = side::sell;
  tr.qty = qty("1");
  tr.stop_px = px("101.00"); // activation
  tr.callback_bps = bp("100"); // 1 %
  int64_t id = ex.submit(tr, t0, out);
  ex.on_market(print(t0 + 1, "99.00", "1", true), out); // not active: no trigger below
  EXPECT_FALSE(ex.find(id)->trail_active);
  ex.on_market(print(t0 + 2, "101.00", "1", false), out);
  EXPECT_TRUE(ex.find(id)->trail_active);
  ex.on_market(print(t0 + 3, "103.00", "1", false), out);
  EXPECT_EQ(ex.find(id)->trail_anchor, px("103.00"));
  ex.on_market(print(t0 + 4, "101.98", "1", true), out); // level 101.97
  EXPECT_EQ(ex.find(id)->status, exec_status::new_order);
  ex.on_market(print(t0 + 5, "101.97", "1", true), out);
  EXPECT_EQ(ex.find(id)->status, exec_status::filled);
}

TEST(VirtualExchange, OcoLegThatFillsCancelsItsSiblingAndTheLockIsHeldOnce) {
  virtual_exchange ex(symbol_rules{}, instant(), usd("10000"));
  exchange_events out;
  ex.on_market(standard_book(t0), out);
  ex.submit(market(side::buy, "1"), t0, out);
  order_request sl = stop(order_type::stop_loss, side::sell, "1", "99.00");
  auto [tp_id, sl_id] = ex.submit_oco(limit(side::sell, "1", "101.00"), sl, t0, out);
  EXPECT_EQ(ex.base_locked(), qty("1"));
  EXPECT_EQ(ex.find(tp_id)->list_id, ex.find(sl_id)->list_id);
  ex.on_market(print(t0 + 1, "101.01", "2", false), out);
  EXPECT_EQ(ex.find(tp_id)->status, exec_status::filled);
  EXPECT_EQ(ex.find(sl_id)->status, exec_status::canceled);
  EXPECT_EQ(ex.base_locked(), quantity{});
  EXPECT_EQ(ex.base_total(), quantity{});
}

TEST(VirtualExchange, BracketPlacesItsExitsWhenTheEntryFills) {
  virtual_exchange ex(symbol_rules{}, instant(), usd("10000"));
  exchange_events out;
  ex.on_market(standard_book(t0), out);
  ex.on_market(print(t0, "100.05", "0.1", false), out);
  bracket_exits exits{px("99.00"), std::nullopt, px("102.00")};
  int64_t entry = ex.submit_bracket(market(side::buy, "1"), exits, t0, out);
  EXPECT_EQ(ex.find(entry)->status, exec_status::filled);
  auto open = ex.open_orders();
  ASSERT_EQ(open.size(), 2u);
  EXPECT_EQ(ex.find(open[0])->req.limit_px, px("102.00"));
  EXPECT_EQ(ex.find(open[1])->req.type, order_type::stop_loss);
  ex.on_market(print(t0 + 1, "98.99", "1", true), out);
  EXPECT_EQ(ex.find(open[1])->status, exec_status::filled);
  EXPECT_EQ(ex.find(open[0])->status, exec_status::canceled);
  order_request sell_entry = market(side::sell, "1");
  EXPECT_EQ(ex.find(ex.submit_bracket(sell_entry, exits, t0 + 2, out))->reason, reject_reason::invalid_order);
}

TEST(VirtualExchange, OrdersLiveOnlyAfterTheSubmitLatency) {
  fill_params p = instant();
  p.submit_latency = {50, 50};
  p.cancel_latency = {30, 30};
  virtual_exchange ex(symbol_rules{}, p, usd("10000"));
  exchange_events out;
  ex.on_market(standard_book(t0), out);
  int64_t id = ex.submit(market(side::buy, "1"), t0, out);
  EXPECT_EQ(ex.find(id)->status, exec_status::pending_new);
  // The book moves up before the order arrives: it fills against the book it finds then.
  ex.on_market(depth_event(t0 + 40, {{px("100.50"), qty("2")}}, {{px("100.60"), qty("3")}}, 2), out);
  ex.on_market(depth_event(t0 + 60, {{px("101.00"), qty("2")}}, {{px("101.10"), qty("3")}}, 3), out);
  ASSERT_EQ(out.fills.size(), 1u);
  EXPECT_EQ(out.fills[0].px, px("100.60"));
  EXPECT_EQ(out.fills[0].ts_event_ms, t0 + 50);
  EXPECT_EQ(ex.report(id).time_to_fill_ms, 50);
  // A cancel takes 30 ms: a trade through the order before then still fills it.
  int64_t rest = ex.submit(limit(side::buy, "1", "100.00"), t0 + 60, out);
  ex.on_market(print(t0 + 120, "100.50", "0.1", true), out); // live at t0+110
  ex.cancel(rest, t0 + 120, out);
  ex.on_market(print(t0 + 130, "99.00", "5", true), out);
  EXPECT_EQ(ex.find(rest)->status, exec_status::filled);
}

TEST(VirtualExchange, APrintMatchedBeforeTheOrderWasLiveNeitherFillsNorTriggersIt) {
  fill_params p = fill_profile_params(fill_profile::optimistic); // fills on touch, no latency
  p.submit_latency = {20, 20};
  virtual_exchange ex(symbol_rules{}, p, usd("10000"));
  exchange_events out;
  ex.on_market(standard_book(t0), out);
  int64_t id = ex.submit(limit(side::buy, "1", "100.00"), t0 + 10, out); // live at t0 + 30
  // Its message arrives after the order went live (clock t0 + 40), but the print matched at
  // t0 + 25, before the order was on the exchange: it cannot have filled it.
  auto early = print(t0 + 40, "99.00", "5", true);
  std::get<trade>(early.data).ts_trade_ms = t0 + 25;
  std::get<trade>(early.data).trade_id = 7;
  ex.on_market(early, out);
  EXPECT_EQ(ex.find(id)->status, exec_status::new_order);
  EXPECT_TRUE(out.fills.empty());
  auto later = print(t0 + 45, "99.50", "5", true);
  std::get<trade>(later.data).ts_trade_ms = t0 + 31;
  std::get<trade>(later.data).trade_id = 8;
  ex.on_market(later, out);
  ASSERT_EQ(out.fills.size(), 1u);
  EXPECT_EQ(out.fills[0].ts_event_ms, t0 + 45); // the market clock
  EXPECT_EQ(out.fills[0].trade_id, 8);          // the print that filled it, with its own time
  EXPECT_EQ(out.fills[0].ts_trade_ms, t0 + 31);
  // A stop is not triggered by a print from before it was live either.
  ex.on_market(print(t0 + 50, "100.00", "1", false), out);
  order_request stop;
  stop.type = order_type::stop_loss;
  stop.order_side = side::sell;
  stop.qty = qty("1");
  stop.stop_px = px("99.00");
  int64_t sid = ex.submit(stop, t0 + 50, out); // live at t0 + 70
  auto old_print = print(t0 + 80, "98.00", "1", true);
  std::get<trade>(old_print.data).ts_trade_ms = t0 + 60;
  ex.on_market(old_print, out);
  EXPECT_EQ(ex.find(sid)->status, exec_status::new_order);
  auto new_print = print(t0 + 90, "98.00", "1", true);
  std::get<trade>(new_print.data).ts_trade_ms = t0 + 85;
  ex.on_market(new_print, out);
  EXPECT_FALSE(ex.find(sid)->open());
  for (const auto& f : out.fills)
    EXPECT_GE(f.ts_event_ms, ex.find(f.order_id)->ts_live_ms);
}

TEST(VirtualExchange, CancelReplaceSwapsTheOrderOrFailsIfItFilled) {
  virtual_exchange ex(symbol_rules{}, instant(), usd("10000"));
  exchange_events out;
  ex.on_market(standard_book(t0), out);
  int64_t a = ex.submit(limit(side::buy, "1", "99.00"), t0, out);
  int64_t b = ex.cancel_replace(a, limit(side::buy, "1", "99.50"), t0 + 1, out);
  EXPECT_EQ(ex.find(a)->status, exec_status::canceled);
  EXPECT_EQ(ex.find(b)->status, exec_status::new_order);
  EXPECT_EQ(ex.quote_locked(), cost("99.50", "1"));
  ex.on_market(print(t0 + 2, "99.00", "5", true), out);
  int64_t c = ex.cancel_replace(b, limit(side::buy, "1", "98.00"), t0 + 3, out);
  EXPECT_EQ(ex.find(c)->status, exec_status::rejected);
  EXPECT_EQ(ex.find(c)->reason, reject_reason::unknown_order);
}

TEST(VirtualExchange, KeepsOnlyTheLatestDoneOrdersAndOnesAPendingCancelNames) {
  fill_params p = instant();
  p.cancel_latency = {1'000, 1'000};
  virtual_exchange ex(symbol_rules{}, p, usd("1000000"));
  exchange_events out;
  int64_t ts = t0;
  ex.on_market(standard_book(ts), out);
  // A resting buy asked to cancel, then filled by a print before the cancel arrives: the cancel
  // action still names it, so it outlives the window.
  int64_t pinned = ex.submit(limit(side::buy, "1", "100.00"), ts, out);
  ex.cancel(pinned, ts, out);
  ex.on_market(print(++ts, "99.00", "5", true), out);
  ASSERT_EQ(ex.find(pinned)->status, exec_status::filled);
  // Done orders go past the window: buys filled at once, one per event, from a deep book.
  const int64_t n = 3 * static_cast<int64_t>(done_orders::default_kept);
  int64_t first = 0, last = 0;
  for (int64_t i = 0; i < n; ++i) {
    ++ts;
    ex.on_market(depth_event(ts, {{px("100.00"), qty("1000")}}, {{px("100.10"), qty("1000")}}, ts), out);
    last = ex.submit(market(side::buy, "0.2"), ts, out);
    first = first == 0 ? last : first;
    ASSERT_EQ(ex.find(last)->status, exec_status::filled) << "order " << i << ": " << to_string(ex.find(last)->reason);
  }
  ex.on_market(standard_book(++ts), out); // the window is applied as the next event comes
  EXPECT_EQ(ex.find(first), nullptr);     // aged out
  EXPECT_EQ(ex.report(first).time_to_fill_ms, fill_report{}.time_to_fill_ms);
  ASSERT_NE(ex.find(last), nullptr);      // the latest done ones stay, whole
  EXPECT_EQ(ex.find(last)->filled, qty("0.2"));
  ASSERT_NE(ex.find(pinned), nullptr);    // its cancel is still due
  EXPECT_LE(ex.orders_held(), done_orders::default_kept + 1);
  // The cancel arrives: the order was filled, nothing changes, no order appears from nowhere.
  ex.on_market(standard_book(t0 + 1'000), out);
  EXPECT_EQ(ex.find(pinned)->status, exec_status::filled);
  ex.on_market(standard_book(t0 + 1'001), out);
  EXPECT_LE(ex.orders_held(), done_orders::default_kept); // it is one of the window now
  // A cancel of an aged-out order is an unknown order; the account is whole.
  size_t before = out.updates.size();
  EXPECT_EQ(ex.cancel(first, t0 + 1'002, out), reject_reason::unknown_order);
  ASSERT_EQ(out.updates.size(), before + 1);
  EXPECT_EQ(out.updates.back().status, exec_status::rejected);
  quantity bought;
  for (const auto& f : out.fills)
    bought = bought + f.qty;
  EXPECT_EQ(ex.base_total(), bought);
  EXPECT_EQ(out.fills.size(), static_cast<size_t>(n) + 1);
}

TEST(VirtualExchange, LatencyDrawsAreRepeatableForASeed) {
  latency_sampler a(7), b(7);
  for (int i = 0; i < 20; ++i) {
    int64_t x = a.draw({20, 80});
    EXPECT_EQ(x, b.draw({20, 80}));
    EXPECT_GE(x, 20);
    EXPECT_LE(x, 80);
  }
  EXPECT_EQ(a.draw({30, 30}), 30);
}

TEST(VirtualExchange, ProfilesParseAndDifferWhereDocumented) {
  EXPECT_EQ(parse_fill_profile("realistic"), fill_profile::realistic);
  EXPECT_FALSE(parse_fill_profile("lucky"));
  auto o = fill_profile_params(fill_profile::optimistic);
  auto r = fill_profile_params(fill_profile::realistic);
  auto s = fill_profile_params(fill_profile::pessimistic);
  EXPECT_TRUE(o.fill_on_touch);
  EXPECT_FALSE(r.fill_on_touch);
  EXPECT_LT(o.submit_latency.max_ms, r.submit_latency.max_ms);
  EXPECT_LT(r.submit_latency.max_ms, s.submit_latency.max_ms);
  EXPECT_LT(r.slippage_bps, s.slippage_bps);
}

// Kline-only feed: the conservative intrabar rule.
kline bar(int64_t open_ms, std::string_view o, std::string_view h, std::string_view l, std::string_view c) {
  return test::make_kline(open_ms, test::minute_ms, o, h, l, c, "10");
}

TEST(VirtualExchangeBars, MarketFillsAtTheNextOpenAndALimitNeedsTheLowStrictlyBelow) {
  virtual_exchange ex(symbol_rules{}, instant(), usd("10000"));
  exchange_events out;
  ex.on_market(test::kline_event(bar(t0, "100", "101", "99", "100")), out);
  int64_t m = ex.submit(market(side::buy, "1"), t0 + test::minute_ms, out);
  EXPECT_EQ(ex.find(m)->status, exec_status::new_order);
  int64_t l = ex.submit(limit(side::buy, "1", "99.00"), t0 + test::minute_ms, out);
  ex.on_market(test::kline_event(bar(t0 + test::minute_ms, "100.50", "101", "99.00", "100")), out);
  EXPECT_EQ(ex.find(m)->status, exec_status::filled);
  EXPECT_EQ(out.fills.at(0).px, px("100.50"));
  // At the bar's open price, stamped when the bar arrived (its close): the open itself could be
  // before the order went live.
  EXPECT_EQ(out.fills.at(0).ts_event_ms, t0 + 2 * test::minute_ms - 1);
  EXPECT_EQ(ex.find(l)->status, exec_status::new_order); // low == limit: a touch is not a fill
  ex.on_market(test::kline_event(bar(t0 + 2 * test::minute_ms, "100", "100", "98.99", "99.5")), out);
  EXPECT_EQ(ex.find(l)->status, exec_status::filled);
  EXPECT_EQ(ex.find(l)->maker_qty, qty("1"));
}

TEST(VirtualExchangeBars, StopIsTestedBeforeTargetAndFillsAtTheWorseOfOpenAndStop) {
  virtual_exchange ex(symbol_rules{}, instant(), usd("10000"));
  exchange_events out;
  ex.on_market(test::kline_event(bar(t0, "100", "101", "99", "100")), out);
  bracket_exits exits{px("98.00"), std::nullopt, px("102.00")};
  int64_t entry = ex.submit_bracket(market(side::buy, "1"), exits, t0 + test::minute_ms, out);
  ex.on_market(test::kline_event(bar(t0 + test::minute_ms, "100", "100.5", "99.5", "100")), out);
  ASSERT_EQ(ex.find(entry)->status, exec_status::filled);
  auto legs = ex.open_orders();
  ASSERT_EQ(legs.size(), 2u);
  // A bar that gaps below the stop and also reaches the target: the stop, at the open.
  ex.on_market(test::kline_event(bar(t0 + 2 * test::minute_ms, "97.50", "102.50", "97.00", "101")), out);
  EXPECT_EQ(ex.find(legs[1])->status, exec_status::filled);
  EXPECT_EQ(ex.find(legs[0])->status, exec_status::canceled);
  EXPECT_EQ(out.fills.back().px, px("97.50"));
}

} // namespace
} // namespace pt

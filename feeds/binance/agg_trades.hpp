#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/fixed_point.hpp"

namespace pt {

/// One row of Binance `GET /api/v3/aggTrades`: trades of one taker order at one price, aggregated.
struct agg_trade {
  int64_t id = 0;             ///< aggregate trade id (`a`)
  std::string price_text;     ///< price as sent (`p`), a decimal string
  std::string qty_text;       ///< quantity as sent (`q`)
  price px;                   ///< `p`, parsed
  quantity qty;               ///< `q`, parsed
  int64_t first_trade_id = 0; ///< `f`
  int64_t last_trade_id = 0;  ///< `l`
  int64_t ts_ms = 0;          ///< trade time (`T`), ms since the epoch
  bool buyer_is_maker = false; ///< `m`
  bool best_match = true;      ///< `M`
};

/// Parses a `GET /api/v3/aggTrades` body (an array of `{"a","p","q","f","l","T","m","M"}`), in order.
/// Throws `std::runtime_error` naming the first bad row when the body is not such an array.
std::vector<agg_trade> parse_agg_trades(const std::string& body);

/// What to fetch: the trades of `symbol` with `start_ms <= T <= end_ms`, less those whose trades
/// were already seen (`first_trade_id <= seen_trade_id`).
struct agg_trade_request {
  std::string symbol;              ///< upper case
  int64_t start_ms = 0;            ///< inclusive
  int64_t end_ms = 0;              ///< inclusive
  int64_t seen_trade_id = 0;       ///< the last trade id already fed (0: none)
  int max_pages = 200;             ///< at most this many requests (1000 rows each)
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max(); ///< no request after
};

/// The merged result of the pages.
struct agg_trade_fetch {
  std::vector<agg_trade> trades; ///< by aggregate id, each once, none already seen
  int pages = 0;                 ///< requests made
  int64_t duplicates = 0;        ///< rows dropped because an earlier page had their aggregate id
  int64_t already_seen = 0;      ///< rows dropped because their trades were already fed
  bool complete = true;          ///< false when `max_pages` or the deadline stopped the paging
};

/// Fetches the aggregate trades of a time range the way Binance documents paging: the first
/// request is `startTime=&endTime=&limit=1000` over at most one hour (Binance refuses wider
/// windows, -1127); a full page continues with `fromId=<last a + 1>&limit=1000`, a short one with
/// the next hour's window, until `end_ms`. Pages are merged by aggregate id (a row seen twice is
/// kept once) and rows after `end_ms` are dropped. `get` performs one request (the target, path
/// and query) and returns the body; whatever it throws (`rest_error`, …) propagates, as does a
/// malformed body (`std::runtime_error`).
agg_trade_fetch fetch_agg_trades(const agg_trade_request& request,
                                 const std::function<std::string(const std::string& target)>& get);

} // namespace pt

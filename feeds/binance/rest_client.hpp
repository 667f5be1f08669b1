#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/market/candle.hpp"
#include "core/fixed_point.hpp"

namespace pt {

/// A symbol's trading rules on the exchange (Binance `exchangeInfo` filters).
struct symbol_filters {
  std::string symbol;
  price tick_size;      ///< PRICE_FILTER tickSize
  quantity step_size;   ///< LOT_SIZE stepSize
  quantity min_qty;     ///< LOT_SIZE minQty
  money min_notional;   ///< NOTIONAL (or legacy MIN_NOTIONAL) minNotional; 0 if absent
};

/// Why a REST call failed: the exchange could not be reached, or it answered with an error.
struct rest_error : std::runtime_error {
  using std::runtime_error::runtime_error;
  bool unreachable = false; ///< no answer at all (DNS, connect, TLS, timeout)
};

/// Binance spot REST over HTTPS (certificate and host name verified) or plain HTTP for a local
/// `replay-server`. Each call opens its own connection, blocks up to `timeout_ms`, and is meant
/// for start-up, never for a message handler.
class binance_rest_client {
public:
  /// `base_url`: `https://api.binance.com` or `http://127.0.0.1:PORT`. Throws
  /// `std::invalid_argument` for anything else.
  explicit binance_rest_client(std::string base_url, int timeout_ms = 10'000);

  /// GET `target` (path and query); returns the body of a 2xx answer. Throws `rest_error`: with
  /// `unreachable` set when there was no answer, else with Binance's `code` and `msg`.
  std::string get(const std::string& target) const;

  /// The filters of `symbols` from `GET /api/v3/exchangeInfo?symbol=…`, one request each.
  /// Throws `rest_error`; for a symbol the exchange does not list, the message names the symbol
  /// and carries Binance's answer (code -1121, "Invalid symbol.").
  std::vector<symbol_filters> exchange_filters(const std::vector<std::string>& symbols) const;

  /// The exchange's clock, ms since the epoch, from `GET /api/v3/time`. Throws `rest_error`
  /// (also when the answer has no `serverTime`).
  int64_t server_time_ms() const;

  /// Klines of `symbol` at `interval` (a Binance interval: "1m", "1h", …) that closed at or
  /// before `end_time_ms`, oldest first, from `GET /api/v3/klines?symbol=…&interval=…&endTime=…
  /// &limit=…`: the last `limit` (1..1000) the exchange has up to `end_time_ms`, less the
  /// still-forming one Binance includes (so at most `limit`). Throws `rest_error`, and `std::invalid_argument` for a bad symbol or limit.
  std::vector<candle> klines(const std::string& symbol, const std::string& interval, int limit,
                             int64_t end_time_ms) const;

private:
  std::string base_url_;
  bool tls_ = false;
  std::string host_;
  std::string port_;
  int timeout_ms_;
};

/// Parses an `exchangeInfo` response body into filters, one per listed symbol. Throws
/// `std::runtime_error` when the body is not an exchangeInfo document.
std::vector<symbol_filters> parse_exchange_info(const std::string& body);

/// Parses a `GET /api/v3/klines` body (an array of 12-element arrays, prices as decimal
/// strings) into candles, oldest first, keeping those with `close_time_ms <= closed_by_ms`.
/// Throws `rest_error` when the body is not such an array or a price does not parse.
std::vector<candle> parse_klines(const std::string& body, int64_t closed_by_ms);

} // namespace pt

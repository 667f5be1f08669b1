#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pt {

/// `symbol`'s stream names for the combined-stream endpoint: lower-case symbol, `@`, stream
/// (`stream_names("BTCUSDT", {"trade", "depth@100ms"})` → `btcusdt@trade`, `btcusdt@depth@100ms`).
std::vector<std::string> stream_names(const std::string& symbol, const std::vector<std::string>& streams);

/// The combined-stream request target for `symbols` × `streams`:
/// `/stream?streams=btcusdt@trade/btcusdt@bookTicker/…`; just `/stream` for no symbol.
std::string combined_stream_target(const std::vector<std::string>& symbols, const std::vector<std::string>& streams);

/// A live subscription request as Binance defines it: `{"method":"SUBSCRIBE","params":[…],"id":1}`
/// (`method` SUBSCRIBE, UNSUBSCRIBE or LIST_SUBSCRIPTIONS; `params` stream names).
std::string subscription_request(const std::string& method, const std::vector<std::string>& params, int64_t id);

} // namespace pt

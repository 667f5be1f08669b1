#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "actors/messages.hpp"
#include "core/session/session_types.hpp"
#include "feeds/binance/rest_client.hpp"

namespace pt {

/// Fetches, for each session, the closed klines its indicators need before live data arrives:
/// for the strategy timeframe and every higher timeframe its rules read, as many bars as
/// `series_engine::warmup_needs` says (at most 1000, Binance's page), ending before the
/// exchange's "now" (`GET /api/v3/time`), or before `end_ms` when given (a restore from the feed
/// journal warms up to where the journal starts, as the first run did). One entry per session, in order.
///
/// Never throws: an unreachable exchange or an error answer is logged as a warning and the
/// session (or that timeframe) starts cold; so does a timeframe that is not a Binance interval
/// (e.g. 2m), and a strategy that does not compile (it fails on its own at start).
run_warmups fetch_warmups(const std::vector<session_config>& sessions, const binance_rest_client& rest,
                          std::optional<int64_t> end_ms = std::nullopt);

} // namespace pt

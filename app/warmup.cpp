#include "app/warmup.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "core/indicators/series_engine.hpp"
#include "core/strategy/strategy.hpp"
#include "replay_server/klines.hpp"

namespace pt {

run_warmups fetch_warmups(const std::vector<session_config>& sessions, const binance_rest_client& rest,
                          std::optional<int64_t> end_ms) {
  run_warmups out;
  out.sessions.resize(sessions.size());
  if (sessions.empty())
    return out;
  int64_t now_ms = 0;
  try {
    now_ms = end_ms ? *end_ms : rest.server_time_ms();
  } catch (const std::exception& e) {
    spdlog::warn("warm-up: cannot read the exchange's time ({}); every session starts cold", e.what());
    return out;
  }
  for (size_t i = 0; i < sessions.size(); ++i) {
    const auto& cfg = sessions[i];
    std::vector<strategy_rule_error> errors;
    auto compiled = compile_strategy(cfg.strategy, errors);
    if (!compiled)
      continue;
    series_engine engine(*compiled);
    auto& w = out.sessions[i];
    for (auto [timeframe_ms, bars] : engine.warmup_needs(1000)) {
      auto interval = format_timeframe(timeframe_ms);
      if (binance_interval_ms(interval) != timeframe_ms) {
        spdlog::warn("warm-up of {}: {} is not a Binance kline interval; it starts cold on it", cfg.name, interval);
        continue;
      }
      try {
        // One more than needed: Binance counts the forming kline in `limit`, and it is dropped.
        auto candles = rest.klines(cfg.symbol, interval, static_cast<int>(std::min<size_t>(bars + 1, 1000)), now_ms - 1);
        if (candles.size() > bars)
          candles.erase(candles.begin(), candles.end() - static_cast<std::ptrdiff_t>(bars));
        if (candles.empty()) {
          spdlog::info("warm-up of {}: the exchange has no {} {} klines before {}", cfg.name, cfg.symbol, interval,
                       now_ms);
          continue;
        }
        w.timeframes_ms.push_back(timeframe_ms);
        w.bars.push_back(std::move(candles));
      } catch (const std::exception& e) {
        spdlog::warn("warm-up of {}: cannot fetch {} {} klines ({}); it starts cold on {}", cfg.name, cfg.symbol,
                     interval, e.what(), interval);
      }
    }
  }
  return out;
}

} // namespace pt

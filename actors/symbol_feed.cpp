#include "actors/symbol_feed.hpp"

#include <algorithm>

namespace pt {

void symbol_feed::subscribe(caf::actor subscriber, std::vector<int64_t> timeframes_ms) {
  std::sort(timeframes_ms.begin(), timeframes_ms.end());
  timeframes_ms.erase(std::unique(timeframes_ms.begin(), timeframes_ms.end()), timeframes_ms.end());
  timeframes_ms.erase(std::remove_if(timeframes_ms.begin(), timeframes_ms.end(), [](int64_t tf) { return tf <= 0; }),
                      timeframes_ms.end());
  for (auto tf : timeframes_ms) {
    auto it = std::find_if(timeframes_.begin(), timeframes_.end(),
                           [tf](const timeframe_candles& c) { return c.aggregator.timeframe_ms() == tf; });
    if (it == timeframes_.end())
      it = timeframes_.insert(timeframes_.end(), timeframe_candles(tf));
    ++it->wanted_by;
  }
  subscriptions_.push_back({std::move(subscriber), std::move(timeframes_ms)});
  none_closed_.reset(); // the set of timeframes may have changed
}

size_t symbol_feed::unsubscribe(const caf::actor_addr& subscriber) {
  size_t gone = 0;
  for (auto it = subscriptions_.begin(); it != subscriptions_.end();) {
    if (it->subscriber.address() != subscriber) {
      ++it;
      continue;
    }
    for (auto tf : it->timeframes_ms)
      for (auto& c : timeframes_)
        if (c.aggregator.timeframe_ms() == tf)
          --c.wanted_by;
    it = subscriptions_.erase(it);
    ++gone;
  }
  timeframes_.erase(std::remove_if(timeframes_.begin(), timeframes_.end(),
                                   [](const timeframe_candles& c) { return c.wanted_by <= 0; }),
                    timeframes_.end());
  none_closed_.reset();
  return gone;
}

std::shared_ptr<const batch_candles> symbol_feed::on_batch(const std::vector<market_event>& events, int64_t now_ms) {
  ++batches_;
  events_ += static_cast<int64_t>(events.size());
  if (!events.empty()) {
    last_event_ms_ = events.back().ts_event_ms;
    rate_.add(now_ms, static_cast<int64_t>(events.size()));
  }
  if (timeframes_.empty())
    return nullptr;
  std::vector<closed_candle> closed;
  for (size_t i = 0; i < events.size(); ++i) {
    for (auto& c : timeframes_) {
      scratch_.clear();
      c.aggregator.on_event(events[i], scratch_);
      for (auto& bar : scratch_) {
        closed.push_back({static_cast<uint32_t>(i), c.aggregator.timeframe_ms(), bar});
        c.recent.push_back(bar);
        if (c.recent.size() > history)
          c.recent.pop_front();
      }
    }
  }
  // Most batches close no bar (at live rates a batch is one event): they share one empty set.
  if (closed.empty() && none_closed_)
    return none_closed_;
  auto out = std::make_shared<batch_candles>();
  for (auto& c : timeframes_)
    out->timeframes_ms.push_back(c.aggregator.timeframe_ms());
  out->closed = std::move(closed);
  if (out->closed.empty())
    none_closed_ = out;
  return out;
}

const timeframe_candles* symbol_feed::candles(int64_t timeframe_ms) const {
  for (auto& c : timeframes_)
    if (c.aggregator.timeframe_ms() == timeframe_ms)
      return &c;
  return nullptr;
}

} // namespace pt

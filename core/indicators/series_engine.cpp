#include "core/indicators/series_engine.hpp"

#include <algorithm>
#include <limits>

namespace pt {

bar_input to_bar_input(const candle& c) {
  bar_input b;
  b.open_time_ms = c.open_time_ms;
  b.close_time_ms = c.close_time_ms;
  b.open = c.open.to_double();
  b.high = c.high.to_double();
  b.low = c.low.to_double();
  b.close = c.close.to_double();
  b.volume = c.volume.to_double();
  return b;
}

series_engine::series_engine(const compiled_strategy& strategy)
  : series_(strategy.series), evaluation_(strategy.spec.evaluation) {
  timeframes_.reserve(8);
  timeframes_.emplace_back(strategy.spec.timeframe_ms);
  timeframes_[0].shareable = evaluation_ != evaluate_on::tick;
  for (auto& s : series_) {
    auto& tf = state_for(s.timeframe_ms);
    if (s.indicator < 0)
      continue;
    bool have = false;
    for (auto& [index, _] : tf.indicators)
      have = have || index == s.indicator;
    if (!have) {
      const auto& spec = strategy.indicator(s.indicator);
      tf.indicators.emplace_back(s.indicator, make_indicator(spec.type, spec.params, spec.source));
    }
  }
}

series_engine::timeframe_state& series_engine::state_for(int64_t timeframe_ms) {
  for (auto& tf : timeframes_)
    if (tf.timeframe_ms == timeframe_ms)
      return tf;
  timeframes_.emplace_back(timeframe_ms);
  return timeframes_.back();
}

bool series_engine::close_bar(timeframe_state& tf, const candle& bar) {
  // A warmed history may already hold this bucket (the server's "now" and the first live event
  // can disagree); taking it twice would skew every indicator.
  if (tf.last_closed && bar.open_time_ms <= tf.last_closed->open_time_ms)
    return false;
  tf.last_closed = bar;
  auto input = to_bar_input(bar);
  for (auto& [_, ind] : tf.indicators)
    ind->update(input);
  return true;
}

std::vector<std::pair<int64_t, size_t>> series_engine::warmup_needs(size_t max_bars) const {
  std::vector<std::pair<int64_t, size_t>> needs;
  for (auto& tf : timeframes_) {
    size_t bars = 1;
    for (auto& [_, ind] : tf.indicators)
      bars = std::max(bars, 4 * (ind->warmup_bars() + 1));
    needs.emplace_back(tf.timeframe_ms, std::min(bars, std::max<size_t>(max_bars, 1)));
  }
  return needs;
}

size_t series_engine::warm(int64_t timeframe_ms, const std::vector<candle>& bars) {
  for (auto& tf : timeframes_) {
    if (tf.timeframe_ms != timeframe_ms)
      continue;
    size_t taken = 0;
    for (auto& bar : bars)
      taken += close_bar(tf, bar) ? 1 : 0;
    return taken;
  }
  return 0;
}

std::vector<int64_t> series_engine::shared_timeframes(const compiled_strategy& strategy) {
  std::vector<int64_t> out;
  if (strategy.spec.evaluation != evaluate_on::tick)
    out.push_back(strategy.spec.timeframe_ms);
  for (auto& s : strategy.series)
    if (s.timeframe_ms != strategy.spec.timeframe_ms && std::find(out.begin(), out.end(), s.timeframe_ms) == out.end())
      out.push_back(s.timeframe_ms);
  return out;
}

void series_engine::feed(timeframe_state& tf, const market_event& ev, const batch_candles* candles,
                         const closed_candle* first, const closed_candle* last) {
  closed_.clear();
  if (tf.shareable && candles && candles->covers(tf.timeframe_ms)) {
    tf.external = true;
    for (auto c = first; c != last; ++c)
      if (c->timeframe_ms == tf.timeframe_ms)
        closed_.push_back(c->bar);
    return;
  }
  if (tf.external) {
    // The outside bars stopped: what this aggregator holds is stale, start over.
    tf.candles = candle_aggregator(tf.timeframe_ms);
    tf.external = false;
  }
  tf.candles.on_event(ev, closed_);
}

void series_engine::on_event(const market_event& ev, std::vector<series_row>& out) {
  step(ev, nullptr, nullptr, nullptr, out);
}

void series_engine::on_event(const market_event& ev, const batch_candles& candles, const closed_candle* first,
                             const closed_candle* last, std::vector<series_row>& out) {
  step(ev, &candles, first, last, out);
}

void series_engine::step(const market_event& ev, const batch_candles* candles, const closed_candle* first,
                         const closed_candle* last, std::vector<series_row>& out) {
  bool ticks = std::holds_alternative<trade>(ev.data);
  if (auto k = std::get_if<kline>(&ev.data); k && k->is_closed)
    ticks = true; // a forming kline is no evaluation point
  // Higher timeframes first, so a row sampled at a base close sees them up to date.
  for (size_t i = timeframes_.size(); i-- > 1;) {
    feed(timeframes_[i], ev, candles, first, last);
    for (auto& bar : closed_)
      close_bar(timeframes_[i], bar);
  }
  auto& base = timeframes_[0];
  feed(base, ev, candles, first, last);
  for (auto& bar : closed_) {
    if (!close_bar(base, bar))
      continue;
    if (evaluation_ == evaluate_on::bar_close)
      out.push_back(sample(true, &bar, std::nullopt));
  }
  if (evaluation_ == evaluate_on::tick && ticks)
    out.push_back(sample(!closed_.empty(), closed_.empty() ? nullptr : &closed_.back(), base.candles.forming()));
}

series_row series_engine::sample(bool bar_closed, const candle* bar, const std::optional<candle>& forming) const {
  series_row row;
  row.bar_closed = bar_closed;
  if (bar)
    row.bar = *bar;
  row.values.reserve(series_.size());
  constexpr double unknown = std::numeric_limits<double>::quiet_NaN();
  for (auto& s : series_) {
    const timeframe_state* tf = nullptr;
    for (auto& candidate : timeframes_)
      if (candidate.timeframe_ms == s.timeframe_ms)
        tf = &candidate;
    if (s.indicator >= 0) {
      double v = unknown;
      for (auto& [index, ind] : tf->indicators)
        if (index == s.indicator)
          v = ind->value(s.output).value_or(unknown);
      row.values.push_back(v);
      continue;
    }
    // Bar fields: the forming bar in tick mode on the strategy timeframe, else the last closed bar.
    const candle* c = nullptr;
    if (tf == &timeframes_[0] && forming)
      c = &*forming;
    else if (tf->last_closed)
      c = &*tf->last_closed;
    if (!c) {
      row.values.push_back(unknown);
      continue;
    }
    auto b = to_bar_input(*c);
    double fields[] = {b.open, b.high, b.low, b.close, b.volume};
    row.values.push_back(fields[s.output]);
  }
  return row;
}

} // namespace pt

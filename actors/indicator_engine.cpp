#include "actors/indicator_engine.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <limits>

#include <spdlog/spdlog.h>

#include "actors/fill_latency.hpp"
#include "actors/session_stage.hpp"

namespace pt {

namespace {

// "2024-08-08 22:59" (UTC) for logs.
std::string utc_minute(int64_t ts_ms) {
  std::time_t t = static_cast<std::time_t>(ts_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

// Keeps the indicator columns of a bar's row for `indicators_atom`, at most `history_bars` bars.
void remember_indicators(indicator_engine_state& st, const series_row& row) {
  auto& r = st.recent;
  if (!r.open_times_ms.empty() && row.bar.open_time_ms <= r.open_times_ms.back())
    return;
  if (r.open_times_ms.size() >= indicator_engine_state::history_bars) {
    r.open_times_ms.erase(r.open_times_ms.begin(), r.open_times_ms.begin() + indicator_engine_state::history_bars / 4);
    r.values.erase(r.values.begin(), r.values.begin() + indicator_engine_state::history_bars / 4);
  }
  std::vector<double> v;
  v.reserve(st.indicator_columns.size());
  for (auto c : st.indicator_columns)
    v.push_back(c < row.values.size() ? row.values[c] : std::numeric_limits<double>::quiet_NaN());
  r.open_times_ms.push_back(row.bar.open_time_ms);
  r.values.push_back(std::move(v));
}

} // namespace

indicator_history last_bars(const indicator_history& h, int64_t n) {
  size_t rows = std::min(h.open_times_ms.size(), h.values.size());
  auto keep = static_cast<size_t>(std::clamp<int64_t>(n, 0, static_cast<int64_t>(rows)));
  indicator_history out;
  out.timeframe_ms = h.timeframe_ms;
  out.names = h.names;
  out.series_timeframes_ms = h.series_timeframes_ms;
  out.open_times_ms.assign(h.open_times_ms.begin() + static_cast<std::ptrdiff_t>(rows - keep),
                           h.open_times_ms.begin() + static_cast<std::ptrdiff_t>(rows));
  out.values.assign(h.values.begin() + static_cast<std::ptrdiff_t>(rows - keep),
                    h.values.begin() + static_cast<std::ptrdiff_t>(rows));
  return out;
}

indicator_engine_actor::behavior_type indicator_engine(indicator_engine_actor::stateful_pointer<indicator_engine_state> self,
                                                       session_config cfg, signal_detector_actor next,
                                                       engine_supervisor_actor supervisor) {
  keep_exception_text(self);
  self->link_to(next);
  auto compiled = compile_or_quit(self, cfg);
  if (!compiled)
    return indicator_engine_actor::behavior_type::make_empty_behavior();
  self->state.engine.emplace(*compiled);
  for (auto& s : compiled->series)
    self->state.series_names.push_back(s.name);
  self->state.recent.timeframe_ms = cfg.strategy.timeframe_ms;
  for (size_t c = 0; c < compiled->series.size(); ++c)
    if (compiled->series[c].indicator >= 0) {
      self->state.indicator_columns.push_back(c);
      self->state.recent.names.push_back(compiled->series[c].name);
      self->state.recent.series_timeframes_ms.push_back(compiled->series[c].timeframe_ms);
    }
  // The pipeline ends after these: the supervisor keeps the series for the pages read later.
  auto hand_over = [self, supervisor, id = cfg.session_id] {
    if (supervisor)
      self->send(supervisor, indicators_atom::value, id, self->state.recent);
  };
  return {
    [self, cfg](const warmup_history& w) {
      for (size_t i = 0; i < w.timeframes_ms.size() && i < w.bars.size(); ++i) {
        const auto& bars = w.bars[i];
        auto taken = self->state.engine->warm(w.timeframes_ms[i], bars);
        if (taken == 0) {
          spdlog::info("session {} ({}): no {} bars to warm with", cfg.session_id, cfg.name,
                       format_timeframe(w.timeframes_ms[i]));
          continue;
        }
        spdlog::info("session {} ({}): warmed {} × {} bars for {}, {} → {}", cfg.session_id, cfg.name, taken,
                     format_timeframe(w.timeframes_ms[i]), cfg.strategy.name, utc_minute(bars.front().open_time_ms),
                     utc_minute(bars.back().close_time_ms));
      }
    },
    [self, next, cfg](const market_batch& batch) {
      fill_latency::on_stage(pipeline_stage::engine, batch.arrival_ns);
      auto& st = self->state;
      session_batch out;
      out.market = batch;
      std::vector<series_row> rows;
      const auto& events = *batch.events;
      // Bars the broadcaster built for this batch, if any: taken event by event.
      const batch_candles* shared = batch.candles.get();
      const closed_candle* next_bar = shared ? shared->closed.data() : nullptr;
      const closed_candle* bars_end = shared ? next_bar + shared->closed.size() : nullptr;
      for (size_t i = 0; i < events.size(); ++i) {
        const auto& ev = events[i];
        if (auto k = std::get_if<kline>(&ev.data); k && !st.warned_kline_interval &&
                                                   k->close_time_ms - k->open_time_ms + 1 > cfg.strategy.timeframe_ms) {
          st.warned_kline_interval = true;
          spdlog::warn("session {} ({}): klines of {} are longer than the strategy's {} timeframe; "
                       "each kline is taken as one bar input",
                       cfg.session_id, cfg.name, format_timeframe(k->close_time_ms - k->open_time_ms + 1),
                       format_timeframe(cfg.strategy.timeframe_ms));
        }
        rows.clear();
        if (shared) {
          auto first = next_bar;
          while (next_bar != bars_end && next_bar->event_index <= i)
            ++next_bar;
          st.engine->on_event(ev, *shared, first, next_bar, rows);
        } else {
          st.engine->on_event(ev, rows);
        }
        for (auto& row : rows) {
          if (!st.evaluated) {
            st.evaluated = true;
            std::string values;
            for (size_t c = 0; c < row.values.size() && c < st.series_names.size(); ++c)
              values += (values.empty() ? "" : ", ") + st.series_names[c] + "=" +
                        (std::isnan(row.values[c]) ? std::string("unknown") : fmt::format("{:.8g}", row.values[c]));
            spdlog::info("session {} ({}): first evaluation at {}: {}", cfg.session_id, cfg.name, ev.ts_event_ms,
                         values);
          }
          if (row.bar_closed)
            remember_indicators(st, row);
          bar_closed bc;
          bc.event_index = static_cast<uint32_t>(i);
          bc.closed = row.bar_closed;
          bc.bar = row.bar;
          bc.values = std::move(row.values);
          out.bars.push_back(std::move(bc));
        }
      }
      self->send(next, std::move(out));
    },
    [self](indicators_atom, int64_t n) { return last_bars(self->state.recent, n); },
    [self, next, hand_over](end_data_atom) {
      hand_over();
      self->send(next, end_data_atom::value);
    },
    [self, next](pause_atom) { self->send(next, pause_atom::value); },
    [self, next](resume_atom) { self->send(next, resume_atom::value); },
    [self, next, hand_over](stop_atom, bool flatten) {
      hand_over();
      self->send(next, stop_atom::value, flatten);
    },
  };
}

} // namespace pt

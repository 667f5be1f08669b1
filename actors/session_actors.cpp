#include "actors/session_actors.hpp"

#include <cmath>
#include <limits>

#include <spdlog/spdlog.h>

#include "actors/messages.hpp"

namespace pt {

caf::behavior indicator_engine(caf::stateful_actor<indicator_engine_state>* self, session_config cfg,
                               caf::actor next) {
  self->link_to(next);
  self->state.candles.emplace(cfg.strategy.timeframe_ms);
  self->state.indicators.emplace(cfg.strategy);
  return {
    [self, next, cfg](const market_batch& batch) {
      auto& st = self->state;
      session_batch out;
      out.market = batch;
      std::vector<candle> closed;
      const auto& events = *batch.events;
      for (size_t i = 0; i < events.size(); ++i) {
        const auto& ev = events[i];
        closed.clear();
        if (auto t = std::get_if<trade>(&ev.data)) {
          st.candles->on_trade(ev.ts_event_ms, t->px, t->qty, closed);
        } else if (auto k = std::get_if<kline>(&ev.data)) {
          if (k->is_closed) {
            if (!st.warned_kline_interval && k->close_time_ms - k->open_time_ms + 1 > cfg.strategy.timeframe_ms) {
              st.warned_kline_interval = true;
              spdlog::warn("session {} ({}): klines of {} are longer than the strategy's {} timeframe; "
                           "each kline is taken as one bar input",
                           cfg.session_id, cfg.name, format_timeframe(k->close_time_ms - k->open_time_ms + 1),
                           format_timeframe(cfg.strategy.timeframe_ms));
            }
            st.candles->on_kline(*k, closed);
          }
        } else {
          st.candles->advance_to(ev.ts_event_ms, closed);
        }
        for (auto& bar : closed) {
          bar_closed bc;
          bc.event_index = static_cast<uint32_t>(i);
          bc.bar = bar;
          for (auto& v : st.indicators->on_candle(bar))
            bc.values.push_back(v ? *v : std::numeric_limits<double>::quiet_NaN());
          out.bars.push_back(std::move(bc));
        }
      }
      self->send(next, std::move(out));
    },
    [self, next](end_data_atom) { self->send(next, end_data_atom::value); },
  };
}

caf::behavior signal_detector(caf::stateful_actor<signal_detector_state>* self, session_config cfg,
                              caf::actor next) {
  self->link_to(next);
  std::vector<std::string> errors;
  self->state.rules = signal_rules::compile(cfg.strategy, errors);
  if (!self->state.rules) {
    std::string all;
    for (auto& e : errors)
      all += (all.empty() ? "" : "; ") + e;
    spdlog::error("session {} ({}): strategy rules do not compile: {}", cfg.session_id, cfg.name, all);
    self->quit(caf::make_error(caf::sec::invalid_argument, all));
    return {};
  }
  return {
    [self, next](session_batch& b) {
      const auto& events = *b.market.events;
      for (auto& bc : b.bars) {
        std::vector<std::optional<double>> row;
        row.reserve(bc.values.size());
        for (double v : bc.values)
          row.push_back(std::isnan(v) ? std::nullopt : std::optional<double>(v));
        // The decision is made when the event that closed the bar arrives.
        if (auto sig = self->state.rules->on_row(events[bc.event_index].ts_event_ms, std::move(row)))
          b.signals.push_back({bc.event_index, *sig});
      }
      self->send(next, std::move(b));
    },
    [self, next](end_data_atom) { self->send(next, end_data_atom::value); },
  };
}

caf::behavior paper_executor(caf::stateful_actor<paper_executor_state>* self, session_config cfg,
                             caf::actor next) {
  self->link_to(next);
  self->state.exchange.emplace(cfg.initial_cash, cfg.execution, cfg.strategy.position_size_bps);
  self->state.curve.emplace(cfg.equity_interval_ms);
  return {
    [self, next](session_batch& b) {
      auto& ex = *self->state.exchange;
      auto& curve = *self->state.curve;
      const auto& events = *b.market.events;
      exchange_output out;
      size_t next_signal = 0;
      size_t next_bar = 0;
      for (size_t i = 0; i < events.size(); ++i) {
        size_t fills_before = out.fills.size();
        ex.on_market(events[i], out);
        for (; next_signal < b.signals.size() && b.signals[next_signal].event_index == i; ++next_signal)
          ex.on_signal(b.signals[next_signal].sig, out);
        bool bar_closed_here = false;
        for (; next_bar < b.bars.size() && b.bars[next_bar].event_index == i; ++next_bar)
          bar_closed_here = true;
        bool filled = out.fills.size() != fills_before;
        if (bar_closed_here || filled) {
          if (auto mark = ex.market().mark())
            if (auto p = curve.on_mark(events[i].ts_event_ms, ex.account(), *mark, filled))
              b.equity.push_back(*p);
        }
      }
      b.orders = std::move(out.orders);
      b.fills = std::move(out.fills);
      int64_t ts = events.empty() ? 0 : events.back().ts_event_ms;
      b.account = snapshot_of(ex.account(), ex.market().mark().value_or(price{}), ts);
      b.max_drawdown = curve.max_drawdown();
      self->send(next, std::move(b));
    },
    [self, next](end_data_atom) { self->send(next, end_data_atom::value); },
  };
}

caf::behavior position_tracker(caf::stateful_actor<position_tracker_state>* self, session_config cfg,
                               caf::actor supervisor, caf::actor persister) {
  auto& r = self->state.report;
  r.session_id = cfg.session_id;
  r.name = cfg.name;
  r.strategy = cfg.strategy.name;
  r.symbol = cfg.symbol;
  r.initial_cash = cfg.initial_cash;
  r.final.initial_cash = cfg.initial_cash;
  r.final.cash = cfg.initial_cash;
  r.final.equity = cfg.initial_cash;
  return {
    [self, persister](session_batch& b) {
      auto& r = self->state.report;
      r.events += static_cast<int64_t>(batch_size(b.market));
      r.bars += static_cast<int64_t>(b.bars.size());
      for (auto& o : b.orders)
        if (o.status == order_status::rejected)
          ++r.orders_rejected;
      r.fills.insert(r.fills.end(), b.fills.begin(), b.fills.end());
      r.final = b.account;
      r.max_drawdown = b.max_drawdown;
      if (persister && (!b.orders.empty() || !b.fills.empty() || !b.equity.empty())) {
        persist_batch p;
        p.session_id = r.session_id;
        p.orders = std::move(b.orders);
        p.fills = std::move(b.fills);
        p.equity = std::move(b.equity);
        p.account = b.account;
        self->send(persister, std::move(p));
      }
    },
    [self, supervisor, persister](end_data_atom) {
      auto& r = self->state.report;
      if (persister) {
        persist_batch p;
        p.session_id = r.session_id;
        p.account = r.final;
        p.status = "finished";
        self->send(persister, std::move(p));
      }
      self->send(supervisor, r);
    },
  };
}

} // namespace pt

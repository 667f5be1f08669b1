#include "core/strategy.hpp"

#include <algorithm>

namespace pt {

const char* to_string(indicator_kind k) {
  switch (k) {
    case indicator_kind::sma: return "sma";
    case indicator_kind::ema: return "ema";
    case indicator_kind::rsi: return "rsi";
  }
  return "unknown";
}

std::optional<indicator_kind> parse_indicator_kind(std::string_view text) {
  for (auto k : {indicator_kind::sma, indicator_kind::ema, indicator_kind::rsi})
    if (text == to_string(k))
      return k;
  return std::nullopt;
}

const char* to_string(price_source s) {
  switch (s) {
    case price_source::open: return "open";
    case price_source::high: return "high";
    case price_source::low: return "low";
    case price_source::close: return "close";
  }
  return "unknown";
}

std::optional<price_source> parse_price_source(std::string_view text) {
  for (auto s : {price_source::open, price_source::high, price_source::low, price_source::close})
    if (text == to_string(s))
      return s;
  return std::nullopt;
}

const std::vector<std::string>& builtin_series() {
  static const std::vector<std::string> names{"open", "high", "low", "close", "volume"};
  return names;
}

std::vector<std::string> series_names(const strategy_spec& spec) {
  std::vector<std::string> names = builtin_series();
  for (auto& ind : spec.indicators)
    names.push_back(ind.name);
  return names;
}

indicator_set::indicator_set(const strategy_spec& spec) {
  for (auto& ind : spec.indicators) {
    switch (ind.kind) {
      case indicator_kind::sma: indicators_.emplace_back(sma{ind.period}); break;
      case indicator_kind::ema: indicators_.emplace_back(ema{ind.period}); break;
      case indicator_kind::rsi: indicators_.emplace_back(rsi{ind.period}); break;
    }
    sources_.push_back(ind.source);
  }
}

std::vector<std::optional<double>> indicator_set::on_candle(const candle& bar) {
  std::vector<std::optional<double>> row;
  row.reserve(5 + indicators_.size());
  row.push_back(bar.open.to_double());
  row.push_back(bar.high.to_double());
  row.push_back(bar.low.to_double());
  row.push_back(bar.close.to_double());
  row.push_back(bar.volume.to_double());
  for (size_t i = 0; i < indicators_.size(); ++i) {
    double x = 0;
    switch (sources_[i]) {
      case price_source::open: x = bar.open.to_double(); break;
      case price_source::high: x = bar.high.to_double(); break;
      case price_source::low: x = bar.low.to_double(); break;
      case price_source::close: x = bar.close.to_double(); break;
    }
    row.push_back(std::visit([x](auto& ind) { return ind.update(x); }, indicators_[i]));
  }
  return row;
}

std::optional<signal_rules> signal_rules::compile(const strategy_spec& spec, std::vector<std::string>& errors,
                                                  std::vector<rule_error>* entry_errors,
                                                  std::vector<rule_error>* exit_errors) {
  auto names = series_names(spec);
  std::vector<rule_error> e_err, x_err;
  auto entry = rule::compile(spec.entry_rule, names, e_err);
  auto exit = rule::compile(spec.exit_rule, names, x_err);
  for (auto& e : e_err)
    errors.push_back("entry rule, column " + std::to_string(e.offset + 1) + ": " + e.message);
  for (auto& e : x_err)
    errors.push_back("exit rule, column " + std::to_string(e.offset + 1) + ": " + e.message);
  if (entry_errors)
    entry_errors->insert(entry_errors->end(), e_err.begin(), e_err.end());
  if (exit_errors)
    exit_errors->insert(exit_errors->end(), x_err.begin(), x_err.end());
  if (!entry || !exit)
    return std::nullopt;
  size_t depth = std::max(entry->max_offset(), exit->max_offset()) + 1;
  return signal_rules(std::move(*entry), std::move(*exit), series_table(std::move(names), depth));
}

std::optional<signal> signal_rules::on_row(int64_t ts_event_ms, std::vector<std::optional<double>> row) {
  table_.push(std::move(row));
  signal s;
  s.ts_event_ms = ts_event_ms;
  s.entry = entry_.evaluate(table_);
  s.exit = exit_.evaluate(table_);
  if (!s.entry && !s.exit)
    return std::nullopt;
  return s;
}

} // namespace pt

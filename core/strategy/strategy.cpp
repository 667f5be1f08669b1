#include "core/strategy/strategy.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/market/candle.hpp"

namespace pt {

const char* to_string(protection_mode m) { return m == protection_mode::exchange ? "exchange" : "session"; }


const char* to_string(evaluate_on e) { return e == evaluate_on::tick ? "tick" : "bar_close"; }

const std::vector<std::string>& builtin_series() {
  static const std::vector<std::string> names{"open", "high", "low", "close", "volume"};
  return names;
}

const indicator_spec& compiled_strategy::indicator(int index) const {
  auto i = static_cast<size_t>(index);
  return i < spec.indicators.size() ? spec.indicators[i] : extra_indicators[i - spec.indicators.size()];
}

namespace {

// Finds or adds the column for (indicator or field, output, timeframe).
size_t column_for(compiled_strategy& cs, const std::string& name, int64_t timeframe_ms, int indicator, size_t output) {
  for (size_t i = 0; i < cs.series.size(); ++i) {
    auto& s = cs.series[i];
    if (s.timeframe_ms == timeframe_ms && s.indicator == indicator && s.output == output)
      return i;
  }
  cs.series.push_back({name, timeframe_ms, indicator, output});
  return cs.series.size() - 1;
}

std::string display_name(const std::string& name, int64_t timeframe_ms, int64_t base_ms) {
  return timeframe_ms == base_ms ? name : name + "@" + format_timeframe(timeframe_ms);
}

} // namespace

std::optional<compiled_strategy> compile_strategy(const strategy_spec& spec, std::vector<strategy_rule_error>& errors) {
  compiled_strategy cs;
  cs.spec = spec;
  int64_t base = spec.timeframe_ms;
  // The bar fields come first, so a row always starts open, high, low, close, volume.
  for (size_t f = 0; f < builtin_series().size(); ++f)
    column_for(cs, builtin_series()[f], base, -1, f);

  series_resolver resolve = [&](const std::string& name, int64_t timeframe_ms, std::string& why) -> std::optional<size_t> {
    int64_t tf = timeframe_ms == 0 ? base : timeframe_ms;
    if (timeframe_ms == base) {
      why = "'" + name + "@" + format_timeframe(tf) + "' is the strategy's own timeframe: write '" + name + "'";
      return std::nullopt;
    }
    if (tf < base || tf % base != 0) {
      why = "'" + name + "@" + format_timeframe(tf) + "': a value from another timeframe must come from a whole "
            "multiple of the strategy's " + format_timeframe(base);
      return std::nullopt;
    }
    auto field = std::find(builtin_series().begin(), builtin_series().end(), name);
    if (field != builtin_series().end())
      return column_for(cs, display_name(name, tf, base), tf, -1, static_cast<size_t>(field - builtin_series().begin()));
    std::string ind_name = name, output;
    if (auto dot = name.find('.'); dot != std::string::npos) {
      ind_name = name.substr(0, dot);
      output = name.substr(dot + 1);
    }
    for (size_t i = 0; i < spec.indicators.size(); ++i) {
      if (spec.indicators[i].name != ind_name)
        continue;
      const auto* info = find_indicator_type(spec.indicators[i].type);
      if (info == nullptr) {
        why = "indicator '" + ind_name + "' has an unknown type";
        return std::nullopt;
      }
      size_t out = 0;
      if (!output.empty()) {
        auto it = std::find(info->outputs.begin(), info->outputs.end(), output);
        if (it == info->outputs.end()) {
          std::string list;
          for (auto& o : info->outputs)
            list += (list.empty() ? "" : ", ") + ind_name + "." + o;
          why = "'" + name + "': " + info->type + " has no output '" + output + "' (it has " + list + ")";
          return std::nullopt;
        }
        out = static_cast<size_t>(it - info->outputs.begin());
      }
      std::string canonical = output.empty() || out == 0 ? ind_name : ind_name + "." + output;
      return column_for(cs, display_name(canonical, tf, base), tf, static_cast<int>(i), out);
    }
    std::string list;
    for (auto& b : builtin_series())
      list += (list.empty() ? "" : ", ") + b;
    for (auto& ind : spec.indicators)
      list += ", " + ind.name;
    why = "unknown name '" + name + "' (known: " + list + ")";
    return std::nullopt;
  };

  if (spec.grid) {
    // A grid trades at its levels; its only rule is the optional filter.
    if (!spec.entry_rule.empty()) {
      std::vector<rule_error> filter_errors;
      auto filter = rule::compile(spec.entry_rule, resolve, filter_errors);
      for (auto& e : filter_errors)
        errors.push_back({"filter", e});
      if (!filter)
        return std::nullopt;
      cs.entry = std::move(*filter);
      cs.grid_filter = true;
    }
    return cs;
  }
  std::vector<rule_error> entry_errors, exit_errors;
  auto entry = rule::compile(spec.entry_rule, resolve, entry_errors);
  auto exit = rule::compile(spec.exit_rule, resolve, exit_errors);
  for (auto& e : entry_errors)
    errors.push_back({"entry", e});
  for (auto& e : exit_errors)
    errors.push_back({"exit", e});
  if (!entry || !exit)
    return std::nullopt;
  cs.entry = std::move(*entry);
  cs.exit = std::move(*exit);

  const auto& r = spec.risk;
  bool uses_atr = r.stop_loss.type == stop_distance::kind::atr || r.take_profit.type == stop_distance::kind::atr ||
                  r.trailing_stop.type == stop_distance::kind::atr;
  if (uses_atr) {
    indicator_spec atr;
    atr.name = "risk_atr";
    atr.type = "atr";
    atr.params = {static_cast<double>(r.atr_period)};
    cs.extra_indicators.push_back(atr);
    int index = static_cast<int>(spec.indicators.size());
    cs.risk_atr = column_for(cs, "risk_atr", base, index, 0);
  }
  return cs;
}

signal_rules::signal_rules(const compiled_strategy& strategy)
  : entry_(strategy.entry),
    exit_(strategy.exit),
    grid_filter_(strategy.grid_filter),
    table_({}, std::max(strategy.entry.max_offset(), strategy.exit.max_offset()) + 1) {
  for (auto& s : strategy.series)
    names_.push_back(s.name);
}

std::string signal_rules::describe(const rule& r) const {
  std::ostringstream out;
  out.precision(10);
  bool first = true;
  for (size_t column : r.inputs()) {
    out << (first ? "" : ", ") << names_[column] << "=";
    auto v = table_.get(column, 0);
    if (v)
      out << *v;
    else
      out << "n/a";
    first = false;
  }
  return out.str();
}

std::optional<signal> signal_rules::on_row(int64_t ts_event_ms, const std::vector<double>& row) {
  std::vector<std::optional<double>> values;
  values.reserve(row.size());
  for (double v : row)
    values.push_back(std::isnan(v) ? std::nullopt : std::optional<double>(v));
  table_.push(std::move(values));
  signal s;
  s.ts_event_ms = ts_event_ms;
  s.entry = entry_.evaluate(table_);
  s.exit = exit_.evaluate(table_);
  if (grid_filter_) {
    s.grid_filter = true;
    s.exit = false;
    s.inputs = describe(entry_);
    return s;
  }
  if (!s.entry && !s.exit)
    return std::nullopt;
  if (s.entry)
    s.inputs = describe(entry_);
  if (s.exit)
    s.inputs += (s.inputs.empty() ? "" : "; ") + describe(exit_);
  return s;
}

} // namespace pt

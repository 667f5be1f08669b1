#pragma once

// The JSON form of `performance_metrics`, shared by the backtest report (app/report.cpp) and
// `GET /api/v1/sessions/{id}/metrics` (web/api/routes/sessions.cpp), and the field table the OpenAPI
// schema is generated from (web/api/openapi.cpp). Money, prices and quantities are decimal
// strings with 8 decimals; ratios are JSON numbers; a figure that is not defined is `null`.

#include <optional>
#include <string>
#include <vector>

#include <rapidjson/rapidjson.h>

#include "core/metrics/performance_metrics.hpp"

namespace pt {

/// How a field of the performance object is written: decimal string, number, integer or boolean.
enum class metric_kind { decimal, number, integer, boolean };

/// One field of the performance object: its JSON name, kind and whether it may be null.
struct metric_field {
  const char* name;
  metric_kind kind;
  bool nullable;
};

/// Every field `write_performance` writes, in order (a test checks the two agree).
inline const std::vector<metric_field>& performance_fields() {
  using k = metric_kind;
  static const std::vector<metric_field> fields{
    {"start_ms", k::integer, false},           {"end_ms", k::integer, false},
    {"period_ms", k::integer, false},          {"periods_per_year", k::number, false},
    {"returns", k::integer, false},            {"initial_equity", k::decimal, false},
    {"final_equity", k::decimal, false},       {"net_pnl", k::decimal, false},
    {"total_return", k::number, true},         {"annualized_return", k::number, true},
    {"annualized_volatility", k::number, true}, {"sharpe", k::number, true},
    {"sortino", k::number, true},              {"calmar", k::number, true},
    {"max_drawdown", k::number, false},        {"max_drawdown_money", k::decimal, false},
    {"max_drawdown_duration_ms", k::integer, false}, {"drawdown_recovered", k::boolean, false},
    {"round_trips", k::integer, false},        {"wins", k::integer, false},
    {"losses", k::integer, false},             {"win_rate", k::number, true},
    {"profit_factor", k::number, true},        {"expectancy", k::decimal, true},
    {"average_win", k::decimal, true},         {"average_loss", k::decimal, true},
    {"gross_profit", k::decimal, false},       {"gross_loss", k::decimal, false},
    {"exposure", k::number, true},             {"turnover", k::number, true},
    {"traded_notional", k::decimal, false},    {"average_equity", k::decimal, false},
    {"fees", k::decimal, false},               {"slippage_cost", k::decimal, false},
    {"fills", k::integer, false},              {"cash", k::decimal, false},
    {"position_qty", k::decimal, false},       {"cost_basis", k::decimal, false},
    {"avg_entry_price", k::decimal, true},     {"mark_price", k::decimal, false},
    {"realized_pnl", k::decimal, false},       {"unrealized_pnl", k::decimal, true},
  };
  return fields;
}

/// Writes `m` as one JSON object (fields as in `performance_fields()`) with any RapidJSON writer.
template <class Writer>
void write_performance(Writer& w, const performance_metrics& m) {
  auto key = [&w](const char* k) { w.Key(k); };
  auto dec = [&](const char* k, int64_t raw) {
    key(k);
    auto s = format_decimal_raw(raw);
    w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
  };
  auto opt_dec = [&](const char* k, std::optional<int64_t> raw) {
    if (raw)
      return dec(k, *raw);
    key(k);
    w.Null();
  };
  auto num = [&](const char* k, std::optional<double> x) {
    key(k);
    if (x)
      w.Double(*x);
    else
      w.Null();
  };
  auto i64 = [&](const char* k, int64_t v) {
    key(k);
    w.Int64(v);
  };
  auto raw_of = [](const auto& x) -> std::optional<int64_t> {
    if (x)
      return x->raw();
    return std::nullopt;
  };
  w.StartObject();
  i64("start_ms", m.start_ms);
  i64("end_ms", m.end_ms);
  i64("period_ms", m.period_ms);
  num("periods_per_year", m.periods_per_year);
  i64("returns", m.returns);
  dec("initial_equity", m.initial_equity.raw());
  dec("final_equity", m.final_equity.raw());
  dec("net_pnl", m.net_pnl.raw());
  num("total_return", m.total_return);
  num("annualized_return", m.annualized_return);
  num("annualized_volatility", m.annualized_volatility);
  num("sharpe", m.sharpe);
  num("sortino", m.sortino);
  num("calmar", m.calmar);
  num("max_drawdown", m.max_drawdown);
  dec("max_drawdown_money", m.max_drawdown_money.raw());
  i64("max_drawdown_duration_ms", m.max_drawdown_duration_ms);
  key("drawdown_recovered");
  w.Bool(m.drawdown_recovered);
  i64("round_trips", m.round_trips);
  i64("wins", m.wins);
  i64("losses", m.losses);
  num("win_rate", m.win_rate);
  num("profit_factor", m.profit_factor);
  opt_dec("expectancy", raw_of(m.expectancy));
  opt_dec("average_win", raw_of(m.average_win));
  opt_dec("average_loss", raw_of(m.average_loss));
  dec("gross_profit", m.gross_profit.raw());
  dec("gross_loss", m.gross_loss.raw());
  num("exposure", m.exposure);
  num("turnover", m.turnover);
  dec("traded_notional", m.traded_notional.raw());
  dec("average_equity", m.average_equity.raw());
  dec("fees", m.fees.raw());
  dec("slippage_cost", m.slippage_cost.raw());
  i64("fills", m.fills);
  dec("cash", m.cash.raw());
  dec("position_qty", m.position_qty.raw());
  dec("cost_basis", m.cost_basis.raw());
  opt_dec("avg_entry_price", raw_of(m.avg_entry_price));
  dec("mark_price", m.mark.raw());
  dec("realized_pnl", m.realized_pnl.raw());
  opt_dec("unrealized_pnl", raw_of(m.unrealized_pnl));
  w.EndObject();
}

} // namespace pt

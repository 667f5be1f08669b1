#include "app/report.hpp"

#include <fstream>
#include <stdexcept>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <spdlog/fmt/fmt.h>

#include "wire/performance_json.hpp"

namespace pt {

double return_percent(const session_report& r) {
  if (r.initial_cash.is_zero())
    return 0;
  return (r.final.equity - r.initial_cash).to_double() / r.initial_cash.to_double() * 100.0;
}

std::optional<performance_metrics> performance_of(const session_report& r, std::string* error) {
  std::optional<int64_t> end_ms;
  std::optional<price> end_mark;
  if (r.final.ts_event_ms > 0)
    end_ms = r.final.ts_event_ms;
  if (r.final.mark.is_positive())
    end_mark = r.final.mark;
  return r.performance.result(end_ms, end_mark, error);
}

namespace {

std::string ratio_text(const std::optional<double>& x, double scale = 1.0, const char* suffix = "") {
  return x ? fmt::format("{:.3f}{}", *x * scale, suffix) : std::string("-");
}

} // namespace

void print_summary_table(std::ostream& out, const std::vector<session_report>& reports) {
  out << fmt::format("{:>3}  {:<20} {:<22} {:<9} {:>6} {:>14} {:>15} {:>16} {:>9} {:>7}  {}\n", "id", "session",
                     "strategy", "symbol", "fills", "fees", "realized P&L", "equity", "return", "max DD", "status");
  for (auto& r : reports) {
    out << fmt::format("{:>3}  {:<20} {:<22} {:<9} {:>6} {:>14} {:>15} {:>16} {:>8.3f}% {:>6.2f}%  {}{}\n",
                       r.session_id, r.name.substr(0, 20), r.strategy.substr(0, 22), r.symbol, r.fill_count,
                       r.final.fees.to_string(), r.final.realized_pnl.to_string(), r.final.equity.to_string(),
                       return_percent(r), r.max_drawdown * 100.0, to_string(r.status),
                       r.failure.empty() ? "" : " (" + r.failure + ")");
  }
  out << fmt::format("\n{:>3}  {:>6} {:>8} {:>8} {:>9} {:>9} {:>9} {:>9} {:>9} {:>14} {:>12}\n", "id", "trips",
                     "win", "PF", "Sharpe", "Sortino", "Calmar", "exposure", "turnover", "slippage", "DD duration");
  for (auto& r : reports) {
    std::string error;
    auto m = performance_of(r, &error);
    if (!m) {
      out << fmt::format("{:>3}  metrics not computed: {}\n", r.session_id, error);
      continue;
    }
    out << fmt::format("{:>3}  {:>6} {:>8} {:>8} {:>9} {:>9} {:>9} {:>9} {:>9} {:>14} {:>11.1f}h\n", r.session_id,
                       m->round_trips, ratio_text(m->win_rate, 100.0, "%"), ratio_text(m->profit_factor),
                       ratio_text(m->sharpe), ratio_text(m->sortino), ratio_text(m->calmar),
                       ratio_text(m->exposure, 100.0, "%"), ratio_text(m->turnover), m->slippage_cost.to_string(),
                       static_cast<double>(m->max_drawdown_duration_ms) / 3'600'000.0);
  }
}

std::string reports_to_json(const std::vector<session_report>& reports) {
  rapidjson::StringBuffer buf;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
  auto str = [&w](const std::string& s) { w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size())); };
  auto kv = [&](const char* key, const std::string& value) {
    w.Key(key);
    str(value);
  };
  auto ki = [&](const char* key, int64_t value) {
    w.Key(key);
    w.Int64(value);
  };
  w.StartArray();
  for (auto& r : reports) {
    w.StartObject();
    ki("session_id", r.session_id);
    kv("name", r.name);
    kv("strategy", r.strategy);
    kv("symbol", r.symbol);
    kv("status", to_string(r.status));
    if (!r.failure.empty())
      kv("failure", r.failure);
    kv("initial_cash", r.initial_cash.to_string());
    ki("events", r.events);
    ki("bars", r.bars);
    ki("orders_rejected", r.orders_rejected);
    w.Key("fills");
    w.StartArray();
    for (auto& f : r.fills) {
      w.StartObject();
      ki("fill_id", f.fill_id);
      ki("order_id", f.order_id);
      ki("ts_ms", f.ts_event_ms);
      kv("side", to_string(f.fill_side));
      kv("price", f.px.to_string());
      kv("qty", f.qty.to_string());
      kv("fee", f.fee.to_string());
      kv("liquidity", to_string(f.role));
      if (f.trade_id != 0) { // the trade print that matched it, with its own exchange time
        ki("trade_id", f.trade_id);
        ki("trade_ts_ms", f.ts_trade_ms);
      }
      w.EndObject();
    }
    w.EndArray();
    w.Key("decisions");
    w.StartArray();
    for (auto& d : r.decisions) {
      w.StartObject();
      ki("ts_ms", d.ts_event_ms);
      kv("rule", d.rule);
      kv("inputs", d.inputs);
      kv("action", d.action);
      ki("order_id", d.order_id);
      w.EndObject();
    }
    w.EndArray();
    w.Key("final");
    w.StartObject();
    ki("ts_ms", r.final.ts_event_ms);
    kv("cash", r.final.cash.to_string());
    kv("position_qty", r.final.position_qty.to_string());
    kv("cost_basis", r.final.cost_basis.to_string());
    kv("mark_price", r.final.mark.to_string());
    kv("equity", r.final.equity.to_string());
    kv("realized_pnl", r.final.realized_pnl.to_string());
    kv("fees", r.final.fees.to_string());
    w.EndObject();
    w.Key("max_drawdown");
    w.Double(r.max_drawdown);
    w.Key("return_pct");
    w.Double(return_percent(r));
    std::string error;
    w.Key("performance");
    if (auto m = performance_of(r, &error)) {
      write_performance(w, *m);
    } else {
      w.Null();
      kv("performance_error", error);
    }
    w.EndObject();
  }
  w.EndArray();
  return std::string(buf.GetString(), buf.GetSize());
}

void write_reports_json(const std::string& path, const std::vector<session_report>& reports) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out)
    throw std::runtime_error("cannot write " + path);
  out << reports_to_json(reports) << '\n';
  if (!out)
    throw std::runtime_error("error writing " + path);
}

} // namespace pt

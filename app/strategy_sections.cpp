// The `risk`, `order`, `sizing` and `grid` sections of a strategy file, and the scalar readers
// every section uses (app/strategy_sections.hpp).

#include "app/strategy_sections.hpp"

#include <cmath>

#include "core/market/candle.hpp"

namespace pt::strategy_yaml {

std::string text_of(const YAML::Node& node) { return node.IsScalar() ? node.Scalar() : std::string("(not a value)"); }

std::optional<std::string> scalar(const YAML::Node& node, yaml_problems& p, const std::string& what) {
  if (!node.IsScalar()) {
    p.add(node, what + " must be a single value");
    return std::nullopt;
  }
  return node.Scalar();
}

namespace {

std::optional<double> number(const YAML::Node& node, yaml_problems& p, const std::string& what) {
  auto text = scalar(node, p, what);
  if (!text)
    return std::nullopt;
  try {
    size_t used = 0;
    double v = std::stod(*text, &used);
    if (used == text->size() && std::isfinite(v))
      return v;
  } catch (const std::exception&) {
  }
  p.add(node, what + " must be a number, not '" + *text + "'");
  return std::nullopt;
}

// A percentage (0, hi] read exactly into bps (1 % = 100 bps).
std::optional<bps> percent(const YAML::Node& node, yaml_problems& p, const std::string& what, int hi = 100) {
  auto text = scalar(node, p, what);
  if (!text)
    return std::nullopt;
  auto v = bps::parse(*text);
  if (!v || !v->is_positive() || *v > bps::from_units(hi)) {
    p.add(node, what + " must be a number above 0 and at most " + std::to_string(hi) + ", not '" + *text + "'");
    return std::nullopt;
  }
  return bps::from_raw(v->raw() * 100);
}

// A loss limit: {percent: 3} (or a bare 3).
std::optional<bps> percent_limit(const YAML::Node& node, yaml_problems& p, const std::string& what) {
  if (!node.IsMap())
    return percent(node, p, what);
  p.reject_unknown_keys(node, {"percent"}, what);
  auto pct = node["percent"];
  if (!pct) {
    p.add(node, what + " must be {percent: N}");
    return std::nullopt;
  }
  return percent(pct, p, what + ".percent");
}

// {percent: 2} or {atr: 3}.
stop_distance read_distance(const YAML::Node& node, yaml_problems& p, const std::string& what) {
  stop_distance d;
  if (!node.IsMap() || node.size() != 1) {
    p.add(node, what + " must be {percent: N} or {atr: K} (a multiple of ATR)");
    return d;
  }
  p.reject_unknown_keys(node, {"percent", "atr"}, what);
  if (auto pct = node["percent"]) {
    if (auto v = percent(pct, p, what + ".percent", 99)) {
      d.type = stop_distance::kind::percent;
      d.percent_bps = *v;
    }
  } else if (auto atr = node["atr"]) {
    auto v = number(atr, p, what + ".atr");
    if (v && (*v <= 0 || *v > 100))
      p.add(atr, what + ".atr must be a multiple above 0 and at most 100, not '" + text_of(atr) + "'");
    else if (v) {
      d.type = stop_distance::kind::atr;
      d.atr_multiple = *v;
    }
  }
  return d;
}

} // namespace

void read_risk(const YAML::Node& risk, strategy_spec& spec, yaml_problems& p) {
  if (!risk.IsMap()) {
    p.add(risk, "risk must be a mapping (stop_loss, take_profit, trailing_stop, …)");
    return;
  }
  p.reject_unknown_keys(risk, {"stop_loss", "take_profit", "trailing_stop", "atr_period", "max_position",
                               "max_daily_loss", "max_drawdown", "cooldown", "protection", "trailing_activation"},
                        "risk");
  auto& r = spec.risk;
  if (auto n = risk["stop_loss"])
    r.stop_loss = read_distance(n, p, "stop_loss");
  if (auto n = risk["take_profit"])
    r.take_profit = read_distance(n, p, "take_profit");
  if (auto n = risk["trailing_stop"])
    r.trailing_stop = read_distance(n, p, "trailing_stop");
  if (auto n = risk["atr_period"]) {
    auto v = number(n, p, "atr_period");
    if (v && (*v < 1 || *v > 1000 || *v != std::floor(*v)))
      p.add(n, "atr_period must be a whole number from 1 to 1000, not '" + text_of(n) + "'");
    else if (v)
      r.atr_period = static_cast<int>(*v);
  }
  if (auto n = risk["max_position"]) {
    auto v = n.IsScalar() ? money::parse(n.Scalar()) : std::nullopt;
    if (!v || !v->is_positive())
      p.add(n, "max_position is the most an entry may cost, a positive amount of quote currency, not '" +
                 text_of(n) + "'");
    else
      r.max_position_quote = *v;
  }
  if (auto n = risk["max_daily_loss"])
    r.max_daily_loss_bps = percent_limit(n, p, "max_daily_loss");
  if (auto n = risk["max_drawdown"])
    r.max_drawdown_bps = percent_limit(n, p, "max_drawdown");
  if (auto n = risk["protection"]) {
    auto s = scalar(n, p, "protection");
    if (s && *s == "exchange")
      r.protection = protection_mode::exchange;
    else if (s && *s != "session")
      p.add(n, "protection must be session (the session watches the stops) or exchange (they rest on the "
               "exchange as orders), not '" + *s + "'");
  }
  if (auto n = risk["trailing_activation"]) {
    r.trailing_activation = read_distance(n, p, "trailing_activation");
    if (r.trailing_activation.type == stop_distance::kind::atr) {
      p.add(n, "trailing_activation must be {percent: N} above the entry");
      r.trailing_activation = {};
    }
    if (r.protection != protection_mode::exchange || !risk["trailing_stop"])
      p.add(n, "trailing_activation is the exchange trailing stop's activation price: it needs a trailing_stop "
               "and protection: exchange");
  }
  if (r.protection == protection_mode::exchange && r.stop_loss.active() && r.take_profit.active() &&
      r.trailing_stop.active())
    p.add(risk, "with protection: exchange the exits rest as one OCO of two orders: use a take_profit with either "
                "a stop_loss or a trailing_stop, not all three");
  if (auto n = risk["cooldown"]) {
    auto s = scalar(n, p, "cooldown");
    auto tf = s ? parse_timeframe_ms(*s) : std::nullopt;
    if (s && !tf)
      p.add(n, "cooldown must be a duration like 30s, 15m, 1h, not '" + *s + "'");
    else if (tf)
      r.cooldown_ms = *tf;
  }
}

// order: {type: market|limit|limit_maker, offset_bps: 5, time_in_force: gtc|ioc|fok, expire_ms: 60000}
void read_order(const YAML::Node& node, strategy_spec& spec, yaml_problems& p) {
  if (!node.IsMap()) {
    p.add(node, "order must be a mapping (type, offset_bps, time_in_force, expire_ms)");
    return;
  }
  p.reject_unknown_keys(node, {"type", "offset_bps", "time_in_force", "expire_ms"}, "order");
  auto& o = spec.order;
  if (auto n = node["type"]) {
    auto s = scalar(n, p, "order.type");
    if (s && *s == "market")
      o.type = order_type::market;
    else if (s && *s == "limit")
      o.type = order_type::limit;
    else if (s && *s == "limit_maker")
      o.type = order_type::limit_maker;
    else if (s)
      p.add(n, "order.type must be market, limit or limit_maker, not '" + *s + "'");
  }
  bool limit = o.type != order_type::market;
  if (auto n = node["offset_bps"]) {
    auto s = scalar(n, p, "order.offset_bps");
    auto v = s ? bps::parse(*s) : std::nullopt;
    if (s && (!v || v->raw() < 0 || *v >= bps::from_units(10'000)))
      p.add(n, "order.offset_bps must be a number of bps from 0 to below 10000 (below the best bid), not '" + *s + "'");
    else if (v)
      o.offset_bps = *v;
    if (!limit)
      p.add(n, "order.offset_bps prices a limit entry: it needs type: limit or limit_maker");
  }
  if (auto n = node["time_in_force"]) {
    auto s = scalar(n, p, "order.time_in_force");
    if (s && (*s == "gtc" || *s == "GTC"))
      o.tif = time_in_force::gtc;
    else if (s && (*s == "ioc" || *s == "IOC"))
      o.tif = time_in_force::ioc;
    else if (s && (*s == "fok" || *s == "FOK"))
      o.tif = time_in_force::fok;
    else if (s)
      p.add(n, "order.time_in_force must be gtc, ioc or fok, not '" + *s + "'");
    if (s && !limit)
      p.add(n, "order.time_in_force applies to limit entries (a market order is IOC)");
    if (s && o.type == order_type::limit_maker && o.tif != time_in_force::gtc)
      p.add(n, "a limit_maker entry rests (gtc): it cannot be ioc or fok");
  }
  if (auto n = node["expire_ms"]) {
    auto v = number(n, p, "order.expire_ms");
    if (v && (*v < 1 || *v > 31'536'000'000.0 || *v != std::floor(*v)))
      p.add(n, "order.expire_ms must be a whole number of ms from 1 to 31536000000, not '" + text_of(n) + "'");
    else if (v)
      o.expire_ms = static_cast<int64_t>(*v);
    if (!limit)
      p.add(n, "order.expire_ms cancels a resting limit entry: it needs type: limit or limit_maker");
  }
}

void read_sizing(const YAML::Node& sizing, strategy_spec& spec, yaml_problems& p) {
  if (!sizing.IsMap() || sizing.size() != 1) {
    p.add(sizing, "sizing must be a mapping with one of percent_of_equity, quote, base or risk_percent");
    return;
  }
  p.reject_unknown_keys(sizing, {"percent_of_equity", "quote", "base", "risk_percent"}, "sizing");
  auto& s = spec.sizing;
  if (auto n = sizing["percent_of_equity"]) {
    if (auto v = percent(n, p, "percent_of_equity")) {
      s.type = sizing_spec::kind::percent_of_equity;
      s.percent_bps = *v;
    }
  } else if (auto n = sizing["risk_percent"]) {
    if (auto v = percent(n, p, "risk_percent", 50)) {
      s.type = sizing_spec::kind::risk_percent;
      s.percent_bps = *v;
    }
  } else if (auto n = sizing["quote"]) {
    auto v = n.IsScalar() ? money::parse(n.Scalar()) : std::nullopt;
    if (!v || !v->is_positive())
      p.add(n, "quote must be a positive amount of quote currency, not '" + text_of(n) + "'");
    else {
      s.type = sizing_spec::kind::quote;
      s.amount = *v;
    }
  } else if (auto n = sizing["base"]) {
    auto v = n.IsScalar() ? quantity::parse(n.Scalar()) : std::nullopt;
    if (!v || !v->is_positive())
      p.add(n, "base must be a positive quantity of the base asset, not '" + text_of(n) + "'");
    else {
      s.type = sizing_spec::kind::base;
      s.qty = *v;
    }
  }
}

void read_grid(const YAML::Node& grid, strategy_spec& spec, yaml_problems& p) {
  if (!grid.IsMap()) {
    p.add(grid, "grid must be a mapping with lower, upper, levels, qty_per_level (and spacing, filter)");
    return;
  }
  p.reject_unknown_keys(grid, {"lower", "upper", "levels", "spacing", "qty_per_level", "filter"}, "grid");
  grid_spec g;
  bool ok = true;
  auto read_price = [&](const char* key, price& out) {
    auto n = grid[key];
    if (!n) {
      p.add(grid, std::string("grid needs '") + key + "'");
      ok = false;
      return;
    }
    auto v = n.IsScalar() ? price::parse(n.Scalar()) : std::nullopt;
    if (!v || !v->is_positive()) {
      p.add(n, std::string(key) + " must be a positive price, not '" + text_of(n) + "'");
      ok = false;
      return;
    }
    out = *v;
  };
  read_price("lower", g.lower);
  read_price("upper", g.upper);
  if (ok && g.lower >= g.upper) {
    p.add(grid["upper"], "upper must be above lower");
    ok = false;
  }
  if (auto n = grid["levels"]) {
    auto v = number(n, p, "levels");
    if (v && (*v < 2 || *v > 1000 || *v != std::floor(*v))) {
      p.add(n, "levels must be a whole number from 2 to 1000, not '" + text_of(n) + "'");
      ok = false;
    } else if (v) {
      g.levels = static_cast<int>(*v);
    }
  } else {
    p.add(grid, "grid needs 'levels'");
    ok = false;
  }
  if (auto n = grid["spacing"]) {
    auto s = scalar(n, p, "spacing");
    if (s && *s == "geometric")
      g.geometric = true;
    else if (s && *s != "arithmetic")
      p.add(n, "spacing must be arithmetic or geometric, not '" + *s + "'");
  }
  auto q = grid["qty_per_level"];
  if (!q) {
    p.add(grid, "grid needs 'qty_per_level' (base asset bought at each level)");
    ok = false;
  } else if (auto qty = q.IsScalar() ? quantity::parse(q.Scalar()) : std::nullopt; qty && qty->is_positive()) {
    g.qty_per_level = *qty;
  } else {
    p.add(q, "qty_per_level must be a positive quantity, not '" + text_of(q) + "'");
    ok = false;
  }
  if (auto f = grid["filter"]) {
    if (f.IsScalar())
      spec.entry_rule = g.filter_rule = f.Scalar();
    else
      p.add(f, "filter must be a rule, e.g. filter: rsi < 70");
  }
  if (ok) {
    auto levels = grid_levels(g);
    for (size_t i = 1; i < levels.size(); ++i)
      if (levels[i] <= levels[i - 1]) {
        p.add(grid["levels"], "levels are closer than the price precision (1e-8) allows: use fewer levels or a "
                              "wider range");
        ok = false;
        break;
      }
  }
  if (ok)
    spec.grid = g;
}

} // namespace pt::strategy_yaml

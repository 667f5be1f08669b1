#include "app/strategy_loader.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <mutex>
#include <unordered_map>

#include "app/yaml_errors.hpp"
#include "core/candle.hpp"
#include "core/symbol.hpp"

namespace pt {

namespace {

// A parameter bound for messages: 14, 0.5 (no trailing zeros).
std::string fmt_number(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e15)
    return std::to_string(static_cast<long long>(v));
  std::string s = std::to_string(v);
  while (!s.empty() && s.back() == '0')
    s.pop_back();
  return s;
}

bool is_identifier(const std::string& s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_'))
    return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

bool is_reserved(const std::string& name) {
  static const std::vector<std::string> words{"and", "or", "not", "crosses_above", "crosses_below", "risk_atr"};
  return std::find(builtin_series().begin(), builtin_series().end(), name) != builtin_series().end() ||
         std::find(words.begin(), words.end(), name) != words.end();
}

std::string text_of(const YAML::Node& node) { return node.IsScalar() ? node.Scalar() : std::string("(not a value)"); }

std::optional<std::string> scalar(const YAML::Node& node, yaml_problems& p, const std::string& what) {
  if (!node.IsScalar()) {
    p.add(node, what + " must be a single value");
    return std::nullopt;
  }
  return node.Scalar();
}

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

void read_indicators(const YAML::Node& inds, strategy_spec& spec, yaml_problems& p) {
  if (!inds.IsMap()) {
    p.add(inds, "indicators must be a mapping of name to {type, …parameters}");
    return;
  }
  for (auto it = inds.begin(); it != inds.end(); ++it) {
    indicator_spec ind;
    ind.name = it->first.as<std::string>("");
    bool ok = true;
    if (!is_identifier(ind.name)) {
      p.add(it->first, "indicator name '" + ind.name + "' must be letters, digits and '_', not starting with a digit");
      ok = false;
    } else if (is_reserved(ind.name)) {
      p.add(it->first, "indicator name '" + ind.name + "' is reserved");
      ok = false;
    } else if (std::any_of(spec.indicators.begin(), spec.indicators.end(),
                           [&](const indicator_spec& other) { return other.name == ind.name; })) {
      p.add(it->first, "indicator '" + ind.name + "' is defined twice");
      ok = false;
    }
    // A copy: yaml-cpp's `it->` points into a temporary, so a reference would dangle.
    const YAML::Node body = it->second;
    if (!body.IsMap()) {
      p.add(body, "indicator '" + ind.name + "' must be a mapping like {type: ema, period: 9}");
      continue;
    }
    auto type_node = body["type"];
    if (!type_node) {
      p.add(body, "indicator '" + ind.name + "' needs a type");
      continue;
    }
    auto type = scalar(type_node, p, "type");
    const indicator_type_info* info = type ? find_indicator_type(*type) : nullptr;
    if (type && !info) {
      std::string list;
      for (auto& t : indicator_types())
        list += (list.empty() ? "" : ", ") + t.type;
      p.add(type_node, "unknown indicator type '" + *type + "' (known: " + list + ")");
    }
    if (!info)
      continue;
    ind.type = info->type;
    std::vector<std::string> allowed{"type"};
    if (info->uses_source)
      allowed.push_back("source");
    for (auto& param : info->params)
      allowed.push_back(param.name);
    p.reject_unknown_keys(body, allowed, "indicator '" + ind.name + "' (" + info->type + ")");
    for (auto& param : info->params) {
      double v = param.default_value;
      if (auto node = body[param.name]) {
        std::optional<double> parsed;
        try {
          size_t used = 0;
          if (node.IsScalar())
            parsed = std::stod(node.Scalar(), &used);
          if (parsed && (used != node.Scalar().size() || !std::isfinite(*parsed)))
            parsed.reset();
        } catch (const std::exception&) {
        }
        bool in_range = parsed && *parsed >= param.min && *parsed <= param.max &&
                        (!param.integer || *parsed == std::floor(*parsed));
        if (!in_range) {
          p.add(node, param.name + " of " + info->type + " must be " + (param.integer ? "a whole number" : "a number") +
                        " from " + fmt_number(param.min) + " to " + fmt_number(param.max) + ", not '" +
                        text_of(node) + "'");
        }
        ok = ok && in_range;
        if (in_range)
          v = *parsed;
      }
      ind.params.push_back(v);
    }
    if (auto src = body["source"]) {
      auto s = scalar(src, p, "source");
      auto ps = s ? parse_price_source(*s) : std::nullopt;
      if (s && !ps)
        p.add(src, "source must be open, high, low or close, not '" + *s + "'");
      else if (ps)
        ind.source = *ps;
    }
    if (ok)
      spec.indicators.push_back(ind);
  }
}

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

// Reports a rule error at its column in the file: the scalar's position plus the offset (plus
// one for a quoted scalar's opening quote). Offsets map to columns only when the rule is written
// verbatim on the scalar's first line; rules YAML folded from several lines, block scalars and
// quoted rules with escapes report the scalar's start.
void add_rule_error(const YAML::Node& node, const std::string& text, const rule_error& e, yaml_problems& p,
                    const std::string& which) {
  auto mark = node.Mark();
  bool quoted = node.Tag() == "!";
  size_t line_start = 0;
  for (int line = 0; line < mark.line && line_start != std::string::npos; ++line) {
    line_start = text.find('\n', line_start);
    line_start = line_start == std::string::npos ? line_start : line_start + 1;
  }
  // Where the rule's first character would be if it is written verbatim.
  size_t first = line_start == std::string::npos || mark.column < 0
                   ? text.size()
                   : std::min(text.size(), line_start + static_cast<size_t>(mark.column) + (quoted ? 1 : 0));
  bool verbatim = text.compare(first, node.Scalar().size(), node.Scalar()) == 0;
  int column = mark.column + (verbatim ? static_cast<int>(e.offset) + (quoted ? 1 : 0) : 0);
  p.add_at(mark.line, column, which + " rule: " + e.message);
}

} // namespace

// The loader proper; load_strategy_text turns any yaml-cpp exception it lets out into a problem.
static loaded_strategy load_strategy_yaml(const std::string& text, const std::string& label);

loaded_strategy load_strategy_file(const std::string& path) {
  return load_strategy_text(read_text_file(path), path);
}

namespace {

// Strategies already loaded, by (label, text): a config of 10,000 sessions names a few files, and
// restoring them reloads each session's stored text; parsing YAML was a tenth of a 10,000-session
// restart (docs/BENCHMARKS.md, "What limits it"). Only successful loads are kept; the result
// depends on nothing but the text and the label, so a kept one is the same as a new parse.
struct strategy_cache {
  static constexpr size_t max_entries = 256; // more distinct strategies than this: start over
  std::mutex mutex;
  std::unordered_map<std::string, loaded_strategy> entries;
};

strategy_cache& cache() {
  static strategy_cache c;
  return c;
}

} // namespace

loaded_strategy load_strategy_text(const std::string& text, const std::string& label) {
  std::string key = label;
  key.push_back('\0');
  key += text;
  {
    auto& c = cache();
    std::lock_guard<std::mutex> lock(c.mutex);
    if (auto it = c.entries.find(key); it != c.entries.end())
      return it->second;
  }
  auto loaded = load_strategy_text_uncached(text, label);
  auto& c = cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  if (c.entries.size() >= strategy_cache::max_entries)
    c.entries.clear();
  c.entries.emplace(std::move(key), loaded);
  return loaded;
}

loaded_strategy load_strategy_text_uncached(const std::string& text, const std::string& label) {
  try {
    return load_strategy_yaml(text, label);
  } catch (const YAML::Exception& e) {
    // A shape the checks above did not foresee: still a positioned problem, never a crash.
    yaml_problems p(label);
    p.add_at(e.mark.line, e.mark.column, "unexpected YAML structure: " + e.msg);
    p.throw_if_any();
  }
  return {};
}

static loaded_strategy load_strategy_yaml(const std::string& text, const std::string& label) {
  loaded_strategy out;
  out.file = label;
  out.text = text;
  auto root = parse_yaml(text, label);
  yaml_problems p(label);
  if (!root.IsMap()) {
    p.add(root, "a strategy is a YAML mapping with name, timeframe, indicators, entry and exit");
    p.throw_if_any();
  }
  p.reject_unknown_keys(root, {"name", "description", "symbol", "timeframe", "evaluate_on", "indicators", "entry",
                               "exit", "risk", "sizing", "order", "grid"},
                        "the strategy");
  auto& spec = out.spec;

  if (auto n = root["name"]) {
    if (auto s = scalar(n, p, "name"))
      spec.name = *s;
  } else {
    p.add(root, "missing 'name'");
  }
  if (auto n = root["symbol"]) {
    auto s = scalar(n, p, "symbol");
    if (s && !is_exchange_symbol(*s))
      p.add(n, "symbol must be an exchange symbol in upper case, e.g. BTCUSDT, not '" + *s + "'");
    else if (s)
      spec.symbol = *s;
  }
  if (auto n = root["timeframe"]) {
    auto s = scalar(n, p, "timeframe");
    auto tf = s ? parse_timeframe_ms(*s) : std::nullopt;
    if (s && !tf)
      p.add(n, "timeframe must look like 1s, 15s, 1m, 5m, 1h, 4h, 1d or 1w, not '" + *s + "'");
    else if (tf)
      spec.timeframe_ms = *tf;
  } else {
    p.add(root, "missing 'timeframe' (e.g. timeframe: 1m)");
  }
  if (auto n = root["evaluate_on"]) {
    auto s = scalar(n, p, "evaluate_on");
    if (s && *s == "tick")
      spec.evaluation = evaluate_on::tick;
    else if (s && *s != "bar_close")
      p.add(n, "evaluate_on must be bar_close or tick, not '" + *s + "'");
  }
  if (auto inds = root["indicators"])
    read_indicators(inds, spec, p);

  const YAML::Node grid = root["grid"];
  const YAML::Node entry_key = root["entry"], exit_key = root["exit"];
  // The rule nodes: a grid's only rule is its filter. (Chosen at initialisation: assigning to a
  // yaml-cpp node later writes into the node it refers to instead of rebinding it.)
  const YAML::Node entry = grid ? (grid.IsMap() ? grid["filter"] : YAML::Node()) : entry_key;
  const YAML::Node exit = grid ? YAML::Node() : exit_key;
  if (grid) {
    read_grid(grid, spec, p);
    if (entry_key)
      p.add(entry_key, "a grid strategy has no entry rule: it buys at its levels (use grid.filter to pause it)");
    if (exit_key)
      p.add(exit_key, "a grid strategy has no exit rule: it sells one level above each buy");
    if (auto sizing = root["sizing"])
      p.add(sizing, "a grid strategy buys qty_per_level at each level; sizing is not used by a grid");
    if (auto risk = root["risk"]; risk && risk.IsMap())
      for (const char* key : {"stop_loss", "take_profit", "trailing_stop", "cooldown", "max_position"})
        if (auto n = risk[key])
          p.add(n, std::string(key) + " is not used by a grid (only max_daily_loss and max_drawdown are)");
  } else {
    if (!entry)
      p.add(root, "missing 'entry' (the rule that opens a position)");
    else if (auto s = scalar(entry, p, "entry"))
      spec.entry_rule = *s;
    if (!exit)
      p.add(root, "missing 'exit' (the rule that closes a position)");
    else if (auto s = scalar(exit, p, "exit"))
      spec.exit_rule = *s;
  }

  if (auto risk = root["risk"])
    read_risk(risk, spec, p);
  if (auto sizing = root["sizing"])
    read_sizing(sizing, spec, p);
  if (auto order = root["order"]) {
    if (grid)
      p.add(order, "a grid strategy places limit orders at its levels; order is for entries");
    else
      read_order(order, spec, p);
  }
  if (spec.sizing.type == sizing_spec::kind::risk_percent && !spec.risk.stop_loss.active())
    p.add(root["sizing"], "sizing by risk_percent needs a risk.stop_loss to measure the risk from");

  // Rules see only the indicators that loaded: a rule using a broken indicator reports its name
  // as unknown too, next to the indicator's own problem.
  bool rules_readable = grid ? (spec.grid.has_value() && (!entry || entry.IsScalar()))
                             : (entry && exit && entry.IsScalar() && exit.IsScalar());
  if (rules_readable) {
    std::vector<strategy_rule_error> errors;
    auto compiled = compile_strategy(spec, errors);
    for (auto& e : errors)
      add_rule_error(e.rule == "exit" ? exit : entry, text, e.error, p, e.rule);
    // (a grid's filter errors come back as rule "filter" and are placed on the filter node)
    if (compiled && grid && entry && compiled->entry.inputs().empty())
      add_rule_error(entry, text, {0, "the filter reads no market value, so it never changes"}, p, "filter");
    if (compiled && !grid) {
      if (compiled->entry.inputs().empty())
        add_rule_error(entry, text, {0, "the rule reads no market value, so it never changes: it is always true or never"},
                       p, "entry");
      if (compiled->exit.inputs().empty())
        add_rule_error(exit, text, {0, "the rule reads no market value, so it never changes: the exit is either "
                                 "immediate or unreachable"},
                       p, "exit");
    }
  }
  p.throw_if_any();
  return out;
}

} // namespace pt

#include "app/strategy_loader.hpp"

#include <algorithm>
#include <mutex>
#include <unordered_map>

#include "app/strategy_sections.hpp"
#include "app/yaml_errors.hpp"
#include "core/market/candle.hpp"
#include "core/symbol.hpp"

namespace pt {

using namespace strategy_yaml;

namespace {

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

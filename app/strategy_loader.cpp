#include "app/strategy_loader.hpp"

#include <algorithm>
#include <cctype>

#include "app/yaml_errors.hpp"

namespace pt {

namespace {

bool is_identifier(const std::string& s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_'))
    return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

bool is_symbol(const std::string& s) {
  return s.size() >= 5 && std::all_of(s.begin(), s.end(), [](char c) {
           return std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c));
         });
}

std::optional<std::string> scalar(const YAML::Node& node, yaml_problems& p, const std::string& what) {
  if (!node.IsScalar()) {
    p.add(node, what + " must be a single value");
    return std::nullopt;
  }
  return node.Scalar();
}

std::optional<int> whole_number(const YAML::Node& node, yaml_problems& p, const std::string& what, int lo, int hi) {
  auto text = scalar(node, p, what);
  if (!text)
    return std::nullopt;
  try {
    size_t used = 0;
    long v = std::stol(*text, &used);
    if (used == text->size() && v >= lo && v <= hi)
      return static_cast<int>(v);
  } catch (const std::exception&) {
  }
  p.add(node, what + " must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) + ", not '" +
                *text + "'");
  return std::nullopt;
}

// Reports rule errors at their column in the file: the scalar's position plus the offset
// (plus one for a quoted scalar's opening quote). Offsets map to columns only when the rule is
// written verbatim on the scalar's first line; rules YAML folded from several lines, block
// scalars and quoted rules with escapes report the scalar's start.
void add_rule_errors(const YAML::Node& node, const std::string& text, const std::vector<rule_error>& errors,
                     yaml_problems& p, const std::string& which) {
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
                     : std::min(text.size(), line_start + mark.column + (quoted ? 1 : 0));
  bool verbatim = text.compare(first, node.Scalar().size(), node.Scalar()) == 0;
  for (auto& e : errors) {
    int column = mark.column + (verbatim ? static_cast<int>(e.offset) + (quoted ? 1 : 0) : 0);
    p.add_at(mark.line, column, which + " rule: " + e.message);
  }
}

} // namespace

loaded_strategy load_strategy_file(const std::string& path) {
  return load_strategy_text(read_text_file(path), path);
}

loaded_strategy load_strategy_text(const std::string& text, const std::string& label) {
  loaded_strategy out;
  out.file = label;
  out.text = text;
  auto root = parse_yaml(text, label);
  yaml_problems p(label);
  if (!root.IsMap()) {
    p.add(root, "a strategy is a YAML mapping with name, timeframe, indicators, entry and exit");
    p.throw_if_any();
  }
  p.reject_unknown_keys(root, {"name", "symbol", "timeframe", "indicators", "entry", "exit", "sizing", "description"},
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
    if (s && !is_symbol(*s))
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

  if (auto inds = root["indicators"]) {
    if (!inds.IsMap()) {
      p.add(inds, "indicators must be a mapping of name to {type, period}");
    } else {
      for (auto it = inds.begin(); it != inds.end(); ++it) {
        indicator_spec ind;
        ind.name = it->first.as<std::string>("");
        bool ok = true;
        if (!is_identifier(ind.name)) {
          p.add(it->first, "indicator name '" + ind.name + "' must be letters, digits and '_', not starting with a digit");
          ok = false;
        } else if (std::find(builtin_series().begin(), builtin_series().end(), ind.name) != builtin_series().end() ||
                   ind.name == "and" || ind.name == "or" || ind.name == "not" || ind.name == "crosses_above" ||
                   ind.name == "crosses_below") {
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
        p.reject_unknown_keys(body, {"type", "period", "source"}, "indicator '" + ind.name + "'");
        if (auto t = body["type"]) {
          auto s = scalar(t, p, "type");
          auto kind = s ? parse_indicator_kind(*s) : std::nullopt;
          if (s && !kind) {
            p.add(t, "unknown indicator type '" + *s + "' (known: sma, ema, rsi)");
            ok = false;
          } else if (kind) {
            ind.kind = *kind;
          }
        } else {
          p.add(body, "indicator '" + ind.name + "' needs a type (sma, ema or rsi)");
          ok = false;
        }
        if (auto per = body["period"]) {
          auto v = whole_number(per, p, "period", 1, 10'000);
          ok = ok && v.has_value();
          if (v)
            ind.period = *v;
        } else {
          p.add(body, "indicator '" + ind.name + "' needs a period");
          ok = false;
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
  }

  YAML::Node entry = root["entry"], exit = root["exit"];
  if (!entry)
    p.add(root, "missing 'entry' (the rule that opens a position)");
  else if (auto s = scalar(entry, p, "entry"))
    spec.entry_rule = *s;
  if (!exit)
    p.add(root, "missing 'exit' (the rule that closes a position)");
  else if (auto s = scalar(exit, p, "exit"))
    spec.exit_rule = *s;

  if (auto sizing = root["sizing"]) {
    if (!sizing.IsMap()) {
      p.add(sizing, "sizing must be a mapping like {percent_of_equity: 95}");
    } else {
      p.reject_unknown_keys(sizing, {"percent_of_equity"}, "sizing");
      if (auto pct = sizing["percent_of_equity"]) {
        auto s = scalar(pct, p, "percent_of_equity");
        auto v = s ? bps::parse(*s) : std::nullopt;
        if (s && (!v || !v->is_positive() || *v > bps::from_units(100)))
          p.add(pct, "percent_of_equity must be a number above 0 and at most 100, not '" + *s + "'");
        else if (v)
          spec.position_size_bps = bps::from_raw(v->raw() * 100); // percent → bps
      }
    }
  }

  // Rules see only the indicators that loaded: a rule using a broken indicator reports its name
  // as unknown too, next to the indicator's own problem.
  if (entry && exit && entry.IsScalar() && exit.IsScalar()) {
    std::vector<std::string> messages;
    std::vector<rule_error> entry_errors, exit_errors;
    signal_rules::compile(spec, messages, &entry_errors, &exit_errors);
    add_rule_errors(entry, text, entry_errors, p, "entry");
    add_rule_errors(exit, text, exit_errors, p, "exit");
  }
  p.throw_if_any();
  return out;
}

} // namespace pt

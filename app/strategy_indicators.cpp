// The `indicators` section of a strategy file (app/strategy_sections.hpp).

#include "app/strategy_sections.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace pt::strategy_yaml {

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

} // namespace

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

} // namespace pt::strategy_yaml

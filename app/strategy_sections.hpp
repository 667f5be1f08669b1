#pragma once

// The sections of a strategy file (docs/strategies.md), each read into a `strategy_spec` for
// `load_strategy_text` (app/strategy_loader.cpp): `indicators` (app/strategy_indicators.cpp);
// `risk`, `order`, `sizing` and `grid` (app/strategy_sections.cpp). Each reports every problem it
// finds to `p` at its position and keeps only the values that are valid; none throws.

#include <optional>
#include <string>

#include <yaml-cpp/yaml.h>

#include "app/yaml_errors.hpp"
#include "core/strategy/strategy.hpp"

namespace pt::strategy_yaml {

/// A scalar's text, or "(not a value)" for a map or a sequence (for messages).
std::string text_of(const YAML::Node& node);

/// The text of scalar `node`; nullopt after reporting "<what> must be a single value" otherwise.
std::optional<std::string> scalar(const YAML::Node& node, yaml_problems& p, const std::string& what);

/// `indicators:` name → {type: one of `indicator_types()`, its parameters, source}; appends each
/// indicator that is valid to `spec.indicators` (names checked: identifiers, not reserved, unique).
void read_indicators(const YAML::Node& inds, strategy_spec& spec, yaml_problems& p);

/// `risk:` stops ({percent: N} or {atr: K}), atr_period, max_position, loss limits, cooldown,
/// protection (session or exchange), trailing_activation; into `spec.risk`.
void read_risk(const YAML::Node& risk, strategy_spec& spec, yaml_problems& p);

/// `order:` {type: market|limit|limit_maker, offset_bps, time_in_force, expire_ms}; into `spec.order`.
void read_order(const YAML::Node& node, strategy_spec& spec, yaml_problems& p);

/// `sizing:` one of percent_of_equity, quote, base or risk_percent; into `spec.sizing`.
void read_sizing(const YAML::Node& sizing, strategy_spec& spec, yaml_problems& p);

/// `grid:` {lower, upper, levels, spacing, qty_per_level, filter}; sets `spec.grid` (and the
/// filter as `spec.entry_rule`) only when the whole grid is valid.
void read_grid(const YAML::Node& grid, strategy_spec& spec, yaml_problems& p);

} // namespace pt::strategy_yaml

#pragma once

// The fields of a session's fill settings (`fill_overrides`, `fill_params`), declared once: the
// YAML config reader (app/app_config.cpp), the JSON reader and writers
// (wire/fill_settings_json.cpp), the OpenAPI schemas (web/api/openapi.cpp) and
// `fill_overrides::apply` / `empty` all walk this table, so a field's wire name, form and range
// are written in one place (docs/execution.md and docs/api.md describe them).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/execution/fill_model.hpp"

namespace pt {

/// Largest latency a `*_latency_ms` setting may give, ms (one hour).
inline constexpr int64_t max_latency_ms = 3'600'000;

/// The form of a fill field's value, on every wire (YAML, JSON, OpenAPI).
enum class fill_field_kind {
  bps,     ///< bps from `min` to `max`: a decimal string ("0.5"; JSON also takes an integer)
  boolean, ///< true or false
  integer, ///< an integer from `min` to `max`
  latency, ///< ms: one integer (fixed) or `[min_ms, max_ms]`, `min` ≤ min_ms ≤ max_ms ≤ `max`
  seed,    ///< a non-negative integer (uint64)
};

/// Where a field of value type `T` lives: its optional in `fill_overrides` and its value in
/// `fill_params`.
template <class T>
struct fill_field_member {
  std::optional<T> fill_overrides::*in_overrides;
  T fill_params::*in_params;
};

/// The members of a field, by value type: bps, bool, int64_t, latency_range or uint64_t. Callers
/// `std::visit` it with one overload per value type.
using fill_field_members = std::variant<fill_field_member<bps>, fill_field_member<bool>, fill_field_member<int64_t>,
                                        fill_field_member<latency_range>, fill_field_member<uint64_t>>;

/// One fill setting: its wire name, form, range and members.
struct fill_field {
  const char* name;      ///< the key in YAML and JSON, e.g. "submit_latency_ms"
  fill_field_kind kind;  ///< its form (matches the value type of `member`)
  int64_t min;           ///< lowest value, in the field's unit (bps, ms, %); 0 for boolean and seed
  int64_t max;           ///< highest value, same unit; 0 for boolean and seed (no bound but uint64's)
  fill_field_members member;
};

/// Every field of `fill_overrides`, in declaration order, which is the order JSON answers write
/// them in:
///
/// | name | kind | range |
/// | --- | --- | --- |
/// | half_spread_bps, beyond_book_bps | bps | 0–10000 |
/// | walk_book, remember_liquidity, fill_on_touch | boolean | |
/// | queue_factor_pct | integer | 0–10000 |
/// | trade_share_pct | integer | 0–100 |
/// | submit_latency_ms, ack_latency_ms, cancel_latency_ms | latency | 0–`max_latency_ms` |
/// | seed | seed | uint64 |
const std::vector<fill_field>& fill_fields();

/// The field named `name`, or nullptr.
const fill_field* find_fill_field(std::string_view name);

/// What field `f` takes, as the readers word it: "must be bps from 0 to 10000", "must be true or
/// false", "must be an integer from 0 to 100", "must be ms from 0 to 3600000, an integer or [min,
/// max]", "must be a non-negative integer".
std::string fill_field_rule(const fill_field& f);

/// Every field's name, in table order, separated by ", " (for "unknown field" messages).
std::string fill_field_names();

} // namespace pt

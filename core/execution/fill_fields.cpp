#include "core/execution/fill_fields.hpp"

namespace pt {

namespace {

template <class T>
fill_field_members at(std::optional<T> fill_overrides::*in_overrides, T fill_params::*in_params) {
  return fill_field_member<T>{in_overrides, in_params};
}

} // namespace

const std::vector<fill_field>& fill_fields() {
  using k = fill_field_kind;
  using o = fill_overrides;
  using p = fill_params;
  static const std::vector<fill_field> fields{
    {"half_spread_bps", k::bps, 0, 10'000, at(&o::half_spread_bps, &p::half_spread_bps)},
    {"walk_book", k::boolean, 0, 0, at(&o::walk_book, &p::walk_book)},
    {"beyond_book_bps", k::bps, 0, 10'000, at(&o::beyond_book_bps, &p::beyond_book_bps)},
    {"remember_liquidity", k::boolean, 0, 0, at(&o::remember_liquidity, &p::remember_liquidity)},
    {"fill_on_touch", k::boolean, 0, 0, at(&o::fill_on_touch, &p::fill_on_touch)},
    {"queue_factor_pct", k::integer, 0, 10'000, at(&o::queue_factor_pct, &p::queue_factor_pct)},
    {"trade_share_pct", k::integer, 0, 100, at(&o::trade_share_pct, &p::trade_share_pct)},
    {"submit_latency_ms", k::latency, 0, max_latency_ms, at(&o::submit_latency, &p::submit_latency)},
    {"ack_latency_ms", k::latency, 0, max_latency_ms, at(&o::ack_latency, &p::ack_latency)},
    {"cancel_latency_ms", k::latency, 0, max_latency_ms, at(&o::cancel_latency, &p::cancel_latency)},
    {"seed", k::seed, 0, 0, at(&o::seed, &p::seed)},
  };
  return fields;
}

const fill_field* find_fill_field(std::string_view name) {
  for (auto& f : fill_fields())
    if (name == f.name)
      return &f;
  return nullptr;
}

std::string fill_field_rule(const fill_field& f) {
  auto range = [&] { return "from " + std::to_string(f.min) + " to " + std::to_string(f.max); };
  switch (f.kind) {
  case fill_field_kind::bps:
    return "must be bps " + range();
  case fill_field_kind::boolean:
    return "must be true or false";
  case fill_field_kind::integer:
    return "must be an integer " + range();
  case fill_field_kind::latency:
    return "must be ms " + range() + ", an integer or [min, max]";
  case fill_field_kind::seed:
    break;
  }
  return "must be a non-negative integer";
}

std::string fill_field_names() {
  std::string out;
  for (auto& f : fill_fields())
    out += (out.empty() ? "" : ", ") + std::string(f.name);
  return out;
}

} // namespace pt

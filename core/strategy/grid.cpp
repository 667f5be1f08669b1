#include "core/strategy/grid.hpp"

#include <algorithm>
#include <cmath>

namespace pt {

std::vector<price> grid_levels(const grid_spec& spec) {
  std::vector<price> out;
  int n = std::max(2, spec.levels);
  for (int i = 0; i < n; ++i) {
    if (!spec.geometric) {
      auto step = mul_div_raw(spec.upper.raw() - spec.lower.raw(), i, n - 1);
      out.push_back(price::from_raw(spec.lower.raw() + step.value_or(0)));
    } else {
      double ratio = spec.upper.to_double() / spec.lower.to_double();
      double level = spec.lower.to_double() * std::pow(ratio, static_cast<double>(i) / (n - 1));
      out.push_back(price::from_raw(std::llround(level * fixed_scale)));
    }
  }
  out.back() = spec.upper; // exact ends whatever the rounding
  out.front() = spec.lower;
  return out;
}

grid_book::grid_book(const grid_spec& spec)
  : levels_(grid_levels(spec)),
    holding_(levels_.size(), false),
    armed_(levels_.size(), false) {}

std::vector<grid_fill_intent> grid_book::on_prices(price high, price low, bool buying) {
  std::vector<grid_fill_intent> out;
  // Sales of lots held before this event, lowest target first.
  for (size_t i = 0; i + 1 < levels_.size(); ++i)
    if (holding_[i] && high >= levels_[i + 1])
      out.push_back({false, static_cast<int>(i), levels_[i + 1]});
  // Buys at armed levels the price reached, highest first (the order the price falls through them).
  if (buying) {
    for (size_t i = levels_.size() - 1; i-- > 0;) // the top level only ever sells
      if (armed_[i] && !holding_[i] && low <= levels_[i])
        out.push_back({true, static_cast<int>(i), levels_[i]});
  }
  // A level is armed once the price has been above it with no lot there.
  for (size_t i = 0; i < levels_.size(); ++i)
    if (high > levels_[i] && !holding_[i])
      armed_[i] = true;
  return out;
}

void grid_book::observe(price high) {
  for (size_t i = 0; i < levels_.size(); ++i)
    if (high > levels_[i] && !holding_[i])
      armed_[i] = true;
}

void grid_book::refused(const grid_fill_intent& intent) {
  if (intent.buy)
    armed_[static_cast<size_t>(intent.level)] = false;
}

void grid_book::filled(const grid_fill_intent& intent) {
  auto i = static_cast<size_t>(intent.level);
  if (intent.buy) {
    holding_[i] = true;
    armed_[i] = false;
  } else {
    holding_[i] = false;
  }
}

} // namespace pt

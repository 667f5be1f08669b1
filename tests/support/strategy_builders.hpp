#pragma once

// Shared helpers for tests of the strategy language.

#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

#include "core/strategy/strategy.hpp"

namespace pt::test {

/// Compiles `spec`; fails the test (and throws, to stop it) when it does not compile.
inline compiled_strategy compile_or_fail(const strategy_spec& spec) {
  std::vector<strategy_rule_error> errors;
  auto cs = compile_strategy(spec, errors);
  EXPECT_TRUE(cs.has_value()) << (errors.empty() ? "" : errors[0].error.message);
  if (!cs)
    throw std::runtime_error("strategy does not compile");
  return *cs;
}

/// A stop distance of `bps_units` basis points from its reference price (500 = 5 %).
inline stop_distance percent_stop(int64_t bps_units) {
  stop_distance d;
  d.type = stop_distance::kind::percent;
  d.percent_bps = bps::from_units(bps_units);
  return d;
}

} // namespace pt::test

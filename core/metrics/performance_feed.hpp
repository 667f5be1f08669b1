#pragma once

#include <vector>

#include "core/metrics/running_performance.hpp"

namespace pt {

/// Feeds `fills` (in their order) and `points` (time order) into `perf` merged in event-time order,
/// a point before a fill of the same time (the order `running_performance` asks for). Used by
/// `compute_performance` for a whole history and by the position tracker for each batch.
void feed_in_time_order(running_performance& perf, const std::vector<fill>& fills,
                        const std::vector<equity_point>& points);

} // namespace pt

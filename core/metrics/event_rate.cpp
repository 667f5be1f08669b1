#include "core/metrics/event_rate.hpp"

#include <algorithm>

namespace pt {

void event_rate::add(int64_t now_ms, int64_t events) {
  if (first_ms_ < 0)
    first_ms_ = now_ms;
  int64_t second = now_ms / 1000;
  auto& slot = count_[static_cast<size_t>(second % window_s)];
  auto& stamp = second_[static_cast<size_t>(second % window_s)];
  if (stamp != second) {
    stamp = second;
    slot = 0;
  }
  slot += events;
}

double event_rate::per_second(int64_t now_ms) const {
  if (first_ms_ < 0)
    return 0;
  int64_t second = now_ms / 1000;
  int64_t sum = 0;
  for (size_t i = 0; i < count_.size(); ++i)
    if (second_[i] > second - window_s && second_[i] <= second)
      sum += count_[i];
  double span_s = std::clamp(static_cast<double>(now_ms - first_ms_) / 1000.0, 1.0, static_cast<double>(window_s));
  return static_cast<double>(sum) / span_s;
}

} // namespace pt

#include "core/metrics/latency_histogram.hpp"

#include <cmath>
#include <limits>

namespace pt {

uint64_t latency_histogram::count() const {
  uint64_t n = 0;
  for (auto& c : counts_)
    n += c.load(std::memory_order_relaxed);
  return n;
}

int64_t latency_histogram::upper_bound_of(size_t index) {
  if (index < linear)
    return static_cast<int64_t>(index);
  size_t i = index - linear;
  int msb = static_cast<int>(i >> sub_bits) + sub_bits + 1;
  uint64_t sub = i & ((uint64_t{1} << sub_bits) - 1);
  uint64_t width = uint64_t{1} << (msb - sub_bits);
  uint64_t lower = (uint64_t{1} << msb) + sub * width;
  uint64_t upper = lower + width - 1;
  return upper > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) ? std::numeric_limits<int64_t>::max()
                                                                              : static_cast<int64_t>(upper);
}

int64_t latency_histogram::percentile(double q) const {
  uint64_t n = count();
  if (n == 0)
    return 0;
  q = q < 0 ? 0 : (q > 1 ? 1 : q);
  uint64_t rank = static_cast<uint64_t>(std::ceil(q * static_cast<double>(n)));
  if (rank == 0)
    rank = 1;
  uint64_t seen = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i].load(std::memory_order_relaxed);
    if (seen >= rank)
      return upper_bound_of(i);
  }
  return upper_bound_of(counts_.size() - 1);
}

void latency_histogram::reset() {
  for (auto& c : counts_)
    c.store(0, std::memory_order_relaxed);
}

} // namespace pt

#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace pt {

/// A lock-free histogram of non-negative durations in nanoseconds, for benchmarks: any thread may
/// `record` concurrently (one relaxed atomic increment), and `percentile` reads a consistent
/// enough view once the writers are done.
///
/// Buckets are log-linear, as in HdrHistogram: values below 64 ns have a bucket each; above, each
/// power of two is split into 32 equal sub-buckets, so a reported value is within 1/32 (≈3 %) of
/// the true one. Values up to 2^63 − 1 ns fit; negative values count as 0.
class latency_histogram {
public:
  /// Counts one sample of `ns` nanoseconds.
  void record(int64_t ns) {
    counts_[index_of(ns < 0 ? 0 : static_cast<uint64_t>(ns))].fetch_add(1, std::memory_order_relaxed);
  }

  /// Number of samples recorded.
  uint64_t count() const;

  /// The value at fraction `q` (0 … 1, e.g. 0.99) of the samples, in ns: the upper bound of the
  /// bucket holding the ⌈q·count⌉-th smallest sample. 0 when there are no samples.
  int64_t percentile(double q) const;

  /// The largest sample's bucket upper bound, ns (0 when empty).
  int64_t max() const { return percentile(1.0); }

  /// Forgets every sample (not concurrently with `record`).
  void reset();

private:
  static constexpr int sub_bits = 5;                       // 32 sub-buckets per power of two
  static constexpr uint64_t linear = uint64_t{2} << sub_bits; // 64: below this, one bucket per ns
  static constexpr size_t buckets = linear + (64 - sub_bits - 1) * (size_t{1} << sub_bits);

  static size_t index_of(uint64_t v) {
    if (v < linear)
      return static_cast<size_t>(v);
    int msb = 63 - __builtin_clzll(v);                     // ≥ sub_bits + 1
    uint64_t sub = (v >> (msb - sub_bits)) & ((uint64_t{1} << sub_bits) - 1);
    return static_cast<size_t>(linear + static_cast<uint64_t>(msb - sub_bits - 1) * (uint64_t{1} << sub_bits) + sub);
  }
  static int64_t upper_bound_of(size_t index);

  std::array<std::atomic<uint64_t>, buckets> counts_{};
};

} // namespace pt

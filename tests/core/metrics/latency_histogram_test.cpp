#include "core/metrics/latency_histogram.hpp"

#include <limits>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace pt {

TEST(LatencyHistogram, EmptyHasNoPercentiles) {
  latency_histogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.percentile(0.99), 0);
}

TEST(LatencyHistogram, SmallValuesAreExact) {
  latency_histogram h;
  for (int v = 1; v <= 50; ++v)
    h.record(v);
  EXPECT_EQ(h.count(), 50u);
  EXPECT_EQ(h.percentile(0.5), 25);
  EXPECT_EQ(h.percentile(1.0), 50);
  EXPECT_EQ(h.percentile(0.0), 1);
}

TEST(LatencyHistogram, LargeValuesAreWithinThreePercent) {
  latency_histogram h;
  // 1 µs … 1000 µs, one sample each: p50 ≈ 500 µs, p99 ≈ 990 µs, p99.9 = 999 µs.
  for (int64_t us = 1; us <= 1000; ++us)
    h.record(us * 1000);
  auto near = [](int64_t got, int64_t want) {
    return got >= want && static_cast<double>(got) <= static_cast<double>(want) * 1.032;
  };
  EXPECT_TRUE(near(h.percentile(0.5), 500'000)) << h.percentile(0.5);
  EXPECT_TRUE(near(h.percentile(0.99), 990'000)) << h.percentile(0.99);
  EXPECT_TRUE(near(h.percentile(0.999), 999'000)) << h.percentile(0.999);
  EXPECT_TRUE(near(h.max(), 1'000'000)) << h.max();
}

TEST(LatencyHistogram, HugeAndNegativeValuesFit) {
  latency_histogram h;
  h.record(-5);
  h.record(std::numeric_limits<int64_t>::max());
  EXPECT_EQ(h.count(), 2u);
  EXPECT_EQ(h.percentile(0.5), 0);
  EXPECT_EQ(h.max(), std::numeric_limits<int64_t>::max());
}

TEST(LatencyHistogram, ConcurrentRecordsAreAllCounted) {
  latency_histogram h;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&h] {
      for (int i = 0; i < 10000; ++i)
        h.record(1000 + i);
    });
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(h.count(), 40000u);
  h.reset();
  EXPECT_EQ(h.count(), 0u);
}

} // namespace pt

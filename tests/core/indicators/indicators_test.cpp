#include "core/indicators/indicators.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/gz_csv.hpp"

namespace pt {
namespace {

// Feeds `xs` to `ind` and returns every output.
template <class Indicator>
std::vector<std::optional<double>> run(Indicator ind, const std::vector<double>& xs) {
  std::vector<std::optional<double>> out;
  for (double x : xs)
    out.push_back(ind.update(x));
  return out;
}

// ---- hand-computed values --------------------------------------------------------------------

TEST(Sma, MatchesHandComputedValues) {
  auto out = run(sma(3), {1, 2, 3, 4, 5, 10});
  EXPECT_FALSE(out[0]);
  EXPECT_FALSE(out[1]);
  ASSERT_TRUE(out[2]);
  EXPECT_DOUBLE_EQ(*out[2], 2.0);                // (1 + 2 + 3) / 3
  EXPECT_DOUBLE_EQ(*out[3], 3.0);                // (2 + 3 + 4) / 3
  EXPECT_DOUBLE_EQ(*out[4], 4.0);                // (3 + 4 + 5) / 3
  EXPECT_DOUBLE_EQ(*out[5], 19.0 / 3.0);         // (4 + 5 + 10) / 3
}

TEST(Sma, PeriodOneIsTheInput) {
  auto out = run(sma(1), {7.5, -2, 3});
  ASSERT_TRUE(out[0]);
  EXPECT_DOUBLE_EQ(*out[0], 7.5);
  EXPECT_DOUBLE_EQ(*out[1], -2.0);
  EXPECT_DOUBLE_EQ(*out[2], 3.0);
}

TEST(Sma, RecoversExactlyAfterAHugeValueLeavesTheWindow) {
  // 1e17 + 1 + 1 == 1e17 in double, so a purely running sum would keep the lost 2 forever
  // (value 1/3 instead of 1). The periodic exact re-sum makes the window {1, 1, 1} average 1.
  auto out = run(sma(3), {1e17, 1, 1, 1, 1, 1, 1, 1});
  ASSERT_TRUE(out[7]);
  EXPECT_EQ(*out[6], 1.0);
  EXPECT_EQ(*out[7], 1.0);
}

TEST(Ema, MatchesHandComputedValues) {
  // period 4: α = 2 / 5 = 0.4; seed = (10 + 11 + 12 + 13) / 4 = 11.5
  auto out = run(ema(4), {10, 11, 12, 13, 20, 5});
  EXPECT_FALSE(out[0]);
  EXPECT_FALSE(out[1]);
  EXPECT_FALSE(out[2]);
  ASSERT_TRUE(out[3]);
  EXPECT_DOUBLE_EQ(*out[3], 11.5);
  EXPECT_NEAR(*out[4], 14.9, 1e-12);   // 11.5 + 0.4 × (20 − 11.5) = 11.5 + 3.4
  EXPECT_NEAR(*out[5], 10.94, 1e-12);  // 14.9 + 0.4 × (5 − 14.9) = 14.9 − 3.96
}

TEST(Ema, PeriodThreeHalvesTheGap) {
  // period 3: α = 0.5; seed = (2 + 4 + 6) / 3 = 4; then 4 + 0.5 × (8 − 4) = 6; 6 + 0.5 × (3 − 6) = 4.5
  auto out = run(ema(3), {2, 4, 6, 8, 3});
  EXPECT_FALSE(out[1]);
  EXPECT_DOUBLE_EQ(*out[2], 4.0);
  EXPECT_DOUBLE_EQ(*out[3], 6.0);
  EXPECT_DOUBLE_EQ(*out[4], 4.5);
}

TEST(Rsi, MatchesHandComputedFivePeriodExample) {
  // closes 10 11 12 11 13 12 14 13 → changes +1 +1 −1 +2 −1 +2 −1
  auto out = run(rsi(5), {10, 11, 12, 11, 13, 12, 14, 13});
  for (int i = 0; i < 5; ++i)
    EXPECT_FALSE(out[static_cast<size_t>(i)]) << "input " << i; // fewer than 5 changes
  // first 5 changes: gains 1+1+0+2+0 = 4 → 0.8; losses 0+0+1+0+1 = 2 → 0.4
  ASSERT_TRUE(out[5]);
  EXPECT_NEAR(*out[5], 100.0 * 0.8 / (0.8 + 0.4), 1e-9); // 66.67
  // +2: gain (0.8·4 + 2)/5 = 1.04; loss (0.4·4 + 0)/5 = 0.32
  EXPECT_NEAR(*out[6], 100.0 * 1.04 / (1.04 + 0.32), 1e-9); // 76.47
  // −1: gain (1.04·4 + 0)/5 = 0.832; loss (0.32·4 + 1)/5 = 0.456
  EXPECT_NEAR(*out[7], 100.0 * 0.832 / (0.832 + 0.456), 1e-9); // 64.60
}

TEST(Rsi, FlatSeriesIsZeroAndRisingSeriesIsHundred) {
  auto flat = run(rsi(3), {5, 5, 5, 5, 5});
  ASSERT_TRUE(flat[3]);
  EXPECT_DOUBLE_EQ(*flat[3], 0.0); // no gains and no losses: 0, as TA-Lib
  EXPECT_DOUBLE_EQ(*flat[4], 0.0);
  auto rising = run(rsi(3), {1, 2, 4, 7, 8});
  ASSERT_TRUE(rising[3]);
  EXPECT_DOUBLE_EQ(*rising[3], 100.0);
  EXPECT_DOUBLE_EQ(*rising[4], 100.0);
  auto falling = run(rsi(3), {9, 8, 6, 3});
  ASSERT_TRUE(falling[3]);
  EXPECT_DOUBLE_EQ(*falling[3], 0.0);
}

// ---- warm-up ---------------------------------------------------------------------------------

TEST(Indicators, WarmUpLengths) {
  for (int n : {1, 2, 5, 14, 50}) {
    sma s(n);
    ema e(n);
    rsi r(n);
    for (int i = 1; i <= n + 2; ++i) {
      double x = 100 + (i % 3);
      EXPECT_EQ(s.update(x).has_value(), i >= n) << "sma(" << n << ") input " << i;
      EXPECT_EQ(e.update(x).has_value(), i >= n) << "ema(" << n << ") input " << i;
      EXPECT_EQ(r.update(x).has_value(), i >= n + 1) << "rsi(" << n << ") input " << i;
    }
    EXPECT_EQ(s.period(), n);
    EXPECT_TRUE(s.value().has_value());
    EXPECT_TRUE(e.value().has_value());
    EXPECT_TRUE(r.value().has_value());
  }
}

// ---- independent naive references over real closes ------------------------------------------

std::vector<std::optional<double>> naive_sma(const std::vector<double>& xs, int n) {
  std::vector<std::optional<double>> out(xs.size());
  for (size_t t = 0; t < xs.size(); ++t) {
    if (t + 1 < static_cast<size_t>(n))
      continue;
    double sum = 0;
    for (size_t j = t + 1 - static_cast<size_t>(n); j <= t; ++j) // re-summed from scratch each time
      sum += xs[j];
    out[t] = sum / n;
  }
  return out;
}

// TA-Lib TA_EMA (classic): seed = SMA of the first n; then prev + k (x − prev), k = 2 / (n + 1).
std::vector<std::optional<double>> naive_ema(const std::vector<double>& xs, int n) {
  std::vector<std::optional<double>> out(xs.size());
  const double k = 2.0 / (n + 1);
  double prev = 0;
  for (size_t t = 0; t < xs.size(); ++t) {
    if (t + 1 < static_cast<size_t>(n))
      continue;
    if (t + 1 == static_cast<size_t>(n)) {
      double sum = 0;
      for (size_t j = 0; j <= t; ++j)
        sum += xs[j];
      prev = sum / n;
    } else {
      prev = xs[t] * k + prev * (1 - k);
    }
    out[t] = prev;
  }
  return out;
}

// Wilder's RSI: seed averages = simple mean of the first n changes; then (avg (n − 1) + x) / n.
std::vector<std::optional<double>> naive_rsi(const std::vector<double>& xs, int n) {
  std::vector<std::optional<double>> out(xs.size());
  if (xs.size() < static_cast<size_t>(n) + 1)
    return out;
  double gain = 0, loss = 0;
  for (int i = 1; i <= n; ++i) {
    double d = xs[static_cast<size_t>(i)] - xs[static_cast<size_t>(i - 1)];
    gain += std::max(d, 0.0);
    loss += std::max(-d, 0.0);
  }
  gain /= n;
  loss /= n;
  auto value = [&] { return gain + loss == 0 ? 0.0 : 100.0 * gain / (gain + loss); };
  out[static_cast<size_t>(n)] = value();
  for (size_t t = static_cast<size_t>(n) + 1; t < xs.size(); ++t) {
    double d = xs[t] - xs[t - 1];
    gain = (gain * (n - 1) + std::max(d, 0.0)) / n;
    loss = (loss * (n - 1) + std::max(-d, 0.0)) / n;
    out[t] = value();
  }
  return out;
}

const std::vector<double>& btc_hourly_closes() {
  static const std::vector<double> closes = [] {
    auto rows = test::read_gz_csv(
        test::shared_data_path("klines/spot-1h/BTCUSDT-1h-2022-01-01_2026-04-30.csv.gz"), 5'000);
    std::vector<double> xs;
    for (auto& r : rows)
      xs.push_back(std::stod(r.at(4))); // column 4 = close
    return xs;
  }();
  return closes;
}

void expect_same_series(const std::vector<std::optional<double>>& got,
                        const std::vector<std::optional<double>>& want, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t t = 0; t < got.size(); ++t) {
    ASSERT_EQ(got[t].has_value(), want[t].has_value()) << what << " at " << t;
    if (!want[t])
      continue;
    double tol = 1e-9 * std::max(1.0, std::fabs(*want[t]));
    ASSERT_NEAR(*got[t], *want[t], tol) << what << " at " << t;
  }
}

TEST(Indicators, RealDataHasEnoughRows) {
  ASSERT_EQ(btc_hourly_closes().size(), 5'000u);
  EXPECT_DOUBLE_EQ(btc_hourly_closes()[0], 46656.13); // first row's close, 2022-01-01 00:00 UTC
}

TEST(Sma, AgreesWithNaiveReferenceOnRealCloses) {
  const auto& xs = btc_hourly_closes();
  for (int n : {1, 2, 9, 14, 50, 200})
    expect_same_series(run(sma(n), xs), naive_sma(xs, n), "sma(" + std::to_string(n) + ")");
}

TEST(Ema, AgreesWithNaiveReferenceOnRealCloses) {
  const auto& xs = btc_hourly_closes();
  for (int n : {1, 2, 9, 21, 50, 200})
    expect_same_series(run(ema(n), xs), naive_ema(xs, n), "ema(" + std::to_string(n) + ")");
}

TEST(Rsi, AgreesWithNaiveReferenceOnRealCloses) {
  const auto& xs = btc_hourly_closes();
  for (int n : {2, 6, 14, 30})
    expect_same_series(run(rsi(n), xs), naive_rsi(xs, n), "rsi(" + std::to_string(n) + ")");
}

} // namespace
} // namespace pt

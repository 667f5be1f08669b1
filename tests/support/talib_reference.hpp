#pragma once

// Real klines and real TA-Lib outputs for the indicator tests.
//
// TA-Lib's values come from TA-Lib's C code compiled to WebAssembly (npm package talib-web, pinned
// in tests/reference/package.json), run by tests/reference/talib_reference.mjs under node. That
// needs `npm ci --prefix tests/reference` first; without it the reference fails with a message
// saying so, and so do the tests that use it.

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/indicators/indicator_library.hpp"
#include "tests/support/gz_csv.hpp"

namespace pt::test {

/// The 1h BTCUSDT klines the TA-Lib comparisons run on, and the slice used: 4,000 bars from
/// 2023-01-01 00:00 UTC, which include the 2023-03-24 12:00 trading halt (a bar with zero volume).
inline const char* const btc_1h_klines = "klines/spot-1h/BTCUSDT-1h-2022-01-01_2026-04-30.csv.gz";
inline constexpr int64_t btc_1h_first_ms = 1'672'531'200'000;
inline constexpr size_t btc_1h_count = 4'000;
/// Open time of the zero-volume halt bar inside that slice.
inline constexpr int64_t btc_halt_open_ms = 1'679'659'200'000;

/// A low-priced asset at a short timeframe (DOGE ≈ 0.08 USDT, 1m): 3,000 bars from
/// 2023-04-01 00:00 UTC.
inline const char* const doge_1m_klines = "klines/spot-1m-ohlcv/DOGEUSDT-1m-ohlcv-2023-03-16_2023-05-01.csv.gz";
inline constexpr int64_t doge_1m_first_ms = 1'680'307'200'000;
inline constexpr size_t doge_1m_count = 3'000;

/// `count` bars of a klines .csv.gz under the shared data directory, from the bar opened at
/// `first_open_ms` on (open times in µs, as Binance writes them from 2025, are read as ms).
inline std::vector<bar_input> load_klines(const std::string& relative, int64_t first_open_ms, size_t count) {
  std::vector<bar_input> bars;
  for (const auto& cells : read_gz_csv(shared_data_path(relative), 10'000'000)) {
    if (bars.size() >= count)
      break;
    if (cells.size() < 6)
      continue;
    int64_t open_ms = std::stoll(cells[0]);
    if (open_ms > 100'000'000'000'000)
      open_ms /= 1000;
    if (open_ms < first_open_ms)
      continue;
    bar_input bar;
    bar.open_time_ms = open_ms;
    bar.close_time_ms = cells.size() > 6 ? std::stoll(cells[6]) : open_ms;
    bar.open = std::stod(cells[1]);
    bar.high = std::stod(cells[2]);
    bar.low = std::stod(cells[3]);
    bar.close = std::stod(cells[4]);
    bar.volume = std::stod(cells[5]);
    bars.push_back(bar);
  }
  return bars;
}

/// One named column per TA-Lib output (see talib_reference.mjs for the names), a value per bar,
/// nullopt before TA-Lib's lookback. `error` is set when the reference could not be produced.
struct talib_table {
  std::vector<int64_t> open_time_ms;
  std::map<std::string, std::vector<std::optional<double>>> columns;
  std::string error;
};

/// Runs talib_reference.mjs over a slice of `relative` (once per slice and process) and parses its
/// CSV.
inline const talib_table& talib_reference(const std::string& relative, int64_t first_open_ms, size_t count) {
  static std::map<std::string, talib_table> cache;
  const std::string key = relative + "@" + std::to_string(first_open_ms) + "+" + std::to_string(count);
  auto found = cache.find(key);
  if (found != cache.end())
    return found->second;
  talib_table& table = cache[key];

  namespace fs = std::filesystem;
  const fs::path script = fs::path(PAPERTRADER_SOURCE_DIR) / "tests/reference/talib_reference.mjs";
  const std::string stem = "pt_talib_" + std::to_string(::getpid()) + "_" + std::to_string(cache.size());
  const fs::path out = fs::temp_directory_path() / (stem + ".csv");
  const fs::path err = fs::temp_directory_path() / (stem + ".err");
  const std::string command = "node '" + script.string() + "' '" + shared_data_path(relative) + "' " +
                              std::to_string(first_open_ms) + " " + std::to_string(count) + " > '" +
                              out.string() + "' 2> '" + err.string() + "'";
  const int status = std::system(command.c_str());
  std::ifstream err_in(err);
  std::stringstream err_text;
  err_text << err_in.rdbuf();
  if (status != 0) {
    const bool no_node = WIFEXITED(status) && WEXITSTATUS(status) == 127;
    table.error = "TA-Lib reference failed: `" + command + "` exited with " +
                  std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ". " +
                  (no_node ? "node is not installed (scripts/setup.sh installs nodejs). "
                           : "Did `npm ci --prefix tests/reference` run? ") +
                  "stderr: " + err_text.str();
  }
  std::ifstream in(out);
  std::string line;
  std::vector<std::string> names;
  while (table.error.empty() && std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream row(line);
    std::string cell;
    while (std::getline(row, cell, ','))
      cells.push_back(cell);
    if (!line.empty() && line.back() == ',')
      cells.emplace_back();
    if (names.empty()) {
      names = cells;
      continue;
    }
    if (cells.size() != names.size()) {
      table.error = "TA-Lib reference: a row has " + std::to_string(cells.size()) + " cells, the header " +
                    std::to_string(names.size());
      break;
    }
    table.open_time_ms.push_back(std::stoll(cells[0]));
    for (size_t i = 1; i < cells.size(); ++i)
      table.columns[names[i]].push_back(cells[i].empty() ? std::nullopt
                                                         : std::optional<double>(std::strtod(cells[i].c_str(), nullptr)));
  }
  if (table.error.empty() && table.open_time_ms.size() != count)
    table.error = "TA-Lib reference produced " + std::to_string(table.open_time_ms.size()) + " rows, wanted " +
                  std::to_string(count) + "; stderr: " + err_text.str();
  std::error_code ignored;
  fs::remove(out, ignored);
  fs::remove(err, ignored);
  return table;
}

/// Output `output` of a fresh `type` indicator (params, source) after each of `bars`.
inline std::vector<std::optional<double>> run_indicator(const std::string& type, const std::vector<double>& params,
                                                        price_source source, const std::vector<bar_input>& bars,
                                                        size_t output) {
  auto ind = make_indicator(type, params, source);
  std::vector<std::optional<double>> out;
  if (!ind)
    return out;
  for (const auto& bar : bars) {
    ind->update(bar);
    out.push_back(ind->value(output));
  }
  return out;
}

/// Bar-by-bar comparison with a TA-Lib column: ours must have a value exactly where TA-Lib has
/// one (same warm-up), and agree within rel_tol × max(|TA-Lib|, scale). `scale` is the output's
/// natural size for outputs that TA-Lib's running sums leave at ~1e-13 instead of exactly 0
/// (stochastics); 0 means purely relative. Returns "" or the first mismatches.
inline std::string compare_series(const std::vector<std::optional<double>>& ours,
                                  const std::vector<std::optional<double>>& talib, double scale = 0,
                                  double rel_tol = 1e-9) {
  std::ostringstream report;
  if (ours.size() != talib.size())
    return "lengths differ: " + std::to_string(ours.size()) + " vs " + std::to_string(talib.size());
  int shown = 0;
  for (size_t i = 0; i < ours.size() && shown < 5; ++i) {
    if (ours[i].has_value() != talib[i].has_value()) {
      report << "bar " << i << ": ours " << (ours[i] ? "has a value" : "has none") << ", TA-Lib "
             << (talib[i] ? "has one" : "has none") << "\n";
      ++shown;
    } else if (ours[i] && !(std::fabs(*ours[i] - *talib[i]) <= rel_tol * std::max(std::fabs(*talib[i]), scale))) {
      report.precision(17);
      report << "bar " << i << ": ours " << *ours[i] << ", TA-Lib " << *talib[i] << "\n";
      ++shown;
    }
  }
  return report.str();
}

/// The bars of a slice, loaded once per process.
inline const std::vector<bar_input>& cached_klines(const std::string& relative, int64_t first_open_ms, size_t count) {
  static std::map<std::string, std::vector<bar_input>> cache;
  const std::string key = relative + "@" + std::to_string(first_open_ms) + "+" + std::to_string(count);
  auto found = cache.find(key);
  if (found == cache.end())
    found = cache.emplace(key, load_klines(relative, first_open_ms, count)).first;
  return found->second;
}

/// A TA-Lib comparison: which slice, which TA-Lib column, and which of our outputs.
struct talib_case {
  std::string column; ///< column of talib_reference.mjs, e.g. "macd_12_26_9.signal"
  std::string type;   ///< our indicator type
  std::vector<double> params;
  price_source source = price_source::close;
  size_t output = 0;
  double scale = 0; ///< see compare_series
};

/// Runs `c` over the slice and expects agreement with real TA-Lib to 1e-9 relative. Fails (never
/// skips) when TA-Lib's values cannot be produced.
inline void expect_matches_talib(const std::string& relative, int64_t first_open_ms, size_t count,
                                 const talib_case& c) {
  const talib_table& table = talib_reference(relative, first_open_ms, count);
  ASSERT_TRUE(table.error.empty()) << table.error;
  const auto& bars = cached_klines(relative, first_open_ms, count);
  ASSERT_EQ(bars.size(), count) << relative;
  auto column = table.columns.find(c.column);
  ASSERT_NE(column, table.columns.end()) << "no TA-Lib column " << c.column;
  const auto& talib = column->second;
  const auto with_value = std::count_if(talib.begin(), talib.end(), [](const auto& v) { return v.has_value(); });
  ASSERT_GT(with_value, static_cast<long>(count) - 100) << c.column << " is mostly empty";
  for (size_t i = 0; i < count; ++i)
    ASSERT_EQ(table.open_time_ms[i], bars[i].open_time_ms) << "TA-Lib and the test read different bars at " << i;
  auto ours = run_indicator(c.type, c.params, c.source, bars, c.output);
  EXPECT_EQ(compare_series(ours, talib, c.scale), "") << c.type << " output " << c.output << " vs TA-Lib " << c.column;
}

/// expect_matches_talib over the 1h BTCUSDT slice and the 1m DOGEUSDT slice.
inline void expect_matches_talib_on_real_klines(const talib_case& c) {
  {
    SCOPED_TRACE("BTCUSDT 1h");
    expect_matches_talib(btc_1h_klines, btc_1h_first_ms, btc_1h_count, c);
  }
  {
    SCOPED_TRACE("DOGEUSDT 1m");
    expect_matches_talib(doge_1m_klines, doge_1m_first_ms, doge_1m_count, c);
  }
}

} // namespace pt::test

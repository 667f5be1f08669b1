#pragma once

// Reads rows of the gzip-compressed CSV files under the shared data directory (klines), for tests
// that check the core against real market data.

#include <zlib.h>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace pt::test {

/// Absolute path of `relative` under the shared data directory (compile definition
/// PAPERTRADER_SHARED_DATA, a string literal such as "/work/shared/data").
inline std::string shared_data_path(const std::string& relative) {
  return std::string(PAPERTRADER_SHARED_DATA) + "/" + relative;
}

/// The first `max_rows` lines of a .csv.gz file split on ',' (no quoting: Binance dumps have none).
/// Throws std::runtime_error when the file cannot be opened.
inline std::vector<std::vector<std::string>> read_gz_csv(const std::string& path, size_t max_rows) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (!file)
    throw std::runtime_error("cannot open " + path);
  std::vector<std::vector<std::string>> rows;
  char buf[4096];
  while (rows.size() < max_rows && gzgets(file, buf, sizeof buf)) {
    std::string line(buf);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
      line.pop_back();
    if (line.empty())
      continue;
    std::vector<std::string> cells;
    size_t start = 0;
    for (;;) {
      size_t comma = line.find(',', start);
      cells.push_back(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (comma == std::string::npos)
        break;
      start = comma + 1;
    }
    rows.push_back(std::move(cells));
  }
  gzclose(file);
  return rows;
}

} // namespace pt::test

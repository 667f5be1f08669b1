#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>

#include "feeds/line_reader.hpp"
#include "feeds/binance/stream_books.hpp"
#include "core/market/market_clock.hpp"
#include "core/market/market_event.hpp"

namespace pt {

/// The JSON of a recorded-stream line that marks a new connection of the live connector (the feed
/// journal writes it): every L2 book starts over there, as the connector's did.
inline constexpr const char* connection_marker = "{\"papertrader\":\"connected\"}";

/// Layouts of recorded market data files this project reads (see ../shared/data/README.md).
enum class file_format {
  trades_csv, ///< Binance trades dump, 7 columns
  klines_csv, ///< Binance klines, 12 columns (dump / REST order) or 6 (OHLCV), header optional
  stream,     ///< recorded WebSocket stream: `<receive time> <JSON>` per line
};

/// "trades CSV", "klines CSV", "recorded stream".
const char* to_string(file_format f);

/// Counts of what a feed read: events delivered, lines skipped by kind, malformed lines by kind.
struct feed_counters {
  int64_t lines = 0;
  int64_t events = 0;
  std::map<std::string, int64_t> skipped; ///< e.g. {"depth update": 6495}
  std::map<std::string, int64_t> errors;  ///< e.g. {"bad price": 1}
  int64_t total_skipped() const;
  int64_t total_errors() const;
};

/// Takes the symbol from a Binance-style file name ("BTCUSDT-1m-2024-01.csv.gz" → "BTCUSDT").
/// nullopt when the name does not start with an upper-case symbol followed by '-' or '_'.
std::optional<std::string> symbol_from_file_name(const std::string& path);

/// Reads market events from one recorded file, in file order, detecting its layout from the
/// content. Malformed lines are counted, logged once per kind (with file and line) and skipped.
/// Every event is stamped with the file's market clock (`market_clock`, docs/market-data.md): the
/// largest exchange time read so far, so event times never go back along the file.
/// A recorded stream's depth diffs and snapshots keep a local L2 book per symbol
/// (`stream_books`); each diff applied in sync becomes a `book_depth` event, and the diffs seen
/// while a book waits for its snapshot are counted as skipped. A `connection_marker` line starts
/// every book over (counted as skipped, "connection").
///
/// Throws `std::runtime_error` from the constructor when the file cannot be opened, its layout
/// is not recognised, or a CSV's symbol can be found neither in its name nor in `symbol`.
class market_file_source {
public:
  /// `symbol` overrides the symbol of CSV files (stream files name theirs in every message).
  market_file_source(const std::string& path, std::optional<std::string> symbol = std::nullopt);

  /// Next event and its symbol; false at the end of the file.
  bool next(std::string& symbol, market_event& ev);

  file_format format() const { return format_; }
  /// Kline interval (ms) of a klines file, detected from its rows; 0 otherwise.
  int64_t kline_interval_ms() const { return interval_ms_; }
  const feed_counters& counters() const { return counters_; }
  const std::string& path() const { return reader_.path(); }
  /// The line of the event `next` returned last, verbatim (for columns events do not carry,
  /// such as a kline's quote volume and trade count).
  const std::string& last_line() const { return line_; }
  /// Symbol of a CSV file; empty for streams.
  const std::string& csv_symbol() const { return symbol_; }
  /// The L2 books a recorded stream has built so far (none for CSV files).
  const stream_books& books() const { return books_; }

private:
  bool next_line(std::string& line, int64_t& line_no);
  void count_error(const std::string& kind, const std::string& detail, int64_t line_no);

  line_reader reader_;
  file_format format_ = file_format::stream;
  std::string symbol_;
  int64_t interval_ms_ = 0;
  market_clock clock_; // the file's market clock (docs/market-data.md)
  std::deque<std::pair<std::string, int64_t>> lookahead_; // lines read during detection
  feed_counters counters_;
  stream_books books_;
  std::string line_;
};

} // namespace pt

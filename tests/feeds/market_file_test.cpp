// market_file_source on the real recordings of ../shared/data (counts from its README) and on small
// temporary files mixing good and malformed lines.

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "feeds/market_file.hpp"
#include "core/market/candle.hpp"
#include "tests/support/temp_dir_test.hpp"

namespace pt {
namespace {

namespace fs = std::filesystem;

std::string data_file(const std::string& relative) { return std::string(PAPERTRADER_SHARED_DATA) + "/" + relative; }

const std::string btc_trades_csv = "trades/BTCUSDT-trades-2024-08-08T235415Z_2024-08-09T000505Z.csv";
const std::string btc_stream = "streams/binance-spot-BTCUSDT-2024-08-08T2354Z_2024-08-09T0005Z.txt.gz";
const std::string legacy_stream = "streams/binance-spot-BTCUSDT-2023-04-05T0000Z_0006Z-legacy.txt.gz";

// The first `n` lines of a (possibly gzip-compressed) file, read with zlib directly, independently
// of the code under test.
std::vector<std::string> first_lines(const std::string& path, size_t n) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr)
    throw std::runtime_error("cannot open " + path);
  std::vector<std::string> lines;
  std::string line;
  char buf[1 << 16];
  while (lines.size() < n && gzgets(f, buf, sizeof buf) != nullptr) {
    line += buf;
    if (line.back() != '\n')
      continue;
    line.pop_back();
    lines.push_back(line);
    line.clear();
  }
  gzclose(f);
  return lines;
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> cells;
  size_t start = 0;
  for (;;) {
    size_t comma = line.find(',', start);
    cells.push_back(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos)
      return cells;
    start = comma + 1;
  }
}

std::string join(const std::vector<std::string>& cells) {
  std::string out;
  for (auto& c : cells)
    out += (out.empty() ? "" : ",") + c;
  return out;
}

struct read_result {
  std::vector<std::pair<std::string, market_event>> events;
  feed_counters counters;
};

read_result read_all(market_file_source& src) {
  read_result r;
  std::string symbol;
  market_event ev;
  while (src.next(symbol, ev))
    r.events.emplace_back(symbol, ev);
  r.counters = src.counters();
  return r;
}

// A fresh directory per test, removed afterwards.
class MarketFileTemp : public pt::test::temp_dir_test {};

// Expects `f` to throw std::runtime_error whose message names `path`.
template <class F>
void expect_error_naming(const std::string& path, F f) {
  try {
    f();
    ADD_FAILURE() << "no exception for " << path;
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

TEST(MarketFile, SymbolFromFileName) {
  EXPECT_EQ(symbol_from_file_name("BTCUSDT-1m-2024.csv.gz"), "BTCUSDT");
  EXPECT_EQ(symbol_from_file_name("binance-spot-ETHUSDT-2024-08-08T2354Z_2024-08-09T0005Z.txt.gz"), "ETHUSDT");
  EXPECT_EQ(symbol_from_file_name("/a/b/XRPUSDT_trades.csv"), "XRPUSDT");
  EXPECT_EQ(symbol_from_file_name(data_file(btc_trades_csv)), "BTCUSDT");
  EXPECT_EQ(symbol_from_file_name("1000SATSUSDT-1h-2024.csv"), "1000SATSUSDT");
  EXPECT_EQ(symbol_from_file_name("data.csv"), std::nullopt);
  EXPECT_EQ(symbol_from_file_name("/BTCUSDT-dir/data.csv"), std::nullopt); // only the file name counts
  EXPECT_EQ(symbol_from_file_name("btcusdt-1m.csv"), std::nullopt);
  EXPECT_EQ(symbol_from_file_name("BTCUSDT.csv"), std::nullopt);
  EXPECT_EQ(symbol_from_file_name("BTCUSDT"), std::nullopt);
  EXPECT_EQ(symbol_from_file_name(""), std::nullopt);
}

TEST(MarketFile, BtcTradesCsvHasEveryTradeOfTheReadme) {
  market_file_source src(data_file(btc_trades_csv));
  EXPECT_EQ(src.format(), file_format::trades_csv);
  EXPECT_EQ(src.csv_symbol(), "BTCUSDT");
  EXPECT_EQ(src.kline_interval_ms(), 0);
  auto r = read_all(src);
  // README: 19,904 trades, ids 3735683259..3735703162 without gaps, 10,811 buyer-maker,
  // prices 61,556.04–61,860.80, 23:54:15.342 → 00:05:05.800 UTC.
  ASSERT_EQ(r.events.size(), 19'904u);
  EXPECT_EQ(r.counters.events, 19'904);
  EXPECT_EQ(r.counters.lines, 19'904);
  EXPECT_EQ(r.counters.total_errors(), 0);
  EXPECT_EQ(r.counters.total_skipped(), 0);
  int64_t expected_id = 3735683259;
  int64_t buyer_maker = 0;
  int64_t min_px = INT64_MAX, max_px = 0;
  for (auto& [symbol, ev] : r.events) {
    EXPECT_EQ(symbol, "BTCUSDT");
    const auto& t = std::get<trade>(ev.data);
    EXPECT_EQ(t.trade_id, expected_id++);
    buyer_maker += t.buyer_is_maker;
    min_px = std::min(min_px, t.px.raw());
    max_px = std::max(max_px, t.px.raw());
  }
  EXPECT_EQ(expected_id - 1, 3735703162);
  EXPECT_EQ(buyer_maker, 10'811);
  EXPECT_EQ(min_px, 6'155'604'000'000);
  EXPECT_EQ(max_px, 6'186'080'000'000);
  EXPECT_EQ(r.events.front().second.ts_event_ms, 1723161255342);
  EXPECT_EQ(r.events.back().second.ts_event_ms, 1723161905800);
}

TEST(MarketFile, FirstTradeMatchesTheFileText) {
  auto cells = split(first_lines(data_file(btc_trades_csv), 1).at(0));
  market_file_source src(data_file(btc_trades_csv));
  std::string symbol;
  market_event ev;
  ASSERT_TRUE(src.next(symbol, ev));
  const auto& t = std::get<trade>(ev.data);
  EXPECT_EQ(t.trade_id, std::stoll(cells[0]));
  EXPECT_EQ(t.px, price::parse(cells[1]).value());
  EXPECT_EQ(t.qty, quantity::parse(cells[2]).value());
  EXPECT_EQ(ev.ts_event_ms, std::stoll(cells[4]));
  EXPECT_EQ(t.buyer_is_maker, cells[5] == "True");
}

TEST(MarketFile, EthTradesGzip) {
  market_file_source src(data_file("trades/ETHUSDT-trades-2024-08-08T235415Z_2024-08-09T000505Z.csv.gz"));
  EXPECT_EQ(src.format(), file_format::trades_csv);
  EXPECT_EQ(src.csv_symbol(), "ETHUSDT");
  auto r = read_all(src);
  EXPECT_EQ(r.events.size(), 14'515u); // README
  EXPECT_EQ(r.counters.total_errors(), 0);
  EXPECT_EQ(std::get<trade>(r.events.front().second.data).trade_id, 1520538925);
  EXPECT_EQ(std::get<trade>(r.events.back().second.data).trade_id, 1520553439);
}

TEST(MarketFile, BtcOneMinuteOhlcvKlines) {
  market_file_source src(data_file("klines/spot-1m-ohlcv/BTCUSDT-1m-ohlcv-2023-03-16_2023-05-01.csv.gz"));
  EXPECT_EQ(src.format(), file_format::klines_csv);
  EXPECT_EQ(src.csv_symbol(), "BTCUSDT");
  EXPECT_EQ(src.kline_interval_ms(), 60'000);
  auto r = read_all(src);
  ASSERT_EQ(r.events.size(), 66'087u); // README
  EXPECT_EQ(r.counters.total_errors(), 0);
  // README: the only gap is the 2023-03-24 outage, 12:40–13:59 missing.
  std::vector<std::pair<int64_t, int64_t>> gaps;
  int64_t previous_open = 0;
  for (auto& [symbol, ev] : r.events) {
    const auto& k = std::get<kline>(ev.data);
    EXPECT_EQ(k.close_time_ms, k.open_time_ms + 59'999);
    EXPECT_EQ(ev.ts_event_ms, k.close_time_ms);
    if (previous_open != 0 && k.open_time_ms != previous_open + 60'000)
      gaps.emplace_back(previous_open, k.open_time_ms);
    previous_open = k.open_time_ms;
  }
  std::vector<std::pair<int64_t, int64_t>> expected_gaps{{1679661540000, 1679666400000}}; // 12:39 → 14:00
  EXPECT_EQ(gaps, expected_gaps);
  const auto first = split(first_lines(src.path(), 1).at(0));
  const auto& k0 = std::get<kline>(r.events.front().second.data);
  EXPECT_EQ(k0.open_time_ms, std::stoll(first[0]));
  EXPECT_EQ(k0.open, price::parse(first[1]).value());
  EXPECT_EQ(k0.high, price::parse(first[2]).value());
  EXPECT_EQ(k0.low, price::parse(first[3]).value());
  EXPECT_EQ(k0.close, price::parse(first[4]).value());
  EXPECT_EQ(k0.volume, quantity::parse(first[5]).value());
}

TEST(MarketFile, BtcOneHourFullKlinesKeepTheHaltCandle) {
  market_file_source src(data_file("klines/spot-1h/BTCUSDT-1h-2022-01-01_2026-04-30.csv.gz"));
  EXPECT_EQ(src.format(), file_format::klines_csv);
  EXPECT_EQ(src.kline_interval_ms(), 3'600'000);
  auto r = read_all(src);
  EXPECT_EQ(r.events.size(), 37'923u); // README
  EXPECT_EQ(r.counters.total_errors(), 0);
  // README: the 2023-03-24 12:00 candle closes at 1679661581646, and 13:00 is missing.
  auto halt = std::find_if(r.events.begin(), r.events.end(), [](const auto& e) {
    return std::get<kline>(e.second.data).open_time_ms == 1679659200000;
  });
  ASSERT_NE(halt, r.events.end());
  EXPECT_EQ(std::get<kline>(halt->second.data).close_time_ms, 1679661581646);
  EXPECT_TRUE(std::get<kline>(halt->second.data).volume.is_zero());
  ASSERT_NE(halt + 1, r.events.end());
  EXPECT_EQ(std::get<kline>((halt + 1)->second.data).open_time_ms, 1679659200000 + 2 * 3'600'000);
}

TEST(MarketFile, FuturesKlinesWithHeaderRow) {
  const auto path = data_file("klines/futures-um-1m/LINKUSDT-1m-2026-02.csv.gz");
  ASSERT_EQ(first_lines(path, 1).at(0).rfind("open_time,", 0), 0u); // the file does have a header
  market_file_source src(path);
  EXPECT_EQ(src.format(), file_format::klines_csv);
  EXPECT_EQ(src.csv_symbol(), "LINKUSDT");
  EXPECT_EQ(src.kline_interval_ms(), 60'000);
  auto r = read_all(src);
  EXPECT_EQ(r.events.size(), 40'320u); // README
  EXPECT_EQ(r.counters.total_errors(), 0);
  EXPECT_EQ(std::get<kline>(r.events.front().second.data).open_time_ms, 1769904000000); // 2026-02-01 00:00
}

TEST(MarketFile, BtcStreamTradesBookTickersAndTheLocalBook) {
  market_file_source src(data_file(btc_stream));
  EXPECT_EQ(src.format(), file_format::stream);
  EXPECT_TRUE(src.csv_symbol().empty());
  auto r = read_all(src);
  // README: 99,574 lines = 19,904 trades + 73,174 bookTicker + 6,495 depth diffs + 1 REST snapshot.
  // The 3 diffs before the snapshot (line 8) are buffered; the snapshot, which applies the last of
  // them, and the 6,492 diffs after it each publish the book's top.
  EXPECT_EQ(r.counters.lines, 99'574);
  EXPECT_EQ(r.counters.events, 19'904 + 73'174 + 1 + 6'492);
  EXPECT_EQ(r.counters.total_errors(), 0);
  std::map<std::string, int64_t> expected_skips{{"depth update", 3}};
  EXPECT_EQ(r.counters.skipped, expected_skips);

  int64_t trades = 0, tickers = 0, books = 0;
  int64_t last_trade_ms = 0, last_ticker_ms = 0, last_book_id = 0;
  int64_t expected_id = 3735683259;
  int64_t decreases = 0;
  for (auto& [symbol, ev] : r.events) {
    EXPECT_EQ(symbol, "BTCUSDT");
    if (const auto* t = std::get_if<trade>(&ev.data)) {
      ++trades;
      decreases += ev.ts_event_ms < last_trade_ms;
      last_trade_ms = ev.ts_event_ms;
      EXPECT_EQ(t->trade_id, expected_id++);
    } else if (const auto* b = std::get_if<book_ticker>(&ev.data)) {
      ++tickers;
      decreases += ev.ts_event_ms < last_ticker_ms;
      last_ticker_ms = ev.ts_event_ms;
      EXPECT_GT(ev.ts_event_ms, 0); // every bookTicker follows a message with an exchange time
      EXPECT_LE(b->bid_px, b->ask_px);
    } else if (const auto* d = std::get_if<book_depth>(&ev.data)) {
      ++books;
      EXPECT_GT(d->update_id, last_book_id);
      last_book_id = d->update_id;
      ASSERT_EQ(d->bids.size(), 20u);
      ASSERT_EQ(d->asks.size(), 20u);
      EXPECT_LT(d->bids.front().px, d->asks.front().px);
      for (size_t i = 1; i < 20; ++i) {
        EXPECT_GT(d->bids[i - 1].px, d->bids[i].px);
        EXPECT_LT(d->asks[i - 1].px, d->asks[i].px);
      }
    } else {
      ADD_FAILURE() << "unexpected " << kind_name(ev);
    }
  }
  EXPECT_EQ(trades, 19'904);
  EXPECT_EQ(tickers, 73'174);
  EXPECT_EQ(books, 6'493);
  EXPECT_EQ(decreases, 0);
  EXPECT_EQ(expected_id - 1, 3735703162);
  const auto* book = src.books().find("BTCUSDT");
  ASSERT_NE(book, nullptr);
  EXPECT_EQ(book->syncs(), 1);
  EXPECT_EQ(book->gaps(), 0);
  EXPECT_EQ(book->update_id(), last_book_id);
}

// On the combined stream a trade, stamped with its trade time, can arrive after a bookTicker that
// moved time past its bar's end. Bars built from the stream still open at strictly increasing
// times, and every trade's quantity lands in exactly one bar.
TEST(MarketFile, BarsFromTheBtcStreamNeverRepeatAnOpenTime) {
  market_file_source src(data_file(btc_stream));
  auto r = read_all(src);
  for (int64_t tf : {int64_t{1'000}, int64_t{60'000}}) {
    candle_aggregator agg(tf);
    std::vector<candle> bars;
    quantity traded;
    int64_t late = 0, latest_ms = 0;
    for (auto& [symbol, ev] : r.events) {
      if (const auto* t = std::get_if<trade>(&ev.data)) {
        traded += t->qty;
        late += t->ts_trade_ms < latest_ms; // printed before the clock the messages before it set
      }
      if (!std::holds_alternative<book_depth>(ev.data))
        latest_ms = std::max(latest_ms, ev.ts_event_ms);
      agg.on_event(ev, bars);
    }
    if (agg.forming())
      bars.push_back(*agg.forming());
    ASSERT_FALSE(bars.empty());
    quantity in_bars;
    for (size_t i = 0; i < bars.size(); ++i) {
      in_bars += bars[i].volume;
      if (i > 0) {
        EXPECT_GT(bars[i].open_time_ms, bars[i - 1].open_time_ms) << "timeframe " << tf << " bar " << i;
      }
    }
    EXPECT_EQ(in_bars, traded) << "timeframe " << tf;
    EXPECT_GT(late, 0) << "the recording has trades that arrive after a later quote";
  }
}

TEST(MarketFile, LegacyStreamWithOrderIds) {
  market_file_source src(data_file(legacy_stream));
  EXPECT_EQ(src.format(), file_format::stream);
  auto r = read_all(src);
  // README: 15,088 lines: 3,144 trades, 8,015 bookTicker, 3,929 depth diffs, no snapshot.
  EXPECT_EQ(r.counters.lines, 15'088);
  EXPECT_EQ(r.counters.total_errors(), 0);
  std::map<std::string, int64_t> expected_skips{{"depth update", 3'929}};
  EXPECT_EQ(r.counters.skipped, expected_skips);
  int64_t trades = 0, tickers = 0;
  std::optional<int64_t> previous_id;
  for (auto& [symbol, ev] : r.events) {
    EXPECT_EQ(symbol, "BTCUSDT");
    if (const auto* t = std::get_if<trade>(&ev.data)) {
      ++trades;
      if (previous_id) {
        EXPECT_EQ(t->trade_id, *previous_id + 1); // no id gaps
      }
      previous_id = t->trade_id;
    } else {
      tickers += std::holds_alternative<book_ticker>(ev.data);
    }
  }
  EXPECT_EQ(trades, 3'144);
  EXPECT_EQ(tickers, 8'015);
  // The first line is the trade of binance-protocol-samples.md D.2.
  const auto& first = std::get<trade>(r.events.front().second.data);
  EXPECT_EQ(first.trade_id, 3071245454);
  EXPECT_EQ(first.px.raw(), 2'816'547'000'000);
  EXPECT_EQ(first.ts_trade_ms, 1680652799999);
  EXPECT_EQ(r.events.front().second.ts_event_ms, 1680652800000); // its E: the file's market clock
}

TEST_F(MarketFileTemp, TradesCsvWithMalformedLines) {
  auto rows = first_lines(data_file(btc_trades_csv), 6);
  ASSERT_EQ(rows.size(), 6u);
  auto bad_price = split(rows[2]);
  bad_price[1] = "61837.6x";
  auto bad_flag = split(rows[3]);
  bad_flag[5] = "yes";
  const std::string header = "id,price,qty,quote_qty,time,is_buyer_maker,is_best_match";
  std::string text = header + "\n" +      // a header row, skipped
                     rows[0] + "\n" +     // good
                     "\n" +               // empty
                     "hello world\n" +    // garbage: wrong column count
                     rows[1] + "\r\n" +   // good, CRLF
                     join(bad_price) + "\n" + join(bad_flag) + "\n" +
                     header + "\n" +      // a second header (concatenated dumps): bad trade id
                     rows[4] + "\n" +     // good
                     rows[5].substr(0, 18); // truncated last line, no newline
  auto path = write("BTCUSDT-trades-mixed.csv", text);
  market_file_source src(path);
  ASSERT_EQ(src.format(), file_format::trades_csv);
  auto r = read_all(src);
  ASSERT_EQ(r.events.size(), 3u);
  EXPECT_EQ(std::get<trade>(r.events[0].second.data).trade_id, std::stoll(split(rows[0])[0]));
  EXPECT_EQ(std::get<trade>(r.events[1].second.data).trade_id, std::stoll(split(rows[1])[0]));
  EXPECT_EQ(std::get<trade>(r.events[2].second.data).trade_id, std::stoll(split(rows[4])[0]));
  EXPECT_EQ(std::get<trade>(r.events[1].second.data).qty, quantity::parse(split(rows[1])[2]).value());
  EXPECT_EQ(r.events[2].first, "BTCUSDT");
  std::map<std::string, int64_t> expected_errors{
      {"bad maker flag", 1}, {"bad price", 1}, {"bad trade id", 1}, {"wrong column count", 2}};
  EXPECT_EQ(r.counters.errors, expected_errors);
  EXPECT_EQ(r.counters.events, 3);
  EXPECT_EQ(r.counters.total_errors(), 5);
}

TEST_F(MarketFileTemp, KlinesCsvWithMalformedLines) {
  auto rows = first_lines(data_file("klines/spot-1m-official/ETHUSDT-1m-2022-08-14.csv"), 5);
  ASSERT_EQ(rows.size(), 5u);
  auto low_above_high = split(rows[2]);
  std::swap(low_above_high[2], low_above_high[3]);
  auto seven_columns = split(rows[3]);
  seven_columns.resize(7);
  std::string text = "open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,"
                     "taker_buy_quote_volume,ignore\n" +
                     rows[0] + "\n" + rows[1] + "\n" + join(low_above_high) + "\n" + join(seven_columns) + "\n" +
                     "\n" + rows[4] + "\n";
  auto path = write("ETHUSDT-1m-mixed.csv", text);
  market_file_source src(path);
  ASSERT_EQ(src.format(), file_format::klines_csv);
  EXPECT_EQ(src.kline_interval_ms(), 60'000);
  auto r = read_all(src);
  ASSERT_EQ(r.events.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    const auto cells = split(rows[i == 2 ? 4 : i]);
    const auto& k = std::get<kline>(r.events[i].second.data);
    EXPECT_EQ(k.open_time_ms, std::stoll(cells[0]));
    EXPECT_EQ(k.close_time_ms, std::stoll(cells[6]));
    EXPECT_EQ(k.close, price::parse(cells[4]).value());
    EXPECT_EQ(r.events[i].first, "ETHUSDT");
  }
  std::map<std::string, int64_t> expected_errors{{"inconsistent OHLC", 1}, {"wrong column count", 1}};
  EXPECT_EQ(r.counters.errors, expected_errors);
}

TEST_F(MarketFileTemp, StreamWithMalformedLines) {
  // Lines 1–4, 8 and 9 of the real recording (see binance-protocol-samples.md D.1).
  auto lines = first_lines(data_file(btc_stream), 9);
  ASSERT_EQ(lines.size(), 9u);
  std::string text = lines[0] + "\n" + lines[1] + "\n" + lines[2] + "\n" + lines[3] + "\n" +
                     "garbage-without-a-receive-time\n" +
                     "1723161254100000000 {not json\n" +
                     lines[7] + "\n" + lines[8] + "\n" +
                     lines[3].substr(0, lines[3].size() / 2); // truncated last line
  auto path = write("recording.txt", text);
  market_file_source src(path); // a stream needs no symbol in its name
  ASSERT_EQ(src.format(), file_format::stream);
  auto r = read_all(src);
  ASSERT_EQ(r.events.size(), 4u);
  const auto* b1 = std::get_if<book_ticker>(&r.events[0].second.data);
  const auto* t = std::get_if<trade>(&r.events[1].second.data);
  const auto* book = std::get_if<book_depth>(&r.events[2].second.data); // the snapshot (line 8)
  const auto* b2 = std::get_if<book_ticker>(&r.events[3].second.data);
  ASSERT_TRUE(b1 && t && book && b2);
  EXPECT_EQ(book->update_id, 50093239218); // both buffered diffs are older than the snapshot
  EXPECT_EQ(book->bids.front().px, price::parse("61837.63").value());
  EXPECT_EQ(b1->update_id, 50093239212);
  EXPECT_EQ(r.events[0].second.ts_event_ms, 1723161255308); // E of the depth update before it
  EXPECT_EQ(t->trade_id, 3735683259);
  EXPECT_EQ(b2->update_id, 50093239235);
  EXPECT_EQ(r.events[2].second.ts_event_ms, 1723161255343); // the snapshot: the latest time seen
  EXPECT_EQ(r.events[3].second.ts_event_ms, 1723161255343); // E of the trade before it
  for (auto& e : r.events)
    EXPECT_EQ(e.first, "BTCUSDT");
  std::map<std::string, int64_t> expected_skips{{"depth update", 2}};
  EXPECT_EQ(r.counters.skipped, expected_skips);
  std::map<std::string, int64_t> expected_errors{{"bad JSON", 2}, {"no receive time", 1}};
  EXPECT_EQ(r.counters.errors, expected_errors);
  EXPECT_EQ(r.counters.lines, 9);
}

TEST_F(MarketFileTemp, TruncatedGzipEndsWithAReadError) {
  std::ifstream in(data_file(legacy_stream), std::ios::binary);
  std::string bytes(20'000, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_EQ(in.gcount(), 20'000);
  auto path = write("binance-spot-BTCUSDT-cut.txt.gz", bytes);
  market_file_source src(path);
  auto r = read_all(src);
  EXPECT_GT(r.counters.events, 0);
  EXPECT_EQ(r.counters.errors.count("read error"), 1u);
  // Everything delivered is a prefix of the full recording.
  market_file_source full(data_file(legacy_stream));
  std::string symbol;
  market_event ev;
  for (auto& e : r.events) {
    ASSERT_TRUE(full.next(symbol, ev));
    EXPECT_EQ(ev.ts_event_ms, e.second.ts_event_ms);
    EXPECT_EQ(ev.data.index(), e.second.data.index());
  }
}

TEST_F(MarketFileTemp, CsvSymbolFromTheCallerWhenTheNameHasNone) {
  auto row = first_lines(data_file(btc_trades_csv), 1).at(0);
  auto path = write("data.csv", row + "\n");
  expect_error_naming(path, [&] { market_file_source src(path); });
  market_file_source src(path, std::string("BTCUSDT"));
  EXPECT_EQ(src.csv_symbol(), "BTCUSDT");
  auto r = read_all(src);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].first, "BTCUSDT");
}

TEST_F(MarketFileTemp, UnknownLayoutsThrowNamingTheFile) {
  auto three_columns = write("BTCUSDT-weird.csv", "1,2,3\n4,5,6\n");
  expect_error_naming(three_columns, [&] { market_file_source src(three_columns); });
  auto empty = write("BTCUSDT-empty.csv", "");
  expect_error_naming(empty, [&] { market_file_source src(empty); });
  auto blank = write("BTCUSDT-blank.csv", "\n\n\n");
  expect_error_naming(blank, [&] { market_file_source src(blank); });
  // Real files of layouts this reader does not know: the depth snapshots CSV and a REST depth JSON.
  auto depth_csv = data_file("depth/BTCUSDT-spot-depth5000-snapshots-2025-04-14.csv.gz");
  expect_error_naming(depth_csv, [&] { market_file_source src(depth_csv); });
  auto depth_json = data_file("depth/BTCUSDT-spot-depth5000-snapshot-2025-04-14T000000Z.rest.json.gz");
  expect_error_naming(depth_json, [&] { market_file_source src(depth_json); });
}

TEST_F(MarketFileTemp, MissingFileThrowsNamingIt) {
  auto path = (fs::path(dir_) / "no-such-dir" / "BTCUSDT-trades.csv").string();
  expect_error_naming(path, [&] { market_file_source src(path); });
}

} // namespace
} // namespace pt

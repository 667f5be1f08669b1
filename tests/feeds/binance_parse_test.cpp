// Parsing of Binance market data: real lines copied from ../shared/data/binance-protocol-samples.md
// (sections A–D) and from the recordings, plus malformed input that must become an error, never a
// crash. Fixed-point values are checked in raw units of 1e-8.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "feeds/binance/parse.hpp"
#include "feeds/market_file.hpp"
#include "tests/support/process.hpp"

namespace pt {
namespace {

using status = parse_outcome::status;

// The JSON part of a recorded line "<receive time> <json>".
std::string json_of(const std::string& recorded_line) { return recorded_line.substr(recorded_line.find(' ') + 1); }

// Recorded lines, byte for byte from binance-protocol-samples.md D.1 (lines 1–4 and 8, the
// snapshot shortened to 3 levels there), D.2 and D.3.
const std::string depth_line_1 =
    R"(1723161253937085768 {"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1723161255208,"s":"BTCUSDT","U":50093239189,"u":50093239202,"b":[["61737.63000000","0.00000000"],["61730.17000000","0.00000000"],["56854.58000000","0.00000000"]],"a":[["61837.64000000","1.54698000"],["61839.85000000","0.00000000"],["61839.86000000","0.00000000"],["61845.11000000","0.32329000"],["61848.49000000","0.00000000"],["61855.45000000","0.32323000"],["61862.51000000","0.05041000"],["61862.52000000","0.00000000"],["61937.64000000","0.02000000"]]}})";
const std::string depth_line_2 =
    R"(1723161254036059768 {"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1723161255308,"s":"BTCUSDT","U":50093239203,"u":50093239207,"b":[["55653.87000000","0.00000000"]],"a":[["61838.04000000","0.32332000"],["61844.30000000","0.40163000"],["61862.50000000","0.05019000"],["61862.51000000","0.00000000"]]}})";
const std::string book_ticker_line_3 =
    R"(1723161254087891268 {"stream":"btcusdt@bookTicker","data":{"u":50093239212,"s":"BTCUSDT","b":"61837.63000000","B":"3.78826000","a":"61837.64000000","A":"1.54698000"}})";
const std::string trade_line_4 =
    R"(1723161254087896568 {"stream":"btcusdt@trade","data":{"e":"trade","E":1723161255343,"s":"BTCUSDT","t":3735683259,"p":"61837.63000000","q":"0.02000000","T":1723161255342,"m":true,"M":true}})";
const std::string snapshot_line_8 =
    R"(1723161254206652067 {"lastUpdateId":50093239218,"bids":[["61837.63000000","3.78826000"],["61837.62000000","0.61700000"],["61837.24000000","0.10610000"]],"asks":[["61837.64000000","1.54698000"],["61837.65000000","0.00843000"],["61837.68000000","0.00016000"]]})";
const std::string legacy_trade_line =
    R"(1680652800004107 {"stream":"btcusdt@trade","data":{"e":"trade","E":1680652800000,"s":"BTCUSDT","t":3071245454,"p":"28165.47000000","q":"0.00056000","b":20720542158,"a":20720542592,"T":1680652799999,"m":true,"M":true}})";
const std::string agg_trade_json =
    R"({"stream":"nknusdt@aggTrade","data":{"e":"aggTrade","E":1633998523963,"s":"NKNUSDT","a":15683430,"p":"0.35280000","q":"58.00000000","f":19862790,"l":19862790,"T":1633998523963,"m":false,"M":true}})";
const std::string kline_json =
    R"({"stream":"nknusdt@kline_1m","data":{"e":"kline","E":1633998523963,"s":"NKNUSDT","k":{"t":1633998480000,"T":1633998539999,"s":"NKNUSDT","i":"1m","f":19862761,"L":19862790,"o":"0.35270000","c":"0.35280000","h":"0.35280000","l":"0.35220000","v":"25877.00000000","n":30,"x":false,"q":"9116.04600000","V":"58.00000000","Q":"20.46240000","B":"0"}}})";
const std::string nkn_book_ticker_json =
    R"({"stream":"nknusdt@bookTicker","data":{"u":499869768,"s":"NKNUSDT","b":"0.35210000","B":"672.00000000","a":"0.35260000","A":"3199.00000000"}})";
const std::string nkn_rest_depth_json =
    R"({"lastUpdateId":499869752,"bids":[["0.35210000","672.00000000"],["0.35200000","1144.00000000"]],"asks":[["0.35250000","3959.00000000"],["0.35260000","3199.00000000"]]})";

// The first row of trades/BTCUSDT-trades-2024-08-08T235415Z_2024-08-09T000505Z.csv (= trade_line_4).
const std::string first_btc_trade_row = "3735683259,61837.63000000,0.02000000,1236.75260000,1723161255342,True,True";

TEST(BinanceParse, ToEpochMsKeepsMillisecondsAndConvertsMicroseconds) {
  EXPECT_EQ(to_epoch_ms(1723161255342), 1723161255342);
  EXPECT_EQ(to_epoch_ms(1735689600000000), 1735689600000);
  EXPECT_EQ(to_epoch_ms(1735689659999999), 1735689659999);
  EXPECT_EQ(to_epoch_ms(0), 0);
}

TEST(BinanceParse, TradeCsvRowOfTheBtcDump) {
  auto out = parse_trade_csv(first_btc_trade_row);
  ASSERT_EQ(out.result, status::event) << out.what << " " << out.detail;
  EXPECT_TRUE(out.symbol.empty());
  EXPECT_EQ(out.event.ts_event_ms, 1723161255342);
  const auto* t = std::get_if<trade>(&out.event.data);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->trade_id, 3735683259);
  EXPECT_EQ(t->px.raw(), 6'183'763'000'000);
  EXPECT_EQ(t->qty.raw(), 2'000'000);
  EXPECT_TRUE(t->buyer_is_maker);
}

TEST(BinanceParse, TradeCsvRowOfTheOfficialReadme) {
  auto out = parse_trade_csv("51175358,17.80180000,5.69000000,101.29224200,1583709433583,True,True");
  ASSERT_EQ(out.result, status::event) << out.what;
  const auto& t = std::get<trade>(out.event.data);
  EXPECT_EQ(t.trade_id, 51175358);
  EXPECT_EQ(t.px.raw(), 1'780'180'000);
  EXPECT_EQ(t.qty.raw(), 569'000'000);
  EXPECT_EQ(out.event.ts_event_ms, 1583709433583);
}

TEST(BinanceParse, TradeCsvAcceptsLowerCaseBooleansAndMicroseconds) {
  // Spot dumps since 2025 stamp trades in µs; futures dumps write booleans in lower case.
  // The first BTCUSDT dump row with its time in µs and lower-case booleans.
  auto out = parse_trade_csv("3735683259,61837.63000000,0.02000000,1236.75260000,1723161255342000,false,true");
  ASSERT_EQ(out.result, status::event) << out.what;
  EXPECT_EQ(out.event.ts_event_ms, 1723161255342);
  EXPECT_FALSE(std::get<trade>(out.event.data).buyer_is_maker);
  EXPECT_EQ(std::get<trade>(out.event.data).px.raw(), 6'183'763'000'000);

  auto upper = parse_trade_csv("3735683259,61837.63000000,0.02000000,1236.75260000,1735689600000000,True,True");
  ASSERT_EQ(upper.result, status::event) << upper.what;
  EXPECT_EQ(upper.event.ts_event_ms, 1735689600000);
}

TEST(BinanceParse, TradeCsvReadsOnlyTheViewItIsGiven) {
  // The view ends before ",EXTRA": no terminating NUL there, and the parser must not look past it.
  std::string buffer = first_btc_trade_row + ",EXTRA";
  auto out = parse_trade_csv(std::string_view(buffer).substr(0, first_btc_trade_row.size()));
  ASSERT_EQ(out.result, status::event) << out.what;
  EXPECT_EQ(std::get<trade>(out.event.data).trade_id, 3735683259);
}

TEST(BinanceParse, MalformedTradeCsvRowsAreErrorsOfTheirKind) {
  struct bad_row {
    std::string line;
    std::string what;
  };
  const std::vector<bad_row> rows{
      {"", "wrong column count"},
      {"3735683259,61837.63000000,0.02000000,1236.75260000,1723161255342,True", "wrong column count"},
      {first_btc_trade_row + ",True", "wrong column count"},
      {"3735683259,61837.6", "wrong column count"}, // a truncated last line
      {"id,price,qty,quote_qty,time,is_buyer_maker,is_best_match", "bad trade id"},
      {"x3735683259,61837.63000000,0.02000000,1236.75260000,1723161255342,True,True", "bad trade id"},
      {"3735683259,,0.02000000,1236.75260000,1723161255342,True,True", "bad price"},
      {"3735683259,61837.63.1,0.02000000,1236.75260000,1723161255342,True,True", "bad price"},
      {"3735683259,0.00000000,0.02000000,0,1723161255342,True,True", "bad price"},
      {"3735683259,-61837.63000000,0.02000000,1236.75260000,1723161255342,True,True", "bad price"},
      {"3735683259,61837.63000000,-0.02000000,-1236.75260000,1723161255342,True,True", "bad quantity"},
      {"3735683259,61837.63000000,abc,1236.75260000,1723161255342,True,True", "bad quantity"},
      {"3735683259,61837.63000000,0.02000000,1236.75260000,17231612553.42,True,True", "bad time"},
      {"3735683259,61837.63000000,0.02000000,1236.75260000,1723161255342,yes,True", "bad maker flag"},
      {"3735683259,61837.63000000,0.02000000,1236.75260000,1723161255342,TRUE,True", "bad maker flag"},
      {"3735683259,61837.63000000,0.02000000,1236.75260000,1723161255342,1,True", "bad maker flag"},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.line);
    auto out = parse_trade_csv(row.line);
    EXPECT_EQ(out.result, status::error);
    EXPECT_EQ(out.what, row.what);
  }
}

TEST(BinanceParse, KlineCsvTwelveColumnsOfTheOfficialReadme) {
  auto out = parse_kline_csv("1601510340000,4.15070000,4.15870000,4.15060000,4.15540000,539.23000000,1601510399999,"
                             "2240.39860900,13,401.82000000,1669.98121300,0",
                             0);
  ASSERT_EQ(out.result, status::event) << out.what << " " << out.detail;
  const auto* k = std::get_if<kline>(&out.event.data);
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->open_time_ms, 1601510340000);
  EXPECT_EQ(k->close_time_ms, 1601510399999);
  EXPECT_EQ(out.event.ts_event_ms, 1601510399999); // a candle is known when it closes
  EXPECT_EQ(k->open.raw(), 415'070'000);
  EXPECT_EQ(k->high.raw(), 415'870'000);
  EXPECT_EQ(k->low.raw(), 415'060'000);
  EXPECT_EQ(k->close.raw(), 415'540'000);
  EXPECT_EQ(k->volume.raw(), 53'923'000'000);
  EXPECT_TRUE(k->is_closed);
}

TEST(BinanceParse, KlineCsvSixColumnsTakesCloseTimeFromTheInterval) {
  // First row of klines/spot-1m-ohlcv/BTCUSDT-1m-ohlcv-2023-03-16_2023-05-01.csv.gz.
  const std::string row = "1679004900000,24899.18,24943.98,24896.29,24934.2,293.13711";
  auto out = parse_kline_csv(row, 60'000);
  ASSERT_EQ(out.result, status::event) << out.what;
  const auto& k = std::get<kline>(out.event.data);
  EXPECT_EQ(k.open_time_ms, 1679004900000);
  EXPECT_EQ(k.close_time_ms, 1679004959999);
  EXPECT_EQ(out.event.ts_event_ms, 1679004959999);
  EXPECT_EQ(k.open.raw(), 2'489'918'000'000);
  EXPECT_EQ(k.high.raw(), 2'494'398'000'000);
  EXPECT_EQ(k.low.raw(), 2'489'629'000'000);
  EXPECT_EQ(k.close.raw(), 2'493'420'000'000);
  EXPECT_EQ(k.volume.raw(), 29'313'711'000);

  auto unknown_interval = parse_kline_csv(row, 0);
  ASSERT_EQ(unknown_interval.result, status::event);
  EXPECT_EQ(std::get<kline>(unknown_interval.event.data).close_time_ms, 1679004900000);
}

TEST(BinanceParse, KlineCsvWithMicrosecondTimes) {
  // No file in the shared data has µs times (dumps since 2025 do): this is the first row of
  // klines/spot-1m-official/ETHUSDT-1m-2022-08-14.csv with its two times written in µs.
  auto out = parse_kline_csv("1660435200000000,1983.55000000,1983.90000000,1982.14000000,1982.29000000,205.13100000,"
                             "1660435259999999,406814.92308000,288,105.29930000,208854.93067400,0",
                             0);
  ASSERT_EQ(out.result, status::event) << out.what;
  const auto& k = std::get<kline>(out.event.data);
  EXPECT_EQ(k.open_time_ms, 1660435200000);
  EXPECT_EQ(k.close_time_ms, 1660435259999);
  EXPECT_EQ(out.event.ts_event_ms, 1660435259999);
  EXPECT_EQ(k.high.raw(), 198'390'000'000);
  EXPECT_EQ(k.volume.raw(), 20'513'100'000);
}

TEST(BinanceParse, MalformedKlineCsvRowsAreErrorsOfTheirKind) {
  struct bad_row {
    std::string line;
    std::string what;
  };
  const std::vector<bad_row> rows{
      {"", "wrong column count"},
      {"1679004900000,24899.18,24943.98,24896.29,24934.2", "wrong column count"},
      {"1679004900000,24899.18,24943.98,24896.29,24934.2,293.13711,1", "wrong column count"},
      {"1601510340000,4.15070000,4.15870000,4.15060000,4.15540000,539.23000000,1601510399999,2240.39860900,13,"
       "401.82000000,1669.98121300,0,0",
       "wrong column count"},
      {"open_time,open,high,low,close,volume", "bad open time"},
      {"1679004900000,24899.18,24943.98,x,24934.2,293.13711", "bad price"},
      {"1679004900000,,24943.98,24896.29,24934.2,293.13711", "bad price"},
      {"1679004900000,24899.18,24943.98,24896.29,24934.2,-293.13711", "bad volume"},
      {"1679004900000,24899.18,24943.98,24896.29,24934.2,", "bad volume"},
      // low above high
      {"1679004900000,24899.18,24896.29,24943.98,24934.2,293.13711", "inconsistent OHLC"},
      // high below the close
      {"1679004900000,24899.18,24900.00,24896.29,24934.2,293.13711", "inconsistent OHLC"},
      // low above the open
      {"1679004900000,24899.18,24943.98,24900.00,24934.2,293.13711", "inconsistent OHLC"},
      {"1679004900000,0,24943.98,0,24934.2,293.13711", "inconsistent OHLC"},
      {"1679004900000,24899.18,24943.98,-1,24934.2,293.13711", "inconsistent OHLC"}, // negative low
      {"1601510340000,4.15070000,4.15870000,4.15060000,4.15540000,539.23000000,16015103999.99,2240.39860900,13,"
       "401.82000000,1669.98121300,0",
       "bad close time"},
      {"1601510340000,4.15070000,4.15870000,4.15060000,4.15540000,539.23000000,1601510339999,2240.39860900,13,"
       "401.82000000,1669.98121300,0",
       "close time before open time"},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.line);
    auto out = parse_kline_csv(row.line, 60'000);
    EXPECT_EQ(out.result, status::error);
    EXPECT_EQ(out.what, row.what);
  }
}

TEST(BinanceParse, RecordedCombinedStreamInOrder) {
  int64_t last_event_ms = 0;

  auto d1 = parse_stream_message(json_of(depth_line_1), last_event_ms);
  EXPECT_EQ(d1.result, status::skipped);
  EXPECT_EQ(d1.what, "depth update");
  EXPECT_EQ(last_event_ms, 1723161255208);

  auto d2 = parse_stream_message(json_of(depth_line_2), last_event_ms);
  EXPECT_EQ(d2.result, status::skipped);
  EXPECT_EQ(last_event_ms, 1723161255308);

  // A bookTicker has no time of its own: it is stamped with the latest E seen on the stream.
  auto bt = parse_stream_message(json_of(book_ticker_line_3), last_event_ms);
  ASSERT_EQ(bt.result, status::event) << bt.what;
  EXPECT_EQ(bt.symbol, "BTCUSDT");
  EXPECT_EQ(bt.event.ts_event_ms, 1723161255308);
  const auto* b = std::get_if<book_ticker>(&bt.event.data);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->update_id, 50093239212);
  EXPECT_EQ(b->bid_px.raw(), 6'183'763'000'000);
  EXPECT_EQ(b->bid_qty.raw(), 378'826'000);
  EXPECT_EQ(b->ask_px.raw(), 6'183'764'000'000);
  EXPECT_EQ(b->ask_qty.raw(), 154'698'000);
  EXPECT_EQ(last_event_ms, 1723161255308);

  auto tr = parse_stream_message(json_of(trade_line_4), last_event_ms);
  ASSERT_EQ(tr.result, status::event) << tr.what;
  EXPECT_EQ(tr.symbol, "BTCUSDT");
  // Stamped with the market clock, which its own E (…343) moved past its trade time T (…342);
  // T stays with the trade.
  EXPECT_EQ(tr.event.ts_event_ms, 1723161255343);
  const auto* t = std::get_if<trade>(&tr.event.data);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->ts_trade_ms, 1723161255342);
  EXPECT_EQ(t->trade_id, 3735683259);
  EXPECT_EQ(t->px.raw(), 6'183'763'000'000);
  EXPECT_EQ(t->qty.raw(), 2'000'000);
  EXPECT_TRUE(t->buyer_is_maker);
  EXPECT_EQ(last_event_ms, 1723161255343);

  auto snap = parse_stream_message(json_of(snapshot_line_8), last_event_ms);
  EXPECT_EQ(snap.result, status::skipped);
  EXPECT_EQ(snap.what, "depth snapshot");
  EXPECT_EQ(last_event_ms, 1723161255343);
}

TEST(BinanceParse, StreamTradeAgreesWithTheDumpRow) {
  int64_t last_event_ms = 0;
  auto from_stream = parse_stream_message(json_of(trade_line_4), last_event_ms);
  auto from_dump = parse_trade_csv(first_btc_trade_row);
  ASSERT_EQ(from_stream.result, status::event);
  ASSERT_EQ(from_dump.result, status::event);
  const auto& a = std::get<trade>(from_stream.event.data);
  const auto& b = std::get<trade>(from_dump.event.data);
  EXPECT_EQ(a.trade_id, b.trade_id);
  EXPECT_EQ(a.px, b.px);
  EXPECT_EQ(a.qty, b.qty);
  EXPECT_EQ(a.buyer_is_maker, b.buyer_is_maker);
  EXPECT_EQ(a.ts_trade_ms, b.ts_trade_ms);
  EXPECT_EQ(from_dump.event.ts_event_ms, b.ts_trade_ms); // a dump row has only T
}

TEST(BinanceParse, EveryMessageIsStampedWithAMonotoneMarketClock) {
  // A later trade (T …400, E …420) before an earlier one arrives (T …380, E …390), then a
  // bookTicker and a depth diff of an older E: each event takes the clock, which never goes back,
  // and each trade keeps its own T.
  const char* late =
    R"({"stream":"btcusdt@trade","data":{"e":"trade","E":1723161255420,"s":"BTCUSDT","t":11,"p":"61837.63000000",)"
    R"("q":"0.00100000","T":1723161255400,"m":true,"M":true}})";
  const char* early =
    R"({"stream":"btcusdt@trade","data":{"e":"trade","E":1723161255390,"s":"BTCUSDT","t":10,"p":"61837.62000000",)"
    R"("q":"0.00100000","T":1723161255380,"m":false,"M":true}})";
  market_clock clock;
  auto a = parse_stream_message(late, clock);
  auto b = parse_stream_message(early, clock);
  auto c = parse_stream_message(json_of(book_ticker_line_3), clock);
  auto d = parse_stream_message(json_of(depth_line_2), clock);
  ASSERT_EQ(a.result, status::event);
  ASSERT_EQ(b.result, status::event);
  ASSERT_EQ(c.result, status::event);
  EXPECT_EQ(a.event.ts_event_ms, 1723161255420);
  EXPECT_EQ(b.event.ts_event_ms, 1723161255420);
  EXPECT_EQ(std::get<trade>(b.event.data).ts_trade_ms, 1723161255380);
  EXPECT_EQ(c.event.ts_event_ms, 1723161255420);
  EXPECT_EQ(d.what, "depth update");
  EXPECT_EQ(clock.now_ms(), 1723161255420);
}

TEST(BinanceParse, TheRecordedStreamsGiveEventsInClockOrder) {
  for (const char* file : {"streams/binance-spot-BTCUSDT-2024-08-08T2354Z_2024-08-09T0005Z.txt.gz",
                           "streams/binance-spot-ETHUSDT-2024-08-08T2354Z_2024-08-09T0005Z.txt.gz"}) {
    market_file_source src(test::shared_data(file));
    std::string symbol;
    market_event ev;
    int64_t last = 0;
    size_t events = 0, back = 0, trades_behind = 0;
    while (src.next(symbol, ev)) {
      ++events;
      back += ev.ts_event_ms < last;
      last = ev.ts_event_ms;
      if (auto t = std::get_if<trade>(&ev.data)) {
        EXPECT_LE(t->ts_trade_ms, ev.ts_event_ms);
        trades_behind += t->ts_trade_ms < ev.ts_event_ms;
      }
    }
    EXPECT_GT(events, 10'000u) << file;
    EXPECT_EQ(back, 0u) << file << ": events stamped before the one before them";
    EXPECT_GT(trades_behind, 0u) << file << ": trades keep their own T, behind the clock";
  }
}

TEST(BinanceParse, BookTickerNeverMovesTheStreamClockBack) {
  int64_t last_event_ms = 1723161300000;
  auto bt = parse_stream_message(json_of(book_ticker_line_3), last_event_ms);
  ASSERT_EQ(bt.result, status::event);
  EXPECT_EQ(bt.event.ts_event_ms, 1723161300000);
  // An older E (the depth update) does not move the clock back either.
  parse_stream_message(json_of(depth_line_1), last_event_ms);
  EXPECT_EQ(last_event_ms, 1723161300000);
}

TEST(BinanceParse, LegacyTradeWithOrderIdsIsATrade) {
  int64_t last_event_ms = 0;
  auto out = parse_stream_message(json_of(legacy_trade_line), last_event_ms);
  ASSERT_EQ(out.result, status::event) << out.what;
  EXPECT_EQ(out.symbol, "BTCUSDT");
  EXPECT_EQ(out.event.ts_event_ms, 1680652800000); // the clock, moved by its E past its T
  const auto& t = std::get<trade>(out.event.data);
  EXPECT_EQ(t.ts_trade_ms, 1680652799999);
  EXPECT_EQ(t.trade_id, 3071245454);
  EXPECT_EQ(t.px.raw(), 2'816'547'000'000);
  EXPECT_EQ(t.qty.raw(), 56'000);
  EXPECT_TRUE(t.buyer_is_maker);
  EXPECT_EQ(last_event_ms, 1680652800000);
}

TEST(BinanceParse, AggTradeTakesTheAggregateId) {
  int64_t last_event_ms = 0;
  auto out = parse_stream_message(agg_trade_json, last_event_ms);
  ASSERT_EQ(out.result, status::event) << out.what;
  EXPECT_EQ(out.symbol, "NKNUSDT");
  EXPECT_EQ(out.event.ts_event_ms, 1633998523963);
  const auto& t = std::get<trade>(out.event.data);
  EXPECT_EQ(t.trade_id, 15683430);
  EXPECT_EQ(t.px.raw(), 35'280'000);
  EXPECT_EQ(t.qty.raw(), 5'800'000'000);
  EXPECT_FALSE(t.buyer_is_maker);
}

TEST(BinanceParse, KlineMessageOfAFormingCandle) {
  int64_t last_event_ms = 0;
  auto out = parse_stream_message(kline_json, last_event_ms);
  ASSERT_EQ(out.result, status::event) << out.what;
  EXPECT_EQ(out.symbol, "NKNUSDT");
  // The candle is still forming (x = false, close time in the future): the event is stamped
  // with the message's event time E.
  EXPECT_EQ(out.event.ts_event_ms, 1633998523963);
  const auto& k = std::get<kline>(out.event.data);
  EXPECT_EQ(k.open_time_ms, 1633998480000);
  EXPECT_EQ(k.close_time_ms, 1633998539999);
  EXPECT_EQ(k.open.raw(), 35'270'000);
  EXPECT_EQ(k.high.raw(), 35'280'000);
  EXPECT_EQ(k.low.raw(), 35'220'000);
  EXPECT_EQ(k.close.raw(), 35'280'000);
  EXPECT_EQ(k.volume.raw(), 2'587'700'000'000);
  EXPECT_FALSE(k.is_closed);
}

TEST(BinanceParse, BookTickerAndRestDepthOfAnotherRecording) {
  int64_t last_event_ms = 1633998512000;
  auto bt = parse_stream_message(nkn_book_ticker_json, last_event_ms);
  ASSERT_EQ(bt.result, status::event) << bt.what;
  EXPECT_EQ(bt.symbol, "NKNUSDT");
  const auto& b = std::get<book_ticker>(bt.event.data);
  EXPECT_EQ(b.update_id, 499869768);
  EXPECT_EQ(b.bid_px.raw(), 35'210'000);
  EXPECT_EQ(b.bid_qty.raw(), 67'200'000'000);
  EXPECT_EQ(b.ask_px.raw(), 35'260'000);
  EXPECT_EQ(b.ask_qty.raw(), 319'900'000'000);

  auto depth = parse_stream_message(nkn_rest_depth_json, last_event_ms);
  EXPECT_EQ(depth.result, status::skipped);
  EXPECT_EQ(depth.what, "depth snapshot");
}

TEST(BinanceParse, RawStreamPayloadWithoutWrapper) {
  // The trade example of the official docs (A.1) with its comments removed.
  int64_t last_event_ms = 0;
  auto out = parse_stream_message(
      R"({"e":"trade","E":1672515782136,"s":"BNBBTC","t":12345,"p":"0.001","q":"100","T":1672515782136,"m":true,"M":true})",
      last_event_ms);
  ASSERT_EQ(out.result, status::event) << out.what;
  EXPECT_EQ(out.symbol, "BNBBTC");
  const auto& t = std::get<trade>(out.event.data);
  EXPECT_EQ(t.trade_id, 12345);
  EXPECT_EQ(t.px.raw(), 100'000);
  EXPECT_EQ(t.qty.raw(), 10'000'000'000);
  EXPECT_EQ(last_event_ms, 1672515782136);
}

TEST(BinanceParse, StreamInMicroseconds) {
  // timeUnit=MICROSECOND: the recorded trade (D.1 line 4) with E and T in µs.
  int64_t last_event_ms = 0;
  auto out = parse_stream_message(
      R"({"stream":"btcusdt@trade","data":{"e":"trade","E":1723161255343123,"s":"BTCUSDT","t":3735683259,"p":"61837.63000000","q":"0.02000000","T":1723161255342987,"m":true,"M":true}})",
      last_event_ms);
  ASSERT_EQ(out.result, status::event) << out.what;
  EXPECT_EQ(out.event.ts_event_ms, 1723161255343);
  EXPECT_EQ(std::get<trade>(out.event.data).ts_trade_ms, 1723161255342);
  EXPECT_EQ(last_event_ms, 1723161255343);
}

TEST(BinanceParse, StreamMessageReadsOnlyTheViewItIsGiven) {
  std::string json = json_of(trade_line_4);
  std::string buffer = json + "}}garbage";
  int64_t last_event_ms = 0;
  auto out = parse_stream_message(std::string_view(buffer).substr(0, json.size()), last_event_ms);
  ASSERT_EQ(out.result, status::event) << out.what << " " << out.detail;
  EXPECT_EQ(std::get<trade>(out.event.data).trade_id, 3735683259);
}

TEST(BinanceParse, OtherWellFormedMessagesAreNotEvents) {
  // A 24hr mini ticker (docs, "All Market Mini Tickers"): valid, but nothing this parser turns
  // into an event.
  int64_t last_event_ms = 0;
  auto out = parse_stream_message(
      R"({"e":"24hrMiniTicker","E":1672515782136,"s":"BNBBTC","c":"0.0025","o":"0.0010","h":"0.0025","l":"0.0010","v":"10000","q":"18"})",
      last_event_ms);
  EXPECT_NE(out.result, status::event);
  EXPECT_FALSE(out.what.empty());
}

TEST(BinanceParse, MalformedStreamMessagesAreErrorsOfTheirKind) {
  struct bad_message {
    std::string json;
    std::string what;
  };
  const std::string trade_json = json_of(trade_line_4);
  const std::vector<bad_message> messages{
      {"", "bad JSON"},
      {trade_json.substr(0, trade_json.size() / 2), "bad JSON"}, // truncated
      {R"({"stream":"btcusdt@trade","data":{"e":"trade",)", "bad JSON"},
      {"not json at all", "bad JSON"},
      {"[1,2,3]", "not a JSON object"},
      {"42", "not a JSON object"},
      {R"({"stream":"btcusdt@trade","data":5})", "combined stream without data object"},
      {R"({"code":-1121,"msg":"Invalid symbol."})", "unknown message"},
      // wrong types
      {R"({"e":"trade","E":1723161255343,"s":"BTCUSDT","t":3735683259,"p":1.0,"q":"0.02000000","T":1723161255342,"m":true})",
       "bad price"},
      {R"({"e":"trade","E":1723161255343,"s":"BTCUSDT","t":"3735683259","p":"61837.63000000","q":"0.02000000","T":1723161255342,"m":true})",
       "bad trade id"},
      {R"({"e":"trade","E":1723161255343,"s":"BTCUSDT","t":3735683259,"p":"61837.63000000","q":0.02,"T":1723161255342,"m":true})",
       "bad quantity"},
      {R"({"e":"trade","E":1723161255343,"s":"BTCUSDT","t":3735683259,"p":"61837.63000000","q":"0.02000000","T":"1723161255342","m":true})",
       "bad trade time"},
      {R"({"e":"trade","E":1723161255343,"s":"BTCUSDT","t":3735683259,"p":"61837.63000000","q":"0.02000000","T":1723161255342,"m":"true"})",
       "bad maker flag"},
      // missing fields
      {R"({"e":"trade","E":1723161255343,"s":"BTCUSDT","p":"61837.63000000","q":"0.02000000","T":1723161255342,"m":true})",
       "bad trade id"},
      {R"({"e":"trade","E":1723161255343,"s":"BTCUSDT","t":3735683259,"q":"0.02000000","T":1723161255342,"m":true})",
       "bad price"},
      {R"({"e":"trade","E":1723161255343,"s":"BTCUSDT","t":3735683259,"p":"61837.63000000","T":1723161255342,"m":true})",
       "bad quantity"},
      {R"({"e":"trade","E":1723161255343,"s":"BTCUSDT","t":3735683259,"p":"61837.63000000","q":"0.02000000","m":true})",
       "bad trade time"},
      {R"({"e":"trade","E":1723161255343,"s":"BTCUSDT","t":3735683259,"p":"61837.63000000","q":"0.02000000","T":1723161255342})",
       "bad maker flag"},
      {R"({"e":"aggTrade","E":1633998523963,"s":"NKNUSDT","t":15683430,"p":"0.35280000","q":"58.00000000","T":1633998523963,"m":false})",
       "bad trade id"}, // an aggTrade's id is `a`
      // bad values
      {R"({"e":"trade","E":1723161255343,"s":"BTCUSDT","t":3735683259,"p":"0.00000000","q":"0.02000000","T":1723161255342,"m":true})",
       "bad price"},
      {R"({"e":"trade","E":1723161255343,"s":"BTCUSDT","t":3735683259,"p":"61837.63000000","q":"-0.02000000","T":1723161255342,"m":true})",
       "bad quantity"},
      {R"({"e":"trade","E":1723161255343,"s":"BTCUSDT","t":3735683259,"p":"6183x.63","q":"0.02000000","T":1723161255342,"m":true})",
       "bad price"},
      // book tickers
      {R"({"stream":"btcusdt@bookTicker","data":{"u":50093239212,"s":"BTCUSDT","b":"61837.65000000","B":"3.78826000","a":"61837.64000000","A":"1.54698000"}})",
       "crossed or negative book ticker"},
      {R"({"stream":"btcusdt@bookTicker","data":{"u":50093239212,"s":"BTCUSDT","b":"-1.00000000","B":"3.78826000","a":"61837.64000000","A":"1.54698000"}})",
       "crossed or negative book ticker"},
      {R"({"stream":"btcusdt@bookTicker","data":{"u":50093239212,"s":"BTCUSDT","b":"61837.63000000","B":"-3.78826000","a":"61837.64000000","A":"1.54698000"}})",
       "crossed or negative book ticker"},
      {R"({"stream":"btcusdt@bookTicker","data":{"u":50093239212,"s":"BTCUSDT","b":"61837.63000000","B":"3.78826000","a":"61837.64000000","A":"-1.54698000"}})",
       "crossed or negative book ticker"},
      {R"({"stream":"btcusdt@bookTicker","data":{"u":50093239212,"s":"BTCUSDT","b":"61837.63000000","B":"3.78826000","a":"61837.64000000"}})",
       "bad book ticker price or quantity"},
      {R"({"stream":"btcusdt@bookTicker","data":{"u":50093239212,"s":"BTCUSDT","b":61837.63,"B":"3.78826000","a":"61837.64000000","A":"1.54698000"}})",
       "bad book ticker price or quantity"},
      {R"({"stream":"btcusdt@bookTicker","data":{"u":"50093239212","s":"BTCUSDT","b":"61837.63000000","B":"3.78826000","a":"61837.64000000","A":"1.54698000"}})",
       "bad update id"},
      // klines
      {R"({"e":"kline","E":1633998523963,"s":"NKNUSDT","k":[1633998480000]})", "bad kline"},
      {R"({"e":"kline","E":1633998523963,"s":"NKNUSDT"})", "bad kline"},
      {R"({"e":"kline","E":1633998523963,"s":"NKNUSDT","k":{"t":1633998480000,"o":"0.35270000","c":"0.35280000","h":"0.35280000","l":"0.35220000","v":"25877.00000000","x":false}})",
       "bad kline time"},
      {R"({"e":"kline","E":1633998523963,"s":"NKNUSDT","k":{"t":1633998480000,"T":1633998539999,"o":"0.35270000","c":"0.35280000","h":0.3528,"l":"0.35220000","v":"25877.00000000","x":false}})",
       "bad kline price or volume"},
      {R"({"e":"kline","E":1633998523963,"s":"NKNUSDT","k":{"t":1633998480000,"T":1633998539999,"o":"0.35270000","c":"0.35280000","h":"0.35280000","l":"0.35220000","v":"25877.00000000","x":"no"}})",
       "bad kline closed flag"},
      // the recorded kline (D.3) with high and low swapped, a negative volume, times swapped
      {R"({"e":"kline","E":1633998523963,"s":"NKNUSDT","k":{"t":1633998480000,"T":1633998539999,"o":"0.35270000","c":"0.35280000","h":"0.35220000","l":"0.35280000","v":"25877.00000000","x":false}})",
       "inconsistent OHLC"},
      {R"({"e":"kline","E":1633998523963,"s":"NKNUSDT","k":{"t":1633998480000,"T":1633998539999,"o":"0.35270000","c":"0.35280000","h":"0.35280000","l":"0.35220000","v":"-25877.00000000","x":false}})",
       "bad volume"},
      {R"({"e":"kline","E":1633998523963,"s":"NKNUSDT","k":{"t":1633998539999,"T":1633998480000,"o":"0.35270000","c":"0.35280000","h":"0.35280000","l":"0.35220000","v":"25877.00000000","x":false}})",
       "close time before open time"},
  };
  for (const auto& m : messages) {
    SCOPED_TRACE(m.json);
    int64_t last_event_ms = 0;
    auto out = parse_stream_message(m.json, last_event_ms);
    EXPECT_EQ(out.result, status::error);
    EXPECT_EQ(out.what, m.what);
  }
}

TEST(BinanceParse, ErrorsCarryTheOffendingField) {
  int64_t last_event_ms = 0;
  auto out = parse_stream_message(
      R"({"e":"trade","E":1723161255343,"s":"BTCUSDT","t":3735683259,"p":"6183x.63","q":"0.02000000","T":1723161255342,"m":true})",
      last_event_ms);
  ASSERT_EQ(out.result, status::error);
  EXPECT_EQ(out.detail, "6183x.63");

  auto csv = parse_trade_csv("3735683259,61837.63000000,0.02000000,1236.75260000,1723161255342,maybe,True");
  ASSERT_EQ(csv.result, status::error);
  EXPECT_EQ(csv.detail, "maybe");
}

} // namespace
} // namespace pt

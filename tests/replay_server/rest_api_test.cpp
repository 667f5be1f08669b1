// `GET /api/v3/klines` of the replay server: Binance's array format, its paging parameters and
// its error codes, served from the real BTCUSDT 1h klines at the clock of the real recording.

#include "replay_server/rest_api.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "tests/support/process.hpp"

namespace pt::test {
namespace {

const std::string stream = "streams/binance-spot-BTCUSDT-2024-08-08T2354Z_2024-08-09T0005Z.txt.gz";
const std::string hourly = "klines/spot-1h/BTCUSDT-1h-2022-01-01_2026-04-30.csv.gz";
constexpr int64_t now_ms = 1'723'161'253'937; // receive time of the recording's first message

class ReplayKlines : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    rec_ = new replay_recording(replay_recording::load(shared_data(stream)));
    klines_ = new kline_store;
    klines_->add_file(shared_data(hourly));
  }
  static void TearDownTestSuite() {
    delete rec_;
    delete klines_;
  }
  static http_answer get(const std::string& target) { return answer_rest(*rec_, "GET", target, now_ms, klines_); }
  static rapidjson::Document json(const http_answer& a) {
    rapidjson::Document doc;
    doc.Parse(a.body.c_str());
    return doc;
  }
  static inline replay_recording* rec_ = nullptr;
  static inline kline_store* klines_ = nullptr;
};

TEST_F(ReplayKlines, ServesTheLastClosedKlinesInBinanceFormat) {
  auto a = get("/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=2");
  ASSERT_EQ(a.status, 200) << a.body;
  auto doc = json(a);
  ASSERT_TRUE(doc.IsArray());
  ASSERT_EQ(doc.Size(), 2u);
  // The 23:00 bar has not closed at 23:54, the server's "now": 22:00 is the last one.
  const auto& k = doc[1];
  ASSERT_EQ(k.Size(), 12u);
  EXPECT_EQ(k[0].GetInt64(), 1'723'154'400'000);
  EXPECT_STREQ(k[1].GetString(), "61170.44000000");
  EXPECT_STREQ(k[2].GetString(), "62530.00000000");
  EXPECT_STREQ(k[3].GetString(), "60621.22000000");
  EXPECT_STREQ(k[4].GetString(), "62332.00000000");
  EXPECT_STREQ(k[5].GetString(), "4551.00737000");
  EXPECT_EQ(k[6].GetInt64(), 1'723'157'999'999);
  EXPECT_STREQ(k[7].GetString(), "279729397.35029380");
  EXPECT_EQ(k[8].GetInt64(), 207'619);
  EXPECT_STREQ(k[9].GetString(), "2655.36065000");
  EXPECT_STREQ(k[10].GetString(), "163313010.29221780");
  EXPECT_STREQ(k[11].GetString(), "0");
  EXPECT_EQ(doc[0][0].GetInt64(), 1'723'150'800'000);
}

TEST_F(ReplayKlines, PagesByStartTimeEndTimeAndLimit) {
  auto from = json(get("/api/v3/klines?symbol=BTCUSDT&interval=1h&startTime=1723140000000&limit=3"));
  ASSERT_EQ(from.Size(), 3u);
  EXPECT_EQ(from[0][0].GetInt64(), 1'723'140'000'000);
  EXPECT_EQ(from[2][0].GetInt64(), 1'723'147'200'000);
  auto until = json(get("/api/v3/klines?symbol=BTCUSDT&interval=1h&endTime=1723147200000&limit=2"));
  ASSERT_EQ(until.Size(), 2u);
  EXPECT_EQ(until[1][0].GetInt64(), 1'723'147'200'000);
  auto both = json(get("/api/v3/klines?symbol=BTCUSDT&interval=1h&startTime=1723140000000&endTime=1723143600000"));
  EXPECT_EQ(both.Size(), 2u);
  EXPECT_EQ(json(get("/api/v3/klines?symbol=BTCUSDT&interval=1h")).Size(), 500u); // the default limit
  EXPECT_EQ(json(get("/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=1000")).Size(), 1000u);
}

TEST_F(ReplayKlines, AggregatesACoarserIntervalAndServesNothingForAFinerOne) {
  auto doc = json(get("/api/v3/klines?symbol=BTCUSDT&interval=2h&limit=1"));
  ASSERT_EQ(doc.Size(), 1u);
  const auto& k = doc[0]; // 20:00 + 21:00
  EXPECT_EQ(k[0].GetInt64(), 1'723'147'200'000);
  EXPECT_STREQ(k[1].GetString(), "59414.52000000");
  EXPECT_STREQ(k[2].GetString(), "61355.66000000");
  EXPECT_STREQ(k[3].GetString(), "59297.34000000");
  EXPECT_STREQ(k[4].GetString(), "61173.69000000");
  EXPECT_STREQ(k[5].GetString(), "3137.49310000");
  EXPECT_EQ(k[6].GetInt64(), 1'723'154'399'999);
  EXPECT_EQ(k[8].GetInt64(), 166'052);
  auto fine = get("/api/v3/klines?symbol=BTCUSDT&interval=15m");
  EXPECT_EQ(fine.status, 200);
  EXPECT_EQ(fine.body, "[]");
}

TEST_F(ReplayKlines, ABucketTheFileStartsInsideIsNotServed) {
  // The 1h file starts on Saturday 2022-01-01: the week of Monday 2021-12-27 is not whole.
  auto doc = json(get("/api/v3/klines?symbol=BTCUSDT&interval=1w&startTime=1640563200000&limit=2"));
  ASSERT_TRUE(doc.IsArray());
  ASSERT_EQ(doc.Size(), 2u);
  EXPECT_EQ(doc[0][0].GetInt64(), 1'641'168'000'000); // Monday 2022-01-03 00:00 UTC
  EXPECT_EQ(doc[1][0].GetInt64(), 1'641'772'800'000);
}

TEST_F(ReplayKlines, AnswersBadParametersWithBinanceErrors) {
  auto code_of = [](const http_answer& a) {
    rapidjson::Document doc;
    doc.Parse(a.body.c_str());
    EXPECT_EQ(a.status, 400) << a.body;
    return doc.IsObject() && doc.HasMember("code") ? doc["code"].GetInt() : 0;
  };
  EXPECT_EQ(code_of(get("/api/v3/klines?interval=1h")), -1102);
  EXPECT_EQ(code_of(get("/api/v3/klines?symbol=BTCUSDT")), -1102);
  auto unknown = get("/api/v3/klines?symbol=NOPEUSDT&interval=1h");
  EXPECT_EQ(code_of(unknown), -1121);
  EXPECT_EQ(unknown.body, R"({"code":-1121,"msg":"Invalid symbol."})");
  auto interval = get("/api/v3/klines?symbol=BTCUSDT&interval=7m");
  EXPECT_EQ(code_of(interval), -1120);
  EXPECT_EQ(interval.body, R"({"code":-1120,"msg":"Invalid interval."})");
  EXPECT_EQ(code_of(get("/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=1001")), -1130);
  EXPECT_EQ(code_of(get("/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=0")), -1130);
  EXPECT_EQ(code_of(get("/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=ten")), -1100);
  EXPECT_EQ(code_of(get("/api/v3/klines?symbol=BTCUSDT&interval=1h&startTime=-5")), -1100);
  EXPECT_EQ(answer_rest(*rec_, "POST", "/api/v3/klines?symbol=BTCUSDT&interval=1h", now_ms, klines_).status, 405);
}

TEST(KlineStore, RejectsAFileThatIsNotKlines) {
  kline_store store;
  EXPECT_THROW(store.add_file(shared_data("trades/BTCUSDT-trades-2024-08-08T235415Z_2024-08-09T000505Z.csv")),
               std::runtime_error);
  EXPECT_EQ(binance_interval_ms("1M").value_or(0), 30LL * 24 * 3'600'000);
  EXPECT_FALSE(binance_interval_ms("2m"));
}

} // namespace
} // namespace pt::test

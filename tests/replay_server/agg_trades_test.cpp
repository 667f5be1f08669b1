// `GET /api/v3/aggTrades` of the replay server: Binance's row shape, its parameters and error
// codes, served from the trades of the real BTCUSDT recording.

#include "replay_server/agg_trades.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "tests/support/process.hpp"

namespace pt::test {
namespace {

const std::string stream = "streams/binance-spot-BTCUSDT-2024-08-08T2354Z_2024-08-09T0005Z.txt.gz";

class ReplayServerAggTrades : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    rec_ = new replay_recording(replay_recording::load(shared_data(stream)));
    store_ = new agg_trade_store(agg_trade_store::from_recording(*rec_));
  }
  static void TearDownTestSuite() {
    delete store_;
    delete rec_;
  }
  static http_answer get(const std::string& target, std::optional<int64_t> until = std::nullopt) {
    return answer_agg_trades(*rec_, *store_, target, until);
  }
  static rapidjson::Document json(const http_answer& a) {
    rapidjson::Document doc;
    doc.Parse(a.body.c_str());
    return doc;
  }
  static int error_code(const http_answer& a) {
    auto d = json(a);
    return d.IsObject() && d.HasMember("code") ? d["code"].GetInt() : 0;
  }
  static inline replay_recording* rec_ = nullptr;
  static inline agg_trade_store* store_ = nullptr;
};

TEST_F(ReplayServerAggTrades, TheRecordingsFirstTradeInBinancesShape) {
  // The recording's first trade message: t 3735683259, p 61837.63, q 0.02, T 1723161255342, m true.
  auto a = get("/api/v3/aggTrades?symbol=BTCUSDT&startTime=1723161255000&endTime=1723161255342&limit=1");
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.body, "[{\"a\":3735683259,\"p\":\"61837.63000000\",\"q\":\"0.02000000\",\"f\":3735683259,"
                    "\"l\":3735683259,\"T\":1723161255342,\"m\":true,\"M\":true}]");
}

TEST_F(ReplayServerAggTrades, PagesByIdFollowEachOtherWithoutGapsOrRepeats) {
  auto first = json(get("/api/v3/aggTrades?symbol=BTCUSDT&startTime=1723161255000&endTime=1723161555000&limit=1000"));
  ASSERT_TRUE(first.IsArray());
  ASSERT_EQ(first.Size(), 1000u);
  int64_t last = first[999]["a"].GetInt64();
  auto next = json(get("/api/v3/aggTrades?symbol=BTCUSDT&fromId=" + std::to_string(last + 1) + "&limit=5"));
  ASSERT_TRUE(next.IsArray());
  ASSERT_EQ(next.Size(), 5u);
  EXPECT_GT(next[0]["a"].GetInt64(), last);
  for (rapidjson::SizeType i = 1; i < next.Size(); ++i) {
    EXPECT_GT(next[i]["a"].GetInt64(), next[i - 1]["a"].GetInt64());
    EXPECT_GE(next[i]["T"].GetInt64(), next[i - 1]["T"].GetInt64());
  }
}

TEST_F(ReplayServerAggTrades, OnlyTradesUpToTheServersNowExist) {
  int64_t until = 1723161300000;
  auto latest = json(get("/api/v3/aggTrades?symbol=BTCUSDT", until)); // the most recent, 500 by default
  ASSERT_TRUE(latest.IsArray());
  ASSERT_EQ(latest.Size(), 500u);
  EXPECT_LE(latest[499]["T"].GetInt64(), until);
  auto later = json(get("/api/v3/aggTrades?symbol=BTCUSDT&startTime=1723161300001&endTime=1723161400000", until));
  ASSERT_TRUE(later.IsArray());
  EXPECT_EQ(later.Size(), 0u);
}

TEST_F(ReplayServerAggTrades, BadParametersGetBinancesErrorCodes) {
  EXPECT_EQ(error_code(get("/api/v3/aggTrades")), -1102);
  EXPECT_EQ(error_code(get("/api/v3/aggTrades?symbol=NOPEUSDT")), -1121);
  EXPECT_EQ(error_code(get("/api/v3/aggTrades?symbol=BTCUSDT&limit=1001")), -1130);
  EXPECT_EQ(error_code(get("/api/v3/aggTrades?symbol=BTCUSDT&limit=0")), -1130);
  EXPECT_EQ(error_code(get("/api/v3/aggTrades?symbol=BTCUSDT&fromId=abc")), -1100);
  EXPECT_EQ(error_code(get("/api/v3/aggTrades?symbol=BTCUSDT&startTime=2000&endTime=1000")), -1128);
  EXPECT_EQ(error_code(get("/api/v3/aggTrades?symbol=BTCUSDT&startTime=0&endTime=3600001")), -1127);
  EXPECT_EQ(get("/api/v3/aggTrades?symbol=BTCUSDT&startTime=0&endTime=3600001").status, 400);
}

} // namespace
} // namespace pt::test

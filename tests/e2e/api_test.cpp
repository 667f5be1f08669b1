// Drives the REST API of a real `papertrader run` on the recorded BTCUSDT stream (full speed,
// port 0), once for the whole suite: every endpoint, auth, pagination, bad input.

#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "tests/support/child_process.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/ledger_replay.hpp"
#include "tests/support/process.hpp"

namespace pt::test {
namespace {

namespace fs = std::filesystem;

const std::string admin = "e2e-admin-token";
const std::string reader = "e2e-read-token";

rapidjson::Document json_of(const http_result& r) {
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  return d;
}

std::string error_code_of(const http_result& r) {
  auto d = json_of(r);
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("error"))
    return "<" + r.body + ">";
  return d["error"]["code"].GetString();
}

bool is_decimal8(const std::string& s) { return std::regex_match(s, std::regex(R"(-?\d+\.\d{8})")); }

class ApiE2E : public testing::Test {
protected:
  static void SetUpTestSuite() {
    dir_ = make_temp_dir("api-e2e");
    fs::create_directories(dir_ + "/strategies");
    for (auto name : {"ema_crossover_10s.yaml", "rsi_scalper_5s.yaml"})
      fs::copy_file(source_file(std::string("config/strategies/") + name), dir_ + "/strategies/" + name);
    std::ofstream(dir_ + "/strategies/broken.yaml") << "name: broken\ntimeframe: 7q\n";
    std::ofstream(dir_ + "/papertrader.yaml")
      << "database: " << dir_ << "/pt.db\n"
      << "api:\n  tokens: [{token: " << admin << ", role: admin}, {token: " << reader << ", role: read}]\n"
      << "  rate_per_s: 1000\n  burst: 1000\n  cors_origins: [http://localhost:3000]\n"
      << "defaults: {initial_cash: 10000, taker_fee_bps: 10, slippage_bps: 0, qty_step: 0.00001}\n"
      << "sessions:\n  - {name: ema, strategy: strategies/ema_crossover_10s.yaml}\n"
      << "  - {name: rsi, strategy: strategies/rsi_scalper_5s.yaml, initial_cash: 5000}\n";
    proc_ = std::make_unique<child_process>(std::vector<std::string>{
      binary(), "run", "--config", dir_ + "/papertrader.yaml", "--replay",
      shared_data("streams/binance-spot-BTCUSDT-2024-08-08T2354Z_2024-08-09T0005Z.txt.gz"), "--speed", "max",
      "--listen", "127.0.0.1:0"});
    ASSERT_TRUE(proc_->wait_for_output("still serving", std::chrono::seconds(120))) << proc_->output();
    std::smatch m;
    const std::string& out = proc_->output();
    ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(api listening on 127\.0\.0\.1:(\d+))"))) << out;
    port_ = static_cast<uint16_t>(std::stoi(m[1]));
    // The sessions settled before "still serving"; their last rows are committed by the persister
    // soon after: wait (bounded) until the API shows both finished.
    ASSERT_TRUE(eventually(
      [] { return http_get(port_, "/api/v1/sessions?status=finished", admin).body.find("\"total\":2") != std::string::npos; },
      std::chrono::seconds(30), std::chrono::milliseconds(50)))
      << "sessions did not finish in the database";
  }

  static void TearDownTestSuite() {
    if (proc_) {
      proc_->signal(SIGINT);
      EXPECT_EQ(proc_->wait_exit(std::chrono::seconds(60)), 0) << proc_->output();
    }
    proc_.reset();
  }

  static http_result post(const std::string& target, const std::string& body, const std::string& token,
                          const std::string& content_type = "application/json") {
    return http_call(port_, "POST", target, body,
                     {{"Authorization", "Bearer " + token}, {"Content-Type", content_type}});
  }

  static inline std::string dir_;
  static inline std::unique_ptr<child_process> proc_;
  static inline uint16_t port_ = 0;
};

TEST_F(ApiE2E, HealthAnswersWithoutToken) {
  auto r = http_get(port_, "/api/v1/health", "");
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_STREQ(json_of(r)["status"].GetString(), "ok");
  EXPECT_EQ(r.header("content-type"), "application/json");
}

TEST_F(ApiE2E, TokensAreChecked) {
  EXPECT_EQ(http_get(port_, "/api/v1/sessions", "").status, 401);
  EXPECT_EQ(http_get(port_, "/api/v1/sessions", "not-a-token").status, 401);
  EXPECT_EQ(http_get(port_, "/api/v1/sessions", reader).status, 200);
  auto w = post("/api/v1/sessions", "{}", reader);
  EXPECT_EQ(w.status, 403);
  EXPECT_EQ(error_code_of(w), "forbidden");
}

TEST_F(ApiE2E, SessionsListFiltersAndPaginates) {
  auto all = json_of(http_get(port_, "/api/v1/sessions", admin));
  ASSERT_EQ(all["total"].GetInt64(), 2);
  EXPECT_STREQ(all["items"][0]["name"].GetString(), "ema");
  EXPECT_TRUE(is_decimal8(all["items"][0]["equity"].GetString()));
  EXPECT_STREQ(all["items"][1]["initial_cash"].GetString(), "5000.00000000");
  auto page = json_of(http_get(port_, "/api/v1/sessions?limit=1&offset=1", admin));
  ASSERT_EQ(page["items"].Size(), 1u);
  EXPECT_EQ(page["items"][0]["id"].GetInt64(), 2);
  EXPECT_EQ(page["total"].GetInt64(), 2);
  EXPECT_EQ(json_of(http_get(port_, "/api/v1/sessions?status=running", admin))["total"].GetInt64(), 0);
  for (auto bad : {"?limit=0", "?limit=abc", "?offset=-1", "?colour=red", "?limit=1&limit=2"}) {
    auto r = http_get(port_, std::string("/api/v1/sessions") + bad, admin);
    EXPECT_EQ(r.status, 400) << bad << " " << r.body;
  }
}

TEST_F(ApiE2E, OneSessionAndUnknownIds) {
  auto r = http_get(port_, "/api/v1/sessions/1", admin);
  ASSERT_EQ(r.status, 200);
  auto s = json_of(r);
  EXPECT_STREQ(s["status"].GetString(), "finished");
  EXPECT_STREQ(s["symbol"].GetString(), "BTCUSDT");
  auto unknown = http_get(port_, "/api/v1/sessions/999", admin);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(error_code_of(unknown), "unknown_session");
  for (auto sub : {"", "/fills", "/orders", "/equity", "/decisions", "/positions", "/metrics"})
    EXPECT_EQ(http_get(port_, std::string("/api/v1/sessions/999") + sub, admin).status, 404) << sub;
  EXPECT_EQ(http_get(port_, "/api/v1/sessions/abc", admin).status, 400);
  EXPECT_EQ(http_get(port_, "/api/v1/sessions/-1/fills", admin).status, 400);
}

TEST_F(ApiE2E, FillsPaginateWithACursorAndFilter) {
  auto all = json_of(http_get(port_, "/api/v1/sessions/1/fills?limit=1000", admin));
  const auto& items = all["items"];
  ASSERT_GE(items.Size(), 2u);
  EXPECT_TRUE(all["next_after"].IsNull());
  std::vector<int64_t> paged;
  std::string after = "0";
  for (int guard = 0; guard < 100; ++guard) {
    auto page = json_of(http_get(port_, "/api/v1/sessions/1/fills?limit=1&after=" + after, admin));
    for (auto& f : page["items"].GetArray())
      paged.push_back(f["fill_id"].GetInt64());
    if (page["next_after"].IsNull())
      break;
    after = std::to_string(page["next_after"].GetInt64());
  }
  ASSERT_EQ(paged.size(), items.Size());
  for (rapidjson::SizeType i = 0; i < items.Size(); ++i) {
    EXPECT_EQ(paged[i], items[i]["fill_id"].GetInt64());
    EXPECT_TRUE(is_decimal8(items[i]["price"].GetString()));
    EXPECT_TRUE(is_decimal8(items[i]["fee"].GetString()));
  }
  for (auto& f : json_of(http_get(port_, "/api/v1/sessions/1/fills?side=buy", admin))["items"].GetArray())
    EXPECT_STREQ(f["side"].GetString(), "buy");
  int64_t second_ts = items[1]["ts_event_ms"].GetInt64();
  auto window = json_of(http_get(port_, "/api/v1/sessions/1/fills?from_ms=" + std::to_string(second_ts) +
                                          "&to_ms=" + std::to_string(second_ts), admin));
  ASSERT_GE(window["items"].Size(), 1u);
  for (auto& f : window["items"].GetArray())
    EXPECT_EQ(f["ts_event_ms"].GetInt64(), second_ts);
  EXPECT_EQ(http_get(port_, "/api/v1/sessions/1/fills?side=hold", admin).status, 400);
  EXPECT_EQ(http_get(port_, "/api/v1/sessions/1/fills?from_ms=yesterday", admin).status, 400);
  EXPECT_EQ(http_get(port_, "/api/v1/sessions/1/fills?limit=5000", admin).status, 400);
}

TEST_F(ApiE2E, OrdersEquityAndDecisions) {
  for (auto sub : {"orders", "equity", "decisions"}) {
    auto r = http_get(port_, std::string("/api/v1/sessions/1/") + sub + "?limit=2", admin);
    ASSERT_EQ(r.status, 200) << sub;
    auto d = json_of(r);
    EXPECT_EQ(d["items"].Size(), 2u) << sub;
    EXPECT_FALSE(d["next_after"].IsNull()) << sub;
  }
  auto eq = json_of(http_get(port_, "/api/v1/sessions/1/equity?limit=1", admin));
  EXPECT_TRUE(is_decimal8(eq["items"][0]["equity"].GetString()));
  auto dec = json_of(http_get(port_, "/api/v1/sessions/1/decisions?limit=1", admin));
  EXPECT_STREQ(dec["items"][0]["rule"].GetString(), "entry");
  EXPECT_EQ(http_get(port_, "/api/v1/sessions/1/decisions?side=buy", admin).status, 400); // not a filter here
}

TEST_F(ApiE2E, CandlesCheckTheirInput) {
  // The sessions have finished; the broadcaster still holds the bars it built for them.
  auto kept = http_get(port_, "/api/v1/sessions/1/candles?timeframe=10s&limit=3", reader);
  EXPECT_EQ(kept.status, 200) << kept.body;
  EXPECT_EQ(error_code_of(http_get(port_, "/api/v1/sessions/1/candles?timeframe=1m", reader)), "no_candles");
  auto unknown = http_get(port_, "/api/v1/sessions/99/candles?timeframe=10s", reader);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(error_code_of(unknown), "unknown_session");
  for (auto bad : {"timeframe=7q", "timeframe=0m", "", "timeframe=1m&limit=0", "timeframe=1m&limit=x",
                   "timeframe=1m&side=buy"}) {
    auto r = http_get(port_, std::string("/api/v1/sessions/1/candles?") + bad, reader);
    EXPECT_EQ(r.status, 400) << bad << " " << r.body;
    EXPECT_TRUE(error_code_of(r) == "invalid_parameter" || error_code_of(r) == "unknown_parameter") << bad;
  }
  EXPECT_EQ(http_get(port_, "/api/v1/sessions/x/candles?timeframe=1m", reader).status, 400);
  EXPECT_EQ(http_get(port_, "/api/v1/sessions/1/candles?timeframe=1m", "wrong").status, 401);
}

TEST_F(ApiE2E, IndicatorSeriesOfAFinishedSessionArePerBar) {
  // The sessions have finished: their engines handed their series to the supervisor.
  auto r = http_get(port_, "/api/v1/sessions/1/indicators?timeframe=10s&limit=20", reader);
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = json_of(r);
  EXPECT_STREQ(d["timeframe"].GetString(), "10s");
  ASSERT_EQ(d["series"].Size(), 2u) << r.body;
  EXPECT_STREQ(d["series"][0]["name"].GetString(), "ema_fast");
  EXPECT_STREQ(d["series"][1]["name"].GetString(), "ema_slow");
  const auto& items = d["items"];
  ASSERT_EQ(items.Size(), 20u) << r.body;
  int64_t previous = 0;
  for (const auto& it : items.GetArray()) {
    int64_t t = it["open_time_ms"].GetInt64();
    EXPECT_GT(t, previous);
    EXPECT_EQ(t % 10000, 0);
    previous = t;
    ASSERT_EQ(it["values"].Size(), 2u);
    for (const auto& v : it["values"].GetArray()) // warmed up before the last 20 bars (of 50)
      EXPECT_TRUE(v.IsDouble() && v.GetDouble() > 10000 && v.GetDouble() < 200000) << r.body;
  }
  // Each bar's values are those the rules saw: the decision log's inputs at that bar agree.
  auto dec = json_of(http_get(port_, "/api/v1/sessions/1/decisions?limit=1000", admin));
  auto all = json_of(http_get(port_, "/api/v1/sessions/1/indicators?timeframe=10s&limit=1000", reader));
  int checked = 0;
  for (const auto& row : dec["items"].GetArray()) {
    std::smatch m;
    std::string inputs = row["inputs"].GetString();
    if (!std::regex_search(inputs, m, std::regex(R"(ema_fast=([0-9.]+))")))
      continue;
    double logged = std::stod(m[1]);
    int64_t ts = row["ts_event_ms"].GetInt64();
    for (const auto& it : all["items"].GetArray()) {
      int64_t open = it["open_time_ms"].GetInt64();
      if (open + 10000 <= ts && ts < open + 20000 && it["values"][0].IsDouble()) {
        EXPECT_NEAR(it["values"][0].GetDouble(), logged, std::abs(logged) * 1e-6) << inputs;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 0) << "no decision matched a bar";
  auto rsi = json_of(http_get(port_, "/api/v1/sessions/2/indicators?timeframe=5s", reader));
  ASSERT_TRUE(rsi.IsObject() && rsi.HasMember("series"));
  EXPECT_STREQ(rsi["series"][0]["name"].GetString(), "rsi");
  EXPECT_STREQ(rsi["timeframe"].GetString(), "5s");
  EXPECT_EQ(error_code_of(http_get(port_, "/api/v1/sessions/99/indicators?timeframe=10s", reader)), "unknown_session");
  for (auto bad : {"timeframe=7q", "timeframe=1m", "", "timeframe=10s&limit=0", "timeframe=10s&limit=1001",
                   "timeframe=10s&limit=x", "timeframe=10s&side=buy"}) {
    auto b = http_get(port_, std::string("/api/v1/sessions/1/indicators?") + bad, reader);
    EXPECT_EQ(b.status, 400) << bad << " " << b.body;
  }
  EXPECT_EQ(http_get(port_, "/api/v1/sessions/x/indicators?timeframe=10s", reader).status, 400);
  EXPECT_EQ(http_get(port_, "/api/v1/sessions/1/indicators?timeframe=10s", "wrong").status, 401);
}

TEST_F(ApiE2E, PositionsAndMetricsComeFromTheSessionRow) {
  auto s = json_of(http_get(port_, "/api/v1/sessions/1", admin));
  auto m = json_of(http_get(port_, "/api/v1/sessions/1/metrics", admin));
  EXPECT_STREQ(m["equity"].GetString(), s["equity"].GetString());
  EXPECT_STREQ(m["fees"].GetString(), s["fees"].GetString());
  EXPECT_TRUE(is_decimal8(m["return"].GetString()));
  EXPECT_TRUE(is_decimal8(m["max_drawdown"].GetString()));
  EXPECT_GT(m["equity_points"].GetInt64(), 0);
  auto p = http_get(port_, "/api/v1/sessions/1/positions", admin);
  ASSERT_EQ(p.status, 200);
  EXPECT_TRUE(json_of(p)["items"].IsArray());
}

TEST_F(ApiE2E, PerformanceMetricsAgreeWithTheFills) {
  auto r = http_get(port_, "/api/v1/sessions/1/metrics", admin);
  ASSERT_EQ(r.status, 200) << r.body;
  auto m = json_of(r);
  ASSERT_TRUE(m["performance"].IsObject()) << r.body;
  const auto& p = m["performance"];
  EXPECT_STREQ(p["fees"].GetString(), m["fees"].GetString());
  EXPECT_STREQ(p["final_equity"].GetString(), m["equity"].GetString());
  EXPECT_STREQ(p["realized_pnl"].GetString(), m["realized_pnl"].GetString());
  EXPECT_EQ(p["period_ms"].GetInt64(), 60'000);
  EXPECT_DOUBLE_EQ(p["periods_per_year"].GetDouble(), 525'600.0);
  // Round trips, wins and gross profit/loss recomputed from GET /fills.
  auto fills = json_of(http_get(port_, "/api/v1/sessions/1/fills?limit=1000", admin));
  int64_t pos = 0, trip = 0, trips = 0, wins = 0, gross_win = 0, gross_loss = 0, fees = 0;
  for (auto& f : fills["items"].GetArray()) {
    int64_t value = mul_div_half_even(decimal_raw(str(f, "price")), decimal_raw(str(f, "qty")), 100'000'000);
    int64_t fee = decimal_raw(str(f, "fee"));
    bool buy = str(f, "side") == "buy";
    trip += (buy ? -value : value) - fee;
    fees += fee;
    pos += buy ? decimal_raw(str(f, "qty")) : -decimal_raw(str(f, "qty"));
    if (pos == 0) {
      ++trips;
      (trip > 0 ? gross_win : gross_loss) += trip > 0 ? trip : -trip;
      wins += trip > 0 ? 1 : 0;
      trip = 0;
    }
  }
  ASSERT_GE(trips, 1);
  EXPECT_EQ(p["round_trips"].GetInt64(), trips);
  EXPECT_EQ(p["wins"].GetInt64(), wins);
  EXPECT_EQ(decimal_raw(str(p, "gross_profit")), gross_win);
  EXPECT_EQ(decimal_raw(str(p, "gross_loss")), gross_loss);
  EXPECT_EQ(decimal_raw(str(p, "fees")), fees);
  EXPECT_EQ(p["fills"].GetInt64(), static_cast<int64_t>(fills["items"].Size()));
  ASSERT_TRUE(p["win_rate"].IsNumber());
  EXPECT_DOUBLE_EQ(p["win_rate"].GetDouble(), static_cast<double>(wins) / static_cast<double>(trips));
  if (gross_loss > 0) {
    EXPECT_NEAR(p["profit_factor"].GetDouble(), static_cast<double>(gross_win) / static_cast<double>(gross_loss), 1e-12);
  } else {
    EXPECT_TRUE(p["profit_factor"].IsNull());
  }
  ASSERT_TRUE(p["exposure"].IsNumber());
  EXPECT_GE(p["exposure"].GetDouble(), 0.0);
  EXPECT_LE(p["exposure"].GetDouble(), 1.0);
  EXPECT_TRUE(is_decimal8(p["slippage_cost"].GetString()));
  // A finer return period: 1 s → 365 · 86400 periods a year; bad periods are refused.
  auto fine = json_of(http_get(port_, "/api/v1/sessions/1/metrics?period_ms=1000", admin));
  EXPECT_DOUBLE_EQ(fine["performance"]["periods_per_year"].GetDouble(), 31'536'000.0);
  EXPECT_GT(fine["performance"]["returns"].GetInt64(), p["returns"].GetInt64());
  for (auto bad : {"?period_ms=10", "?period_ms=abc", "?period_ms=0", "?period=1000"})
    EXPECT_EQ(http_get(port_, std::string("/api/v1/sessions/1/metrics") + bad, admin).status, 400) << bad;
}

TEST_F(ApiE2E, MarketStatsOfTheBroadcaster) {
  auto r = http_get(port_, "/api/v1/market/BTCUSDT", admin);
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = json_of(r);
  EXPECT_EQ(d["events"].GetInt64(), 99571);
  EXPECT_TRUE(d["live_feed"].IsNull()); // a replay, not the live connector
  EXPECT_EQ(http_get(port_, "/api/v1/market/btcusdt", admin).status, 200);
  EXPECT_EQ(http_get(port_, "/api/v1/market/ETHUSDT", admin).status, 404);
}

TEST_F(ApiE2E, StrategiesAreListedAndValidated) {
  auto list = json_of(http_get(port_, "/api/v1/strategies", reader));
  ASSERT_EQ(list["items"].Size(), 3u);
  EXPECT_STREQ(list["items"][0]["file"].GetString(), "broken.yaml");
  EXPECT_TRUE(list["items"][0].HasMember("error"));
  EXPECT_STREQ(list["items"][1]["timeframe"].GetString(), "10s");
  auto yaml = slurp(dir_ + "/strategies/ema_crossover_10s.yaml");
  auto ok = json_of(post("/api/v1/strategies/validate", yaml, admin, "application/yaml"));
  EXPECT_TRUE(ok["valid"].GetBool());
  EXPECT_STREQ(ok["strategy"]["name"].GetString(), "ema-crossover-10s");
  auto bad = json_of(post("/api/v1/strategies/validate", "name: x\ntimeframe: 7q\n", reader, "text/plain"));
  EXPECT_FALSE(bad["valid"].GetBool());
  ASSERT_GE(bad["problems"].Size(), 1u);
  EXPECT_GT(bad["problems"][0]["line"].GetInt(), 0);
  EXPECT_GT(bad["problems"][0]["column"].GetInt(), 0);
  auto wrapped = json_of(post("/api/v1/strategies/validate", "{\"yaml\": \"name: x\\nentry: close >\\n\"}", admin));
  EXPECT_FALSE(wrapped["valid"].GetBool());
  for (auto body : {"{\"yaml\": ", "[1,2]", "{\"yaml\": 3}", "{\"yaml\": \"a\", \"extra\": 1}", "{}", "\xff\xfe"}) {
    auto r = post("/api/v1/strategies/validate", body, admin);
    EXPECT_EQ(r.status, 400) << body << " " << r.body;
  }
  EXPECT_EQ(post("/api/v1/strategies/validate", "", admin, "application/yaml").status, 400);
}

TEST_F(ApiE2E, PrometheusMetrics) {
  auto r = http_get(port_, "/api/v1/metrics", admin);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), "text/plain; version=0.0.4");
  EXPECT_NE(r.body.find("papertrader_sessions{status=\"finished\"} 2\n"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("papertrader_market_events_total 99571\n"), std::string::npos);
  EXPECT_NE(r.body.find("papertrader_fills_total "), std::string::npos);
  EXPECT_NE(r.body.find("papertrader_http_requests_total{method=\"GET\",route=\"/sessions\",status=\"200\"}"),
            std::string::npos);
  EXPECT_NE(r.body.find("papertrader_http_request_duration_seconds_count "), std::string::npos);
}

TEST_F(ApiE2E, OpenApiDocumentIsValid) {
  auto r = http_get(port_, "/api/v1/openapi.json", reader);
  ASSERT_EQ(r.status, 200);
  auto file = dir_ + "/openapi.json";
  std::ofstream(file) << r.body;
  auto script = source_file("tests/openapi/validate_openapi.mjs");
  ASSERT_TRUE(fs::exists(source_file("tests/openapi/node_modules/@apidevtools/swagger-parser")))
    << "run: npm ci --prefix tests/openapi";
  auto check = run_command("node " + script + " " + file, dir_);
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_NE(check.out.find("valid: 21 paths"), std::string::npos) << check.out;
  EXPECT_NE(r.body.find("\"/sessions/{id}/indicators\""), std::string::npos);
  EXPECT_NE(r.body.find("\"/sessions/{id}/equity/ohlc\""), std::string::npos);
}

TEST_F(ApiE2E, SessionCommandsReachTheSupervisor) {
  // The recording has ended: the configured sessions are finished and take no command.
  auto finished = post("/api/v1/sessions/1/pause", "", admin);
  EXPECT_EQ(finished.status, 409) << finished.body;
  EXPECT_EQ(error_code_of(finished), "invalid_transition");
  auto unknown = post("/api/v1/sessions/999/resume", "", admin);
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_EQ(error_code_of(unknown), "unknown_session");
  EXPECT_EQ(post("/api/v1/sessions/x/stop", "", admin).status, 400);
  EXPECT_EQ(post("/api/v1/sessions/1/stop", "{\"flatten\": 1}", admin).status, 400);
  EXPECT_EQ(post("/api/v1/sessions/1/stop", "{\"flat\": true}", admin).status, 400);
  EXPECT_EQ(post("/api/v1/sessions/1/pause", "", reader).status, 403);

  // Bad creations: every problem said, nothing created.
  auto none = post("/api/v1/sessions", "{}", admin);
  EXPECT_EQ(none.status, 400);
  auto missing = post("/api/v1/sessions", "{\"strategy\": \"nope\"}", admin);
  EXPECT_EQ(missing.status, 400);
  EXPECT_NE(missing.body.find("no strategy 'nope'"), std::string::npos) << missing.body;
  auto escape = post("/api/v1/sessions", "{\"strategy\": \"../papertrader.yaml\"}", admin);
  EXPECT_EQ(escape.status, 400) << escape.body;
  auto broken = post("/api/v1/sessions", "{\"yaml\": \"name: x\\ntimeframe: 7q\\n\"}", admin);
  EXPECT_EQ(broken.status, 400);
  auto problems = json_of(broken);
  ASSERT_TRUE(problems.IsObject()) << broken.body;
  ASSERT_TRUE(problems["error"]["problems"].IsArray()) << broken.body;
  EXPECT_GT(problems["error"]["problems"].Size(), 0u);
  EXPECT_EQ(post("/api/v1/sessions", "{\"strategy\": \"ema_crossover_10s\", \"initial_cash\": 5}", admin).status,
            400); // a number, not a decimal string

  // A new session by strategy name: created running, then paused, resumed and stopped.
  auto created = post("/api/v1/sessions",
                      "{\"strategy\": \"ema_crossover_10s\", \"name\": \"added\", \"initial_cash\": \"2500\"}", admin);
  ASSERT_EQ(created.status, 201) << created.body;
  auto c = json_of(created);
  int64_t id = c["id"].GetInt64();
  EXPECT_GT(id, 2);
  EXPECT_EQ(std::string(c["status"].GetString()), "running");
  EXPECT_EQ(std::string(c["name"].GetString()), "added");
  EXPECT_EQ(std::string(c["initial_cash"].GetString()), "2500.00000000");
  auto base = "/api/v1/sessions/" + std::to_string(id);
  auto paused = post(base + "/pause", "", admin);
  ASSERT_EQ(paused.status, 200) << paused.body;
  EXPECT_EQ(std::string(json_of(paused)["status"].GetString()), "paused");
  EXPECT_EQ(post(base + "/pause", "", admin).status, 409);
  auto resumed = post(base + "/resume", "", admin);
  ASSERT_EQ(resumed.status, 200) << resumed.body;
  EXPECT_EQ(std::string(json_of(resumed)["status"].GetString()), "running");
  auto stopped = post(base + "/stop", "{\"flatten\": true}", admin);
  ASSERT_EQ(stopped.status, 200) << stopped.body;
  EXPECT_EQ(std::string(json_of(stopped)["status"].GetString()), "stopped");
  EXPECT_EQ(post(base + "/resume", "", admin).status, 409);
  // The history keeps it, as stopped, once the persister has committed (bounded wait).
  std::string status;
  EXPECT_TRUE(eventually(
    [&] {
      auto r = http_get(port_, base, admin);
      return r.status == 200 && (status = json_of(r)["status"].GetString()) == "stopped";
    },
    std::chrono::seconds(10), std::chrono::milliseconds(50)))
    << status;
}

TEST_F(ApiE2E, FillSettingsAreValidatedAndShown) {
  // A bad `fill` field or profile: 400 naming the field, nothing created.
  for (auto [body, field] : {std::pair{R"({"strategy": "ema_crossover_10s", "fill": {"queue_factor_pct": -1}})",
                                       "fill.queue_factor_pct"},
                             {R"({"strategy": "ema_crossover_10s", "fill": {"submit_latency_ms": [80, 20]}})",
                              "fill.submit_latency_ms"},
                             {R"({"strategy": "ema_crossover_10s", "fill": {"walk_book": "yes"}})", "fill.walk_book"},
                             {R"({"strategy": "ema_crossover_10s", "fill": {"latency": 5}})", "fill.latency"},
                             {R"({"strategy": "ema_crossover_10s", "fill_profile": "lucky"})", "fill_profile"}}) {
    auto r = post("/api/v1/sessions", body, admin);
    EXPECT_EQ(r.status, 400) << body << " → " << r.body;
    auto doc = json_of(r);
    ASSERT_TRUE(doc.IsObject() && doc.HasMember("error")) << r.body;
    EXPECT_EQ(error_code_of(r), "invalid_field") << r.body;
    EXPECT_EQ(std::string(doc["error"]["field"].GetString()), field) << r.body;
    EXPECT_NE(std::string(doc["error"]["message"].GetString()).find(field), std::string::npos) << r.body;
  }
  EXPECT_EQ(post("/api/v1/sessions", R"({"strategy": "ema_crossover_10s", "fill": [1]})", admin).status, 400);

  // A config session shows its (default) profile and every effective parameter.
  auto one = json_of(http_get(port_, "/api/v1/sessions/1", admin));
  ASSERT_TRUE(one.HasMember("fill_profile")) << "no fill_profile";
  EXPECT_EQ(std::string(one["fill_profile"].GetString()), "realistic");
  EXPECT_EQ(one["fill_overrides"].MemberCount(), 0u);
  EXPECT_EQ(std::string(one["fill"]["taker_fee_bps"].GetString()), "10.00000000");
  EXPECT_EQ(one["fill"]["submit_latency_ms"][0].GetInt64(), 20); // the realistic profile's
  EXPECT_EQ(one["fill"]["submit_latency_ms"][1].GetInt64(), 80);

  // Created with a profile and overrides: shown as set and as applied.
  auto created = post("/api/v1/sessions",
                      R"({"strategy": "ema_crossover_10s", "name": "filled", "fill_profile": "optimistic",
                          "slippage_bps": "1.5",
                          "fill": {"half_spread_bps": "0.5", "walk_book": false, "queue_factor_pct": 150,
                                   "trade_share_pct": 40, "submit_latency_ms": [5, 9], "cancel_latency_ms": 7,
                                   "seed": 42}})",
                      admin);
  ASSERT_EQ(created.status, 201) << created.body;
  auto base = "/api/v1/sessions/" + std::to_string(json_of(created)["id"].GetInt64());
  auto got = http_get(port_, base, admin);
  ASSERT_EQ(got.status, 200) << got.body;
  auto s = json_of(got);
  EXPECT_EQ(std::string(s["fill_profile"].GetString()), "optimistic") << got.body;
  const auto& o = s["fill_overrides"];
  EXPECT_EQ(std::string(o["half_spread_bps"].GetString()), "0.50000000") << got.body;
  EXPECT_FALSE(o["walk_book"].GetBool());
  EXPECT_EQ(o["queue_factor_pct"].GetInt64(), 150);
  EXPECT_FALSE(o.HasMember("fill_on_touch")); // not set
  const auto& f = s["fill"];
  EXPECT_EQ(std::string(f["half_spread_bps"].GetString()), "0.50000000");
  EXPECT_FALSE(f["walk_book"].GetBool());
  EXPECT_TRUE(f["fill_on_touch"].GetBool()); // the optimistic profile's, not overridden
  EXPECT_EQ(f["trade_share_pct"].GetInt64(), 40);
  EXPECT_EQ(f["submit_latency_ms"][0].GetInt64(), 5);
  EXPECT_EQ(f["submit_latency_ms"][1].GetInt64(), 9);
  EXPECT_EQ(f["ack_latency_ms"][1].GetInt64(), 0); // optimistic: none
  EXPECT_EQ(f["cancel_latency_ms"][0].GetInt64(), 7);
  EXPECT_EQ(f["cancel_latency_ms"][1].GetInt64(), 7);
  EXPECT_EQ(f["seed"].GetUint64(), 42u);
  EXPECT_EQ(std::string(f["slippage_bps"].GetString()), "1.50000000"); // optimistic adds none
  EXPECT_EQ(post(base + "/stop", "", admin).status, 200);
}

TEST_F(ApiE2E, ParallelClientsAllGetAnswers) {
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 16; ++i)
    threads.emplace_back([&] {
      for (int j = 0; j < 5; ++j)
        if (http_get(port_, "/api/v1/sessions/1/fills", reader).status == 200)
          ++ok;
    });
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(ok.load(), 80);
}

} // namespace
} // namespace pt::test

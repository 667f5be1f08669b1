// A session created over the API mid-replay comes back after kill -9 with the same id, joining
// the re-fed replay where it first joined it (docs/operations.md, "Restore").

#include <chrono>
#include <csignal>
#include <fstream>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "store/sqlite.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

namespace pt::test {
namespace {

using namespace std::chrono_literals;

const char* token = "restore-token-1234";

int64_t count(const std::string& db_path, const std::string& query) {
  sql::database db(db_path, true);
  sql::statement st(db, query);
  return st.step() ? st.column_int(0) : -1;
}

TEST(ApiRestoreE2E, ASessionCreatedOverTheApiComesBackAfterKill9WhereItJoined) {
  auto dir = make_temp_dir("api-restore");
  std::string config = dir + "/papertrader.yaml";
  std::ofstream(config) << "database: " << dir << "/pt.db\n"
                        << "feed:\n  replay: "
                        << shared_data("streams/binance-spot-BTCUSDT-2024-08-08T2354Z_2024-08-09T0005Z.txt.gz")
                        << "\n  speed: 20\n"
                        << "api: {tokens: [{token: " << token << ", role: admin}]}\n"
                        << "sessions:\n  - {name: ema, strategy: "
                        << source_file("config/strategies/ema_crossover_10s.yaml") << "}\n";
  std::string db = dir + "/pt.db";
  {
    child_process p({binary(), "run", "--listen", "127.0.0.1:0", "--config", config});
    ASSERT_TRUE(p.wait_for_output("first evaluation", 30s)) << p.output();
    std::smatch m;
    const std::string out = p.output();
    ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(api listening on 127\.0\.0\.1:(\d+))"))) << out;
    auto port = static_cast<uint16_t>(std::stoi(m[1]));
    std::ifstream in(source_file("config/strategies/ema_crossover_10s.yaml"));
    std::stringstream yaml;
    yaml << in.rdbuf();
    rapidjson::StringBuffer body;
    rapidjson::Writer<rapidjson::StringBuffer> w(body);
    w.StartObject();
    w.Key("name");
    w.String("api1");
    w.Key("yaml");
    w.String(yaml.str().c_str());
    w.Key("restart");
    w.StartObject();
    w.Key("max_restarts");
    w.Int(2);
    w.EndObject();
    w.EndObject();
    auto created = http_call(port, "POST", "/api/v1/sessions", body.GetString(),
                             {{"Authorization", std::string("Bearer ") + token}, {"Content-Type", "application/json"}});
    ASSERT_EQ(created.status, 201) << created.body;
    EXPECT_NE(created.body.find("\"id\":2"), std::string::npos) << created.body;
    // A bad restart policy is refused.
    auto bad = http_call(port, "POST", "/api/v1/sessions", R"({"strategy": "x", "restart": {"max_restarts": -1}})",
                         {{"Authorization", std::string("Bearer ") + token}, {"Content-Type", "application/json"}});
    EXPECT_EQ(bad.status, 400) << bad.body;
    // Killed once the created session's feed position is committed (it has one to come back to).
    ASSERT_TRUE(eventually([&] { return count(db, "SELECT feed_events FROM sessions WHERE session_id = 2") > 0; }, 30s,
                           50ms));
    p.signal(SIGKILL);
    p.wait_exit(10s);
  }
  int64_t joined = count(db, "SELECT feed_start_events FROM sessions WHERE session_id = 2");
  EXPECT_GT(joined, 0);
  child_process again({binary(), "run", "--listen", "", "--speed", "max", "--exit-at-end", "--config", config});
  EXPECT_EQ(again.wait_exit(60s), 0) << again.output();
  EXPECT_NE(again.output().find("session 2 (api1) restored:"), std::string::npos) << again.output();
  EXPECT_EQ(again.output().find("difference"), std::string::npos) << again.output();
  // Same id and row, and it saw exactly the events from where it joined to the end.
  EXPECT_EQ(count(db, "SELECT COUNT(*) FROM sessions"), 2);
  EXPECT_EQ(count(db, "SELECT COUNT(*) FROM sessions WHERE status = 'finished'"), 2);
  EXPECT_EQ(count(db, "SELECT feed_start_events FROM sessions WHERE session_id = 2"), joined);
  EXPECT_EQ(count(db, "SELECT feed_events FROM sessions WHERE session_id = 2") + joined,
            count(db, "SELECT feed_events FROM sessions WHERE session_id = 1"));
  EXPECT_EQ(count(db, "SELECT COUNT(*) FROM fills WHERE session_id = 2"),
            count(db, "SELECT COUNT(DISTINCT fill_id) FROM fills WHERE session_id = 2"));
  EXPECT_EQ(count(db, "SELECT restart_max FROM sessions WHERE session_id = 2"), 2);
}

} // namespace
} // namespace pt::test

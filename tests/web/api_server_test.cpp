// The API server in-process, on an empty database and a broadcaster with no data: the
// cross-cutting behaviour (auth, rate limit, body limit, CORS, errors) on a real socket.

#include <memory>
#include <string>

#include <caf/all.hpp>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "actors/market_data_broadcaster.hpp"
#include "actors/messages.hpp"
#include "store/migrations.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "web/api/server.hpp"

namespace pt::test {
namespace {

std::string error_code_of(const http_result& r) {
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("error") || !d["error"].HasMember("code"))
    return "<not an error document: " + r.body + ">";
  return d["error"]["code"].GetString();
}

class ApiServer : public testing::Test {
protected:
  void start(api_options o) {
    auto dir = make_temp_dir("api-server");
    o.database = dir + "/pt.db";
    open_database(o.database); // migrated and empty
    o.host = "127.0.0.1";
    o.port = 0;
    if (o.tokens.empty())
      o.tokens = {{"admin-token-1", "admin"}, {"read-token-1", "read"}};
    server_ = std::make_unique<api_server>(o, api_services{}, system_, broadcaster_);
    server_->start();
    port_ = server_->port();
  }
  void TearDown() override {
    if (server_)
      server_->stop();
    caf::anon_send_exit(broadcaster_, caf::exit_reason::user_shutdown);
  }

  static caf::actor_system_config& prepared(caf::actor_system_config& c) {
    register_message_types(c);
    return c;
  }

  caf::actor_system_config cfg_;
  caf::actor_system system_{prepared(cfg_)};
  broadcaster_actor broadcaster_ = system_.spawn(market_data_broadcaster);
  std::unique_ptr<api_server> server_;
  uint16_t port_ = 0;
};

TEST_F(ApiServer, HealthNeedsNoTokenAndEverythingElseDoes) {
  start({});
  auto h = http_get(port_, "/api/v1/health", "");
  EXPECT_EQ(h.status, 200) << h.error;
  EXPECT_NE(h.body.find("\"status\":\"ok\""), std::string::npos);
  auto none = http_get(port_, "/api/v1/sessions", "");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.header("www-authenticate"), "Bearer");
  EXPECT_EQ(error_code_of(none), "unauthorized");
  EXPECT_EQ(http_get(port_, "/api/v1/sessions", "wrong-token").status, 401);
  EXPECT_EQ(http_get(port_, "/api/v1/sessions", "read-token-1").status, 200);
}

TEST_F(ApiServer, UnknownPathsAre404AndWrongMethods405) {
  start({});
  auto r = http_get(port_, "/api/v1/nope", "admin-token-1");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(error_code_of(r), "not_found");
  EXPECT_EQ(http_get(port_, "/elsewhere", "admin-token-1").status, 404);
  auto m = http_call(port_, "DELETE", "/api/v1/sessions/1", "", {{"Authorization", "Bearer admin-token-1"}});
  EXPECT_EQ(m.status, 405);
  EXPECT_EQ(m.header("allow"), "GET");
  EXPECT_EQ(error_code_of(m), "method_not_allowed");
}

TEST_F(ApiServer, ReadTokensCannotCommand) {
  start({});
  auto r = http_call(port_, "POST", "/api/v1/sessions/1/pause", "{}", {{"Authorization", "Bearer read-token-1"}});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(error_code_of(r), "forbidden");
  auto a = http_call(port_, "POST", "/api/v1/sessions/1/pause", "{}", {{"Authorization", "Bearer admin-token-1"}});
  EXPECT_EQ(a.status, 503); // allowed, but this server has no supervisor to command
  EXPECT_EQ(error_code_of(a), "unavailable");
}

TEST_F(ApiServer, RateLimitAnswers429WithRetryAfter) {
  api_options o;
  o.rate_per_s = 0.5;
  o.burst = 3;
  start(o);
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(http_get(port_, "/api/v1/sessions", "admin-token-1").status, 200) << i;
  auto r = http_get(port_, "/api/v1/sessions", "admin-token-1");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(error_code_of(r), "rate_limited");
  EXPECT_GE(std::stoi(r.header("retry-after")), 1);
  EXPECT_EQ(http_get(port_, "/api/v1/sessions", "read-token-1").status, 200); // its own bucket
  EXPECT_EQ(http_get(port_, "/api/v1/health", "").status, 200);
}

TEST_F(ApiServer, HugeBodiesAre413) {
  api_options o;
  o.body_limit_bytes = 1 << 20;
  start(o);
  std::string big(2 << 20, 'x');
  auto r = http_call(port_, "POST", "/api/v1/strategies/validate", big, {{"Authorization", "Bearer admin-token-1"}});
  EXPECT_EQ(r.status, 413) << r.error;
  EXPECT_EQ(error_code_of(r), "body_too_large");
  EXPECT_EQ(http_get(port_, "/api/v1/health", "").status, 200); // still serving
}

TEST_F(ApiServer, CorsAllowsConfiguredOriginsOnly) {
  api_options o;
  o.cors_origins = {"http://localhost:3000"};
  start(o);
  auto pre = http_call(port_, "OPTIONS", "/api/v1/sessions", "",
                       {{"Origin", "http://localhost:3000"}, {"Access-Control-Request-Method", "GET"}});
  EXPECT_EQ(pre.status, 204);
  EXPECT_EQ(pre.header("access-control-allow-origin"), "http://localhost:3000");
  EXPECT_NE(pre.header("access-control-allow-headers").find("Authorization"), std::string::npos);
  auto ok = http_call(port_, "GET", "/api/v1/health", "", {{"Origin", "http://localhost:3000"}});
  EXPECT_EQ(ok.header("access-control-allow-origin"), "http://localhost:3000");
  auto other = http_call(port_, "GET", "/api/v1/health", "", {{"Origin", "http://evil.example"}});
  EXPECT_EQ(other.header("access-control-allow-origin"), "");
}

TEST_F(ApiServer, MalformedRequestsGet400AndTheServerLives) {
  start({});
  for (std::string bytes : {"GARBAGE\r\n\r\n", "GET /api/v1/health HTTP/9\r\n\r\n",
                            "GET nohost HTTP/1.1\r\nHost: x\r\n\r\n",
                            "POST /api/v1/strategies/validate HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
                            "GET /api/v1/sessions?limit=%zz HTTP/1.1\r\nHost: x\r\n\r\n"}) {
    auto r = http_raw(port_, bytes);
    EXPECT_EQ(r.status, 400) << bytes << " " << r.error;
  }
  EXPECT_EQ(http_get(port_, "/api/v1/health", "").status, 200);
}

TEST_F(ApiServer, UnknownSymbolIs404AndEmptyDatabaseHasNoSessions) {
  start({});
  auto m = http_get(port_, "/api/v1/market/BTCUSDT", "admin-token-1");
  EXPECT_EQ(m.status, 404) << m.body;
  EXPECT_EQ(error_code_of(m), "unknown_symbol");
  auto s = http_get(port_, "/api/v1/sessions", "admin-token-1");
  EXPECT_EQ(s.status, 200);
  EXPECT_NE(s.body.find("\"total\":0"), std::string::npos) << s.body;
  auto strategies = http_get(port_, "/api/v1/strategies", "admin-token-1");
  EXPECT_EQ(strategies.status, 503); // no strategy service injected
}

} // namespace
} // namespace pt::test

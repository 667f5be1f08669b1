// Hostile input on a real socket: no JSON body up to the body limit crashes or hangs a route, text
// that is not UTF-8 is refused and never echoed, a session's symbol must be a symbol, and HEAD
// answers keep a kept-alive connection's framing.

#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "tests/support/api_test_server.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/ws_client.hpp"
#include "web/http/types.hpp"
#include "web/http/utf8.hpp"

namespace pt::test {
namespace {

using namespace std::chrono_literals;

// The answer parsed as a strict client would: valid UTF-8, valid JSON.
rapidjson::Document strict_json(const std::string& text) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseValidateEncodingFlag>(text.c_str(), text.size());
  return d;
}

std::string error_code_of(const http_result& r) {
  auto d = strict_json(r.body);
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("error"))
    return "<not an error document: " + r.body.substr(0, 200) + ">";
  return d["error"]["code"].GetString();
}

http_result post(uint16_t port, const std::string& target, const std::string& body, const std::string& token,
                 const std::string& content_type = "application/json") {
  return http_call(port, "POST", target, body, {{"Authorization", "Bearer " + token}, {"Content-Type", content_type}},
                   30s);
}

class ApiInput : public api_test_base {};

// Each route that parses a JSON body, with a token it accepts.
struct json_route {
  std::string target;
  std::string token;
};
const std::vector<json_route> json_routes{{"/api/v1/strategies/validate", api_reader},
                                          {"/api/v1/sessions", api_admin},
                                          {"/api/v1/sessions/1/stop", api_admin}};

TEST_F(ApiInput, NoJsonBodyUpToTheLimitCrashesAnyRoute) {
  api_options o;
  o.body_limit_bytes = 1 << 20;
  auto port = start_full(o).port();
  const size_t limit = o.body_limit_bytes;
  // Deep nesting of every kind, as long as the body limit allows: each is a 400, never a crash.
  std::vector<std::string> bodies{std::string(limit, '['), std::string(130'000, '['), std::string(limit / 2, '[') + std::string(limit / 2, ']')};
  std::string objects;
  while (objects.size() + 5 <= limit)
    objects += "{\"a\":";
  bodies.push_back(objects);
  std::string mixed = "{\"fill\":";
  while (mixed.size() + 6 <= limit)
    mixed += "[{\"x\":";
  bodies.push_back(mixed);
  for (auto& route : json_routes)
    for (auto& body : bodies) {
      auto r = post(port, route.target, body, route.token);
      EXPECT_EQ(r.status, 400) << route.target << " " << body.size() << " bytes: " << r.error;
      EXPECT_EQ(error_code_of(r), "invalid_json") << route.target;
    }
  // Nesting up to the documented depth is still read (and then refused for what it is).
  std::string ok_depth = "{\"fill\":" + std::string(json_max_depth - 1, '[') + std::string(json_max_depth - 1, ']') + "}";
  EXPECT_EQ(error_code_of(post(port, "/api/v1/sessions", ok_depth, api_admin)), "invalid_type");
  EXPECT_EQ(http_get(port, "/api/v1/health", "").status, 200); // still serving
}

TEST_F(ApiInput, DeepWebSocketMessagesAreRefusedAndTheConnectionLives) {
  auto port = start_full().port();
  ws_client ws;
  ASSERT_TRUE(ws.connect(port, "/api/v1/ws", api_reader)) << ws.error();
  ASSERT_TRUE(ws.read(5s)); // the "connected" status
  ASSERT_TRUE(ws.send("{\"op\":\"subscribe\",\"channels\":" + std::string(60'000, '[')));
  auto reply = ws.read(10s);
  ASSERT_TRUE(reply) << ws.error();
  auto d = strict_json(*reply);
  ASSERT_FALSE(d.HasParseError()) << *reply;
  EXPECT_EQ(std::string(d["error"]["code"].GetString()), "bad_json") << *reply;
  ASSERT_TRUE(ws.send("{\"op\":\"ping\"}"));
  auto pong = ws.read(10s);
  ASSERT_TRUE(pong) << ws.error();
  EXPECT_NE(pong->find("\"pong\""), std::string::npos) << *pong;
}

TEST_F(ApiInput, TextThatIsNotUtf8IsRefusedWith400) {
  auto port = start_full().port();
  for (std::string body : {std::string("{\"strategy\":\"ema\",\"name\":\"a\xff\xfe\"}"),
                           std::string("{\"strategy\":\"ema\",\"name\":\"\\udc00\"}"),
                           std::string("{\"strategy\":\"ema\",\"n\xc3\":1}")}) {
    auto r = post(port, "/api/v1/sessions", body, api_admin);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(error_code_of(r), "invalid_utf8") << body;
  }
  {
    std::lock_guard<std::mutex> lock(log_->mutex);
    EXPECT_TRUE(log_->created.empty()); // nothing was created
  }
  auto yaml = post(port, "/api/v1/strategies/validate", "name: \xff\n", api_reader, "application/yaml");
  EXPECT_EQ(yaml.status, 400);
  EXPECT_EQ(error_code_of(yaml), "invalid_utf8");
  for (std::string target : {"/api/v1/sessions?%FF%FE=1", "/api/v1/sessions?status=%C0%AF", "/api/v1/sessions/%FF",
                             "/api/v1/%ED%A0%80", "/%FF.js"}) {
    auto r = http_get(port, target, api_admin);
    EXPECT_EQ(r.status, 400) << target;
    EXPECT_EQ(error_code_of(r), "invalid_utf8") << target; // a strict parse of the answer: valid UTF-8
  }
}

TEST_F(ApiInput, StoredTextThatIsNotUtf8IsNeverEmitted) {
  // A row stored before input was checked (or by another writer): its answers stay valid JSON.
  auto port = start_full({}, "bad\xff\xfe name").port();
  for (std::string target : {"/api/v1/sessions", "/api/v1/sessions/1"}) {
    auto r = http_get(port, target, api_reader);
    ASSERT_EQ(r.status, 200) << target;
    EXPECT_TRUE(valid_utf8(r.body)) << target;
    auto d = strict_json(r.body);
    ASSERT_FALSE(d.HasParseError()) << target << ": " << r.body;
    EXPECT_NE(r.body.find("bad\xEF\xBF\xBD\xEF\xBF\xBD name"), std::string::npos) << r.body; // U+FFFD for each byte
  }
}

TEST_F(ApiInput, WebSocketErrorsNeverEchoInvalidUtf8) {
  auto port = start_full().port();
  ws_client ws;
  ASSERT_TRUE(ws.connect(port, "/api/v1/ws", api_reader)) << ws.error();
  ASSERT_TRUE(ws.read(5s));
  // Escapes decode to what RapidJSON's own check lets through: a lone surrogate.
  for (std::string message : {std::string(R"({"op":"subscribe","channels":["market:\udc00"]})"),
                              std::string(R"({"op":"\udc00x"})"), std::string(R"({"op":"subscribe","channels":["\u0000\ud800"]})")}) {
    ASSERT_TRUE(ws.send(message));
    auto reply = ws.read(10s);
    ASSERT_TRUE(reply) << message << ": " << ws.error();
    EXPECT_TRUE(valid_utf8(*reply)) << message;
    auto d = strict_json(*reply);
    ASSERT_FALSE(d.HasParseError()) << *reply;
    EXPECT_EQ(std::string(d["type"].GetString()), "error") << *reply;
  }
  ASSERT_TRUE(ws.send(R"({"op":"unsubscribe","channels":["n\u00e9"]})")); // valid UTF-8, unknown channel
  auto reply = ws.read(10s);
  ASSERT_TRUE(reply);
  EXPECT_NE(reply->find("unknown_channel"), std::string::npos) << *reply;
  EXPECT_NE(reply->find("n\xC3\xA9"), std::string::npos) << *reply; // echoed as it was
  EXPECT_TRUE(ws.open());
}

TEST_F(ApiInput, ASessionSymbolMustBeAnExchangeSymbol) {
  auto port = start_full().port();
  for (std::string symbol : {"btcusdt@trade/ethusdt", "../../x y", "BTC", "", "BTCUSDT BTCUSDT", "ÉTHUSDT",
                             "A23456789012345678901"}) {
    auto r = post(port, "/api/v1/sessions", "{\"strategy\":\"ema\",\"symbol\":\"" + symbol + "\"}", api_admin);
    EXPECT_EQ(r.status, 400) << symbol << ": " << r.body;
    EXPECT_EQ(error_code_of(r), "invalid_symbol") << symbol;
    auto d = strict_json(r.body);
    EXPECT_EQ(std::string(d["error"]["field"].GetString()), "symbol") << r.body;
  }
  {
    std::lock_guard<std::mutex> lock(log_->mutex);
    EXPECT_TRUE(log_->created.empty());
  }
  auto ok = post(port, "/api/v1/sessions", R"({"strategy":"ema","symbol":"ethusdt"})", api_admin);
  ASSERT_EQ(ok.status, 201) << ok.body;
  std::lock_guard<std::mutex> lock(log_->mutex);
  ASSERT_EQ(log_->created.size(), 1u);
  EXPECT_EQ(log_->created[0].symbol, "ETHUSDT");
}

TEST_F(ApiInput, ASymbolTheExchangeDoesNotListIsRefused) {
  api_options o;
  o.database = database_with_session();
  auto services = fake_services(supervisor_, log_);
  services.check_symbol = [](const std::string& symbol) -> std::optional<std::string> {
    if (symbol == "BTCUSDT")
      return std::nullopt;
    return "is not listed by the exchange";
  };
  auto port = start(o, services, broadcaster_).port();
  auto r = post(port, "/api/v1/sessions", R"({"strategy":"ema","symbol":"NOPEUSDT"})", api_admin);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(error_code_of(r), "invalid_symbol");
  EXPECT_EQ(post(port, "/api/v1/sessions", R"({"strategy":"ema","symbol":"BTCUSDT"})", api_admin).status, 201);
  EXPECT_EQ(post(port, "/api/v1/sessions", R"({"strategy":"ema"})", api_admin).status, 201); // the strategy's
}

TEST_F(ApiInput, HeadAnswersHaveNoBodyOnAKeptAliveConnection) {
  auto port = start_full().port();
  auto get = http_get(port, "/api/v1/sessions/1", api_reader);
  ASSERT_EQ(get.status, 200);
  const std::string auth = "Authorization: Bearer " + api_reader + "\r\n";
  // Four requests on one connection: HEAD of a resource, HEAD of a POST-only route (405), HEAD of
  // an unknown path (404), then a GET that closes. Each answer must start where the last ended.
  auto raw = http_raw_stream(port, "HEAD /api/v1/sessions/1 HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n" +
                              "HEAD /api/v1/sessions/1/pause HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n" +
                              "HEAD /api/v1/nope HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n" +
                              "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  std::vector<std::string> heads;
  size_t at = 0;
  for (int i = 0; i < 3; ++i) {
    auto end = raw.find("\r\n\r\n", at);
    ASSERT_NE(end, std::string::npos) << raw;
    heads.push_back(raw.substr(at, end + 4 - at));
    at = end + 4;
  }
  EXPECT_EQ(heads[0].rfind("HTTP/1.1 200", 0), 0u) << heads[0];
  EXPECT_NE(heads[0].find("Content-Length: " + std::to_string(get.body.size())), std::string::npos) << heads[0];
  EXPECT_EQ(heads[1].rfind("HTTP/1.1 405", 0), 0u) << heads[1];
  EXPECT_EQ(heads[2].rfind("HTTP/1.1 404", 0), 0u) << heads[2];
  auto last = raw.substr(at);
  EXPECT_EQ(last.rfind("HTTP/1.1 200", 0), 0u) << "a HEAD answer carried a body: " << last;
  EXPECT_NE(last.find("\"status\":\"ok\""), std::string::npos) << last;
}

} // namespace
} // namespace pt::test

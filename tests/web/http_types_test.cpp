// Unit tests of the API's Beast-free parts: targets and query parameters, listen addresses,
// tokens and the rate limit, the token file, metrics text and the OpenAPI route list.

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <sys/stat.h>

#include "app/api_wiring.hpp"
#include "tests/support/process.hpp"
#include "web/api/auth.hpp"
#include "web/api/metrics.hpp"
#include "web/api/router.hpp"
#include "web/http/types.hpp"
#include "web/http/utf8.hpp"
#include "web/api/ws_command.hpp"

namespace pt {
namespace {

TEST(ApiTarget, SplitsAndDecodesPathAndQuery) {
  auto r = parse_target("/api/v1/sessions?status=fin%69shed&limit=5&x=a+b");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->path, "/api/v1/sessions");
  EXPECT_EQ(r->query.at("status"), "finished");
  EXPECT_EQ(r->query.at("limit"), "5");
  EXPECT_EQ(r->query.at("x"), "a b");
  EXPECT_FALSE(r->duplicate_query);
}

TEST(ApiTarget, RejectsBadEscapesAndRelativeTargets) {
  EXPECT_FALSE(parse_target("/a%2"));
  EXPECT_FALSE(parse_target("/a?b=%zz"));
  EXPECT_FALSE(parse_target("a/b"));
  EXPECT_FALSE(parse_target(""));
  EXPECT_TRUE(parse_target("/a?b=1&b=2")->duplicate_query);
}

TEST(ApiTarget, QueryIntChecksRangeAndSyntax) {
  auto r = *parse_target("/x?limit=10&bad=1x&neg=-1&huge=99999999999999999999");
  bool ok = true;
  EXPECT_EQ(query_int(r, "limit", 1, 1000, ok), 10);
  EXPECT_FALSE(query_int(r, "absent", 1, 1000, ok));
  EXPECT_TRUE(ok);
  query_int(r, "bad", 0, 10, ok);
  EXPECT_FALSE(ok);
  ok = true;
  query_int(r, "neg", 0, 10, ok);
  EXPECT_FALSE(ok);
  ok = true;
  query_int(r, "huge", 0, INT64_MAX, ok);
  EXPECT_FALSE(ok);
}

TEST(ApiTarget, UnknownParametersAreA400) {
  auto r = *parse_target("/x?limit=1&colour=red");
  auto bad = reject_unknown_params(r, {"limit"});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("colour"), std::string::npos);
  EXPECT_FALSE(reject_unknown_params(*parse_target("/x?limit=1"), {"limit"}));
}

TEST(ApiListen, ParsesHostAndPort) {
  EXPECT_EQ(parse_listen_address("127.0.0.1:8080"), std::make_pair(std::string("127.0.0.1"), uint16_t{8080}));
  EXPECT_EQ(parse_listen_address("[::1]:0"), std::make_pair(std::string("::1"), uint16_t{0}));
  EXPECT_FALSE(parse_listen_address("127.0.0.1"));
  EXPECT_FALSE(parse_listen_address("127.0.0.1:70000"));
  EXPECT_FALSE(parse_listen_address(":80"));
  EXPECT_FALSE(parse_listen_address("host:8x"));
}

TEST(ApiAuth, KnowsRolesOfBearerTokens) {
  api_auth auth({{"admin-token", "admin"}, {"read-token", "read"}}, 10, 10);
  EXPECT_EQ(auth.role_of("Bearer admin-token"), api_role::admin);
  EXPECT_EQ(auth.role_of("Bearer read-token"), api_role::read);
  EXPECT_EQ(auth.role_of("Bearer wrong"), api_role::none);
  EXPECT_EQ(auth.role_of("admin-token"), api_role::none);
  EXPECT_EQ(auth.role_of("Basic admin-token"), api_role::none);
  EXPECT_EQ(auth.role_of(""), api_role::none);
}

TEST(ApiAuth, TokenBucketAllowsABurstThenAsksToWait) {
  api_auth auth({{"t", "admin"}}, 1, 3);
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(auth.take("Bearer t"), 0) << i;
  EXPECT_GE(auth.take("Bearer t"), 1);
  EXPECT_EQ(auth.take("Bearer other"), 0); // buckets are per token
}

TEST(ApiAuth, TokenFileIsCreatedPrivateAndReused) {
  auto dir = test::make_temp_dir("api-token");
  auto path = dir + "/pt.db.token";
  auto first = load_or_create_token_file(path);
  EXPECT_EQ(first.size(), 64u);
  struct stat st{};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  EXPECT_EQ(load_or_create_token_file(path), first);
}

// A fresh clone has no data/ folder: the token file beside the database creates it.
TEST(ApiAuth, TokenFileCreatesItsMissingFolder) {
  auto dir = test::make_temp_dir("api-token-dir");
  auto path = dir + "/data/nested/pt.db.token";
  auto token = load_or_create_token_file(path);
  EXPECT_EQ(token.size(), 64u);
  EXPECT_EQ(load_or_create_token_file(path), token);
}

TEST(ApiMetrics, RendersPrometheusText) {
  api_metrics m;
  m.observe("GET", "/sessions", 200, 0.002);
  m.observe("GET", "/sessions", 200, 2.0);
  platform_counts c;
  c.sessions_by_status["finished"] = 2;
  c.fills_total = 7;
  auto text = m.render(c);
  EXPECT_NE(text.find("papertrader_sessions{status=\"finished\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("papertrader_fills_total 7\n"), std::string::npos);
  EXPECT_NE(text.find("papertrader_http_requests_total{method=\"GET\",route=\"/sessions\",status=\"200\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("papertrader_http_request_duration_seconds_bucket{le=\"0.0025\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("papertrader_http_request_duration_seconds_bucket{le=\"+Inf\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("papertrader_http_request_duration_seconds_count 2\n"), std::string::npos);
}

TEST(ApiOpenApi, ParsesAndListsEveryRoute) {
  auto routes = api_routes();
  rapidjson::Document doc;
  auto text = openapi_json(routes);
  doc.Parse(text.c_str());
  ASSERT_FALSE(doc.HasParseError());
  EXPECT_STREQ(doc["openapi"].GetString(), "3.0.3");
  for (auto& r : routes) {
    ASSERT_TRUE(doc["paths"].HasMember(r.pattern.c_str())) << r.pattern;
    std::string method = r.method == "GET" ? "get" : "post";
    EXPECT_TRUE(doc["paths"][r.pattern.c_str()].HasMember(method.c_str())) << r.method << " " << r.pattern;
  }
}

TEST(ApiUtf8, ValidatesAndReplacesWhatIsNotUtf8) {
  EXPECT_TRUE(valid_utf8(""));
  EXPECT_TRUE(valid_utf8("plain \xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
  EXPECT_TRUE(valid_utf8(std::string("nul\0inside", 11)));
  for (std::string bad : {"\xFF", "\xC3", "a\xE2\x82", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\x80"})
    EXPECT_FALSE(valid_utf8(bad)) << bad;
  EXPECT_EQ(to_valid_utf8("ok \xC3\xA9"), "ok \xC3\xA9");
  EXPECT_EQ(to_valid_utf8("a\xFF\xFE" "b"), "a\xEF\xBF\xBD\xEF\xBF\xBD" "b");
  EXPECT_EQ(to_valid_utf8("end\xE2\x82"), "end\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_TRUE(valid_utf8(to_valid_utf8("\xED\xA0\x80\xF8\x88\x80\x80\x80")));
  auto error = json_error(400, "x", "echo \xFF");
  EXPECT_TRUE(valid_utf8(error.body)) << error.body;
}

TEST(ApiJsonInput, DeepNestingIsRefusedWithoutRecursion) {
  rapidjson::Document doc;
  for (auto text : {std::string(1 << 20, '['), std::string(1 << 19, '[') + std::string(1 << 19, ']'),
                    std::string(json_max_depth + 1, '[') + std::string(json_max_depth + 1, ']')}) {
    auto bad = parse_json_input(text, doc);
    ASSERT_TRUE(bad) << text.size();
    EXPECT_EQ(bad->code, "invalid_json");
    EXPECT_NE(bad->message.find("nest deeper than"), std::string::npos) << bad->message;
  }
  auto deepest = std::string(json_max_depth, '[') + std::string(json_max_depth, ']');
  EXPECT_FALSE(parse_json_input(deepest, doc));
  EXPECT_TRUE(doc.IsArray());
  auto malformed = parse_json_input("{\"a\":", doc);
  ASSERT_TRUE(malformed);
  EXPECT_EQ(malformed->code, "invalid_json");
}

TEST(ApiJsonInput, TextThatIsNotUtf8IsRefused) {
  rapidjson::Document doc;
  for (std::string text : {"\"\xFF\"", "{\"\xC3\":1}", R"(["\udc00"])", R"({"\udfff":1})", "[\"ok\", \"\xED\xA0\x80\"]"}) {
    auto bad = parse_json_input(text, doc);
    ASSERT_TRUE(bad) << text;
    EXPECT_EQ(bad->code, "invalid_utf8") << text;
  }
  EXPECT_FALSE(parse_json_input(R"({"name":"caf\u00e9 \ud83d\ude00","n":[1,2.5,null,true]})", doc));
  EXPECT_STREQ(doc["name"].GetString(), "caf\xC3\xA9 \xF0\x9F\x98\x80");
  EXPECT_EQ(doc["n"].Size(), 4u);
}

TEST(ApiWsCommand, ReadsCommandsAndRefusesTheRest) {
  auto ok = [](const std::string& c) { return c == "sessions"; };
  auto sub = read_ws_command(R"({"op":"subscribe","channels":["sessions","nope"]})", ok);
  EXPECT_EQ(sub.op, "subscribe");
  EXPECT_EQ(sub.channels, std::vector<std::string>{"sessions"});
  ASSERT_EQ(sub.errors.size(), 1u);
  EXPECT_EQ(sub.errors[0].code, "unknown_channel");
  EXPECT_EQ(read_ws_command(R"({"op":"ping"})", ok).op, "ping");
  for (auto [text, code] : {std::pair{"[", "bad_json"}, std::pair{"{\"op\":\"\xFF\"}", "invalid_utf8"}, std::pair{"{\"op\":1}", "bad_request"},
                            std::pair{"{\"op\":\"dance\"}", "unknown_op"}, std::pair{"{\"op\":\"subscribe\"}", "bad_request"}}) {
    auto c = read_ws_command(text, ok);
    EXPECT_TRUE(c.op.empty()) << text;
    ASSERT_EQ(c.errors.size(), 1u) << text;
    EXPECT_EQ(c.errors[0].code, code) << text;
  }
  auto deep = read_ws_command(std::string(json_max_depth + 1, '[') + std::string(json_max_depth + 1, ']'), ok);
  ASSERT_EQ(deep.errors.size(), 1u);
  EXPECT_EQ(deep.errors[0].code, "bad_json");
}

TEST(ApiWiring, SplitsLoaderProblemsIntoLineAndColumn) {
  auto p = parse_problem("request:3:14: unknown key 'x'", "request");
  EXPECT_EQ(p.line, 3);
  EXPECT_EQ(p.column, 14);
  EXPECT_EQ(p.message, "unknown key 'x'");
  auto plain = parse_problem("something else", "request");
  EXPECT_EQ(plain.line, 0);
  EXPECT_EQ(plain.message, "something else");
}

TEST(ApiWiring, ValidatesStrategyTextWithPositions) {
  auto services = make_api_services(test::source_file("config/strategies"));
  auto bad = services.validate_strategy("name: x\ntimeframe: 1m\nentry: close > 1\nexit: close < 1\nbogus: 1\n");
  ASSERT_FALSE(bad.problems.empty());
  EXPECT_EQ(bad.problems[0].line, 5);
  EXPECT_GT(bad.problems[0].column, 0);
  auto good = services.validate_strategy(test::slurp(test::source_file("config/strategies/ema_crossover.yaml")));
  EXPECT_TRUE(good.problems.empty()) << good.problems[0].message;
  auto listed = services.list_strategies();
  EXPECT_GE(listed.size(), 8u);
}

} // namespace
} // namespace pt

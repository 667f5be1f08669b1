// The OpenAPI document against the server: each operation documents exactly the statuses its
// route declares (web/api/router.hpp, `route_statuses`), every request of a matrix driven through
// real servers is answered with a documented status (and no handler answers one its route does
// not declare), and every documented status is reached by some request.

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <utility>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "tests/support/api_test_server.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/ws_client.hpp"
#include "web/api/router.hpp"

namespace pt::test {
namespace {

using namespace std::chrono_literals;
using operation = std::pair<std::string, std::string>; // method, pattern

std::map<operation, std::set<int>> documented_statuses() {
  rapidjson::Document doc;
  auto text = openapi_json(api_routes());
  doc.Parse(text.c_str());
  std::map<operation, std::set<int>> out;
  for (auto& path : doc["paths"].GetObject())
    for (auto& op : path.value.GetObject()) {
      std::string method = op.name.GetString();
      for (auto& c : method)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      auto& set = out[{method, path.name.GetString()}];
      for (auto& response : op.value["responses"].GetObject())
        set.insert(std::stoi(response.name.GetString()));
    }
  return out;
}

// A concrete target of `pattern`: {id} → `id`, {symbol} → BTCUSDT; candles and indicators ask for 1m.
std::string target_of(const api_route& r, const std::string& id = "1", const std::string& query = "") {
  std::string t = std::string(api_prefix) + r.pattern;
  if (auto at = t.find("{id}"); at != std::string::npos)
    t.replace(at, 4, id);
  if (auto at = t.find("{symbol}"); at != std::string::npos)
    t.replace(at, 8, id == "1" ? "BTCUSDT" : "NOPEUSDT");
  bool bars = r.pattern == "/sessions/{id}/candles" || r.pattern == "/sessions/{id}/indicators";
  std::string q = bars ? "timeframe=1m" : "";
  if (!query.empty())
    q += (q.empty() ? "" : "&") + query;
  return q.empty() ? t : t + "?" + q;
}

// A body each route accepts.
std::string good_body(const api_route& r) {
  if (r.pattern == "/sessions")
    return R"({"strategy":"ema"})";
  if (r.pattern == "/strategies/validate")
    return R"({"yaml":"name: x"})";
  return "";
}

class ApiContract : public api_test_base {
protected:
  // Sends one request to `r` and records the answer's status under the route.
  int drive(uint16_t port, const api_route& r, const std::string& token, const std::string& target,
            const std::string& body, std::vector<std::pair<std::string, std::string>> headers = {}) {
    if (!token.empty())
      headers.emplace_back("Authorization", "Bearer " + token);
    headers.emplace_back("Content-Type", "application/json");
    auto res = http_call(port, r.method, target, body, headers, 20s);
    EXPECT_NE(res.status, 0) << r.method << " " << target << ": " << res.error;
    seen_[{r.method, r.pattern}].insert(res.status);
    return res.status;
  }
  std::map<operation, std::set<int>> seen_;
};

TEST_F(ApiContract, TheDocumentListsExactlyTheDeclaredStatuses) {
  auto documented = documented_statuses();
  auto routes = api_routes();
  EXPECT_EQ(documented.size(), routes.size());
  for (auto& r : routes) {
    auto declared = route_statuses(r);
    const auto& listed = documented[operation(r.method, r.pattern)];
    EXPECT_EQ(listed, std::set<int>(declared.begin(), declared.end())) << r.method << " " << r.pattern;
    EXPECT_FALSE(r.statuses.empty()) << r.method << " " << r.pattern << " declares nothing";
    EXPECT_EQ(listed.count(501), 0u) << r.method << " " << r.pattern; // nothing is "not implemented"
  }
  EXPECT_EQ(documented[operation("POST", "/sessions")].count(201), 1u);
  EXPECT_EQ(documented[operation("POST", "/sessions/{id}/stop")].count(409), 1u);
}

TEST_F(ApiContract, EveryAnswerIsDocumentedAndEveryDocumentedStatusIsReached) {
  api_options o;
  o.body_limit_bytes = 4096;
  o.rate_per_s = 10'000;
  o.burst = 10'000;
  auto& full = start_full(o);
  // No database, no services, no broadcaster: what is not available answers 503.
  api_options bare_o = o;
  auto& bare = start(bare_o, api_services{}, caf::actor{});
  // A database that is not one, a supervisor that is gone, a broadcaster that never answers.
  api_options broken_o = o;
  broken_o.database = make_temp_dir("api-contract") + "/not-a.db";
  std::ofstream(broken_o.database) << std::string(4096, 'x');
  auto gone = system_.spawn([](caf::event_based_actor*) -> caf::behavior { return {}; }); // quits at once
  auto silent = system_.spawn(silent_broadcaster);
  auto& broken = start(broken_o, fake_services(caf::actor_cast<supervisor_actor>(gone), log_), silent);
  api_options slow_o = o;
  slow_o.database = database_with_session();
  auto& slow = start(slow_o, fake_services(supervisor_, log_), silent);
  // A supervisor that never answers a question about indicator series: 504 (a stand-in that
  // takes only that question, as the silent broadcaster does; the API asks it nothing else here).
  auto mute = system_.spawn([](caf::event_based_actor*) -> caf::behavior {
    return {[](indicators_atom, int64_t, int64_t) { return caf::delegated<indicator_history>{}; }};
  });
  api_options mute_o = o;
  mute_o.database = database_with_session();
  auto& muted = start(mute_o, fake_services(caf::actor_cast<supervisor_actor>(mute), log_), silent);
  // A bucket of one request that refills only after hours: every request after the first is 429.
  api_options limited_o = o;
  limited_o.burst = 1;
  limited_o.rate_per_s = 0.0001;
  auto& limited = start_full(limited_o);
  ASSERT_EQ(http_get(limited.port(), "/api/v1/sessions", api_admin).status, 200);

  const std::string pad(20'000, 'p');
  for (auto& r : api_routes()) {
    auto body = good_body(r);
    const std::string& token = api_admin;
    // The good request, and the lifecycle's other outcomes.
    if (r.pattern == "/ws") {
      ws_client ws;
      if (ws.connect(full.port(), "/api/v1/ws", api_reader))
        seen_[{r.method, r.pattern}].insert(101);
    }
    drive(full.port(), r, token, target_of(r), body);
    if (r.pattern.find("{id}") != std::string::npos || r.pattern.find("{symbol}") != std::string::npos) {
      drive(full.port(), r, token, target_of(r, "999"), body); // unknown
      drive(full.port(), r, token, target_of(r, "2"), body);   // a state that refuses the command
    }
    drive(full.port(), r, token, target_of(r, "1", "bogus=1"), body);                          // 400
    drive(full.port(), r, "", target_of(r), body);                                              // 401
    drive(full.port(), r, api_reader, target_of(r), body);                                      // 403
    drive(full.port(), r, token, target_of(r), std::string(o.body_limit_bytes + 1, ' '));     // 413
    drive(full.port(), r, token, target_of(r), body, {{"X-Pad", pad}});                       // 431
    drive(limited.port(), r, token, target_of(r), body);                                        // 429
    drive(bare.port(), r, token, target_of(r), body);                                           // 503
    drive(broken.port(), r, token, target_of(r), body);                                         // 500, 504
    if (r.pattern == "/sessions/{id}/candles" || r.pattern == "/market/{symbol}")
      drive(slow.port(), r, token, target_of(r), body); // 504 (candles), 503 (market)
    if (r.pattern == "/sessions/{id}/indicators")
      drive(muted.port(), r, token, target_of(r), body); // 504
  }
  // A session that cannot be made: 400 with its problems.
  auto routes = api_routes();
  auto& create = *std::find_if(routes.begin(), routes.end(), [](const api_route& r) {
    return r.method == "POST" && r.pattern == "/sessions";
  });
  drive(full.port(), create, api_admin, target_of(create), R"({"strategy":"broken"})");

  auto documented = documented_statuses();
  for (auto& [op, statuses] : seen_)
    for (int s : statuses)
      EXPECT_TRUE(documented[op].count(s)) << op.first << " " << op.second << " answered " << s
                                           << ", which the document does not list";
  for (auto& [op, statuses] : documented)
    for (int s : statuses)
      EXPECT_TRUE(seen_[op].count(s)) << op.first << " " << op.second << " documents " << s
                                      << ", which no request reached";
  for (auto* server : {&full, &bare, &broken, &slow, &muted, &limited})
    EXPECT_EQ(server->undeclared_answers(), 0);
  caf::anon_send_exit(silent, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(mute, caf::exit_reason::user_shutdown);
}

} // namespace
} // namespace pt::test

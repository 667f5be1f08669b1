#pragma once

// Maps requests to handlers: CORS, 404/405, bearer auth (401/403), the per-token rate limit
// (429) and the metrics of every answer happen here, once, for every route.

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "web/api/auth.hpp"
#include "web/api/metrics.hpp"
#include "web/api/server.hpp"
#include "web/http/types.hpp"
#include "web/api/worker.hpp"

namespace pt {

/// What every handler may use. Owned by the router; lives as long as the server.
struct api_context {
  api_options options;
  api_services services;
  caf::actor_system& system;
  broadcaster_actor broadcaster;
  api_metrics metrics;
  api_worker worker;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  api_context(api_options o, api_services s, caf::actor_system& sys, broadcaster_actor b)
      : options(std::move(o)), services(std::move(s)), system(sys), broadcaster(std::move(b)),
        worker(options.db_threads) {}
};

/// Path captures (`{id}`, `{symbol}`) in pattern order.
using route_params = std::vector<std::string>;

/// A handler: answers by calling `reply` exactly once, from any thread; never blocks the caller
/// (slow work goes to `ctx.worker`, questions to actors through `web/api/actor_bridge.hpp`).
using route_handler = std::function<void(api_context& ctx, const api_request&, const route_params&, api_reply)>;

/// What a route answers on success (its 200 or 201), as the OpenAPI document describes it.
struct api_answer {
  /// The answer's schema under #/components/schemas (web/api/openapi.cpp), e.g. "Session"; ""
  /// for one the document does not describe further (an object, or text).
  std::string schema;
  std::string content_type = "application/json"; ///< of the success answer ("text/plain" for /metrics)
  std::string description = "OK"; ///< what the success status means on this route
};

/// One route: `pattern` is relative to /api/v1, e.g. "/sessions/{id}/fills". Everything that
/// serves it (dispatch, auth, metrics, the OpenAPI document) reads this one declaration.
struct api_route {
  std::string method;
  std::string pattern;
  bool needs_auth = true;  ///< false only for /health
  bool writes = false;     ///< needs role admin
  std::string summary;     ///< one line, for the OpenAPI document
  std::vector<std::string> query; ///< query parameters it takes (documented; others get 400)
  std::string body;        ///< request body: "" none, "strategy" (YAML or {"yaml"}), "json"
  route_handler handler;
  /// Every status `handler` may answer. The OpenAPI document lists these and the router's own
  /// (`route_statuses`); the router logs and counts any other a handler answers.
  std::vector<int> statuses;
  api_answer answer = {};  ///< the success answer's shape, for the OpenAPI document
  /// The request body's schema under #/components/schemas ("CreateSession"); "" = described by
  /// `body` alone.
  std::string body_schema = "";
  /// What a 404 means on this route (when `statuses` has one), for the OpenAPI document.
  std::string not_found = "Unknown session id";
};

/// Every status a request to `r` can be answered with, ascending: its handler's (`r.statuses`),
/// the router's (400 for a path or query that is not UTF-8; 401 and 429 when `r.needs_auth`; 403
/// when `r.writes`) and the connection's (413 for a body over the limit, 431 for headers over
/// theirs). The OpenAPI document lists exactly these for the route's operation.
std::vector<int> route_statuses(const api_route& r);

/// Every route of the API (web/api/routes/table.cpp), in the order they are documented.
std::vector<api_route> api_routes();

/// The OpenAPI 3.0 document describing `routes` (served on /openapi.json).
std::string openapi_json(const std::vector<api_route>& routes);

/// The router of one server.
class api_router {
public:
  api_router(api_options options, api_services services, caf::actor_system& system, broadcaster_actor broadcaster);

  /// Answers `req` through `reply` (exactly once, maybe from another thread).
  void handle(api_request req, api_reply reply);

  /// The routes, for the OpenAPI document and tests.
  const std::vector<api_route>& routes() const { return routes_; }

  /// Finishes queued worker jobs and stops the worker threads.
  void stop() { ctx_.worker.stop(); }

  /// Answers whose status their route does not declare (`api_route::statuses`), since start;
  /// each is also logged as an error. 0 in a correct server.
  int64_t undeclared_answers() const { return undeclared_->load(); }

private:
  api_context ctx_;
  api_auth auth_;
  std::vector<api_route> routes_;
  std::shared_ptr<std::atomic<int64_t>> undeclared_ = std::make_shared<std::atomic<int64_t>>(0);
};

/// The API prefix every route lives under.
inline constexpr const char* api_prefix = "/api/v1";

} // namespace pt

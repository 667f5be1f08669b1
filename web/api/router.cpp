#include "web/api/router.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "web/api/static_files.hpp"

namespace pt {

namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 1;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    out.push_back(path.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos)
      break;
    start = slash + 1;
  }
  return out;
}

// Matches `path` segments against a pattern; captures `{name}` segments (never empty).
bool match(const std::string& pattern, const std::vector<std::string>& segments, route_params& params) {
  auto parts = split_path(pattern);
  if (parts.size() != segments.size())
    return false;
  route_params captured;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].size() > 2 && parts[i].front() == '{') {
      if (segments[i].empty())
        return false;
      captured.push_back(segments[i]);
    } else if (parts[i] != segments[i]) {
      return false;
    }
  }
  params = std::move(captured);
  return true;
}

bool origin_allowed(const std::vector<std::string>& allowed, const std::string& origin) {
  return !origin.empty() && std::any_of(allowed.begin(), allowed.end(),
                                        [&](const std::string& a) { return a == "*" || a == origin; });
}

} // namespace

std::vector<int> route_statuses(const api_route& r) {
  std::vector<int> out = r.statuses;
  out.insert(out.end(), {400, 413, 431});
  if (r.needs_auth)
    out.insert(out.end(), {401, 429});
  if (r.writes)
    out.push_back(403);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

api_router::api_router(api_options options, api_services services, caf::actor_system& system,
                       broadcaster_actor broadcaster)
    : ctx_(std::move(options), std::move(services), system, std::move(broadcaster)),
      auth_(ctx_.options.tokens, ctx_.options.rate_per_s, ctx_.options.burst), routes_(api_routes()) {}

void api_router::handle(api_request req, api_reply reply) {
  auto t0 = std::chrono::steady_clock::now();
  std::string route_name = "unmatched";
  std::vector<std::pair<std::string, std::string>> cors;
  if (origin_allowed(ctx_.options.cors_origins, req.origin)) {
    cors.emplace_back("Access-Control-Allow-Origin", req.origin);
    cors.emplace_back("Vary", "Origin");
  }
  // Every answer is counted and carries the CORS headers, whichever path produced it.
  auto answer = [this, t0, method = req.method, cors, reply = std::move(reply)](std::string route,
                                                                              api_response res) {
    for (auto& h : cors)
      res.headers.push_back(h);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ctx_.metrics.observe(method, route, res.status, seconds);
    reply(std::move(res));
  };

  // Nothing that is not UTF-8 goes further: handlers echo paths and parameters in their answers.
  if (auto bad = reject_invalid_utf8(req)) {
    answer(route_name, std::move(*bad));
    return;
  }
  const std::string prefix = api_prefix;
  if (req.path.compare(0, 5, "/api/") != 0 && req.path != "/api") { // the dashboard's files
    serve_static(ctx_, req, [answer = std::move(answer)](api_response res) { answer("static", std::move(res)); });
    return;
  }
  if (req.path.compare(0, prefix.size(), prefix) != 0 || req.path.size() == prefix.size()) {
    answer(route_name, json_error(404, "not_found", "no such path: " + req.path));
    return;
  }
  auto segments = split_path(req.path.substr(prefix.size()));
  const api_route* found = nullptr;
  route_params params;
  std::string allow;
  // HEAD is GET without the body (RFC 9110 9.3.2): the connection drops the body it answers.
  const std::string method = req.method == "HEAD" ? std::string("GET") : req.method;
  for (auto& r : routes_) {
    route_params p;
    if (!match(r.pattern, segments, p))
      continue;
    route_name = r.pattern;
    allow += (allow.empty() ? "" : ", ") + r.method;
    if (r.method == method && !found) {
      found = &r;
      params = std::move(p);
    }
  }
  if (allow.empty()) {
    answer(route_name, json_error(404, "not_found", "no such path: " + req.path));
    return;
  }
  if (req.method == "OPTIONS") { // CORS preflight: no credentials are sent with it
    api_response res;
    res.status = 204;
    res.content_type.clear();
    res.headers = {{"Allow", allow + ", OPTIONS"}};
    if (!cors.empty()) {
      res.headers.emplace_back("Access-Control-Allow-Methods", allow + ", OPTIONS");
      res.headers.emplace_back("Access-Control-Allow-Headers", "Authorization, Content-Type");
      res.headers.emplace_back("Access-Control-Max-Age", "600");
    }
    answer(route_name, std::move(res));
    return;
  }
  if (!found) {
    auto res = json_error(405, "method_not_allowed", req.method + " is not allowed on " + req.path + " (allowed: " +
                                                       allow + ")");
    res.headers.emplace_back("Allow", allow);
    answer(route_name, std::move(res));
    return;
  }
  if (found->needs_auth) {
    auto role = auth_.role_of(req.authorization);
    if (role == api_role::none) {
      auto res = json_error(401, "unauthorized",
                            req.authorization.empty() ? "send Authorization: Bearer <token>" : "unknown token");
      res.headers.emplace_back("WWW-Authenticate", "Bearer");
      answer(route_name, std::move(res));
      return;
    }
    if (found->writes && role != api_role::admin) {
      answer(route_name, json_error(403, "forbidden", "this token may only read; " + req.method + " " +
                                                        found->pattern + " needs an admin token"));
      return;
    }
    if (auto wait_s = auth_.take(req.authorization)) {
      auto res = json_error(429, "rate_limited", "too many requests for this token; retry after " +
                                                   std::to_string(wait_s) + " s");
      res.headers.emplace_back("Retry-After", std::to_string(wait_s));
      answer(route_name, std::move(res));
      return;
    }
  }
  auto name = found->pattern;
  found->handler(ctx_, req, params,
                 [answer = std::move(answer), name, route = found, undeclared = undeclared_](api_response res) {
                   // The route table outlives every request (the router waits for them in stop).
                   auto& declared = route->statuses;
                   if (std::find(declared.begin(), declared.end(), res.status) == declared.end()) {
                     ++*undeclared;
                     spdlog::error("api: {} {} answered {}, a status the route does not declare", route->method,
                                   name, res.status);
                   }
                   answer(name, std::move(res));
                 });
}

} // namespace pt

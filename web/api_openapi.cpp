// The OpenAPI 3.0 document, generated from the route table so it always lists every route.

#include "web/api_router.hpp"

#include <algorithm>

#include "web/api_json.hpp"
#include "web/performance_json.hpp"

namespace pt {

namespace {

bool is_integer_param(const std::string& name) {
  static const std::vector<std::string> ints{"id", "limit", "offset", "after", "from_ms", "to_ms", "period_ms"};
  return std::find(ints.begin(), ints.end(), name) != ints.end();
}

void write_schema_type(json_out& j, const std::string& name) {
  j.key("schema");
  j.w().StartObject();
  if (is_integer_param(name))
    j.str("type", "integer").str("format", "int64");
  else
    j.str("type", "string");
  j.w().EndObject();
}

void write_parameter(json_out& j, const std::string& name, bool in_path) {
  j.w().StartObject();
  j.str("name", name).str("in", in_path ? "path" : "query").boolean("required", in_path || name == "timeframe");
  write_schema_type(j, name);
  j.w().EndObject();
}

std::string operation_id(const api_route& r) {
  std::string id = r.method == "GET" ? "get" : "post";
  bool upper = true;
  for (char c : r.pattern) {
    if (c == '/' || c == '_' || c == '.' || c == '{' || c == '}') {
      upper = true;
      continue;
    }
    id += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return id;
}

void write_response(json_out& j, const char* status, const char* description, const char* content_type,
                    bool error_schema, const char* schema_ref = nullptr) {
  j.key(status);
  j.w().StartObject();
  j.str("description", description).key("content");
  j.w().StartObject();
  j.key(content_type);
  j.w().StartObject();
  j.key("schema");
  j.w().StartObject();
  if (error_schema)
    j.str("$ref", "#/components/schemas/Error");
  else if (schema_ref)
    j.str("$ref", schema_ref);
  else
    j.str("type", content_type == std::string("application/json") ? "object" : "string");
  j.w().EndObject();
  j.w().EndObject();
  j.w().EndObject();
  j.w().EndObject();
}

void write_request_body(json_out& j, const std::string& kind) {
  j.key("requestBody");
  j.w().StartObject();
  j.boolean("required", kind == "strategy").key("content");
  j.w().StartObject();
  j.key("application/json");
  j.w().StartObject();
  j.key("schema");
  j.w().StartObject();
  j.str("type", "object");
  if (kind == "strategy") {
    j.boolean("additionalProperties", false).key("required");
    j.w().StartArray();
    j.w().String("yaml");
    j.w().EndArray();
    j.key("properties");
    j.w().StartObject();
    j.key("yaml");
    j.w().StartObject();
    j.str("type", "string");
    j.w().EndObject();
    j.w().EndObject();
  }
  j.w().EndObject();
  j.w().EndObject();
  if (kind == "strategy") {
    j.key("application/yaml");
    j.w().StartObject();
    j.key("schema");
    j.w().StartObject();
    j.str("type", "string");
    j.w().EndObject();
    j.w().EndObject();
  }
  j.w().EndObject();
  j.w().EndObject();
}

void write_operation(json_out& j, const api_route& r) {
  j.key(r.method == "GET" ? "get" : "post");
  j.w().StartObject();
  j.str("summary", r.summary).str("operationId", operation_id(r));
  if (!r.needs_auth) {
    j.key("security");
    j.w().StartArray();
    j.w().EndArray();
  }
  j.key("parameters");
  j.w().StartArray();
  size_t open = 0;
  while ((open = r.pattern.find('{', open)) != std::string::npos) {
    auto close = r.pattern.find('}', open);
    write_parameter(j, r.pattern.substr(open + 1, close - open - 1), true);
    open = close;
  }
  for (auto& q : r.query)
    write_parameter(j, q, false);
  j.w().EndArray();
  if (!r.body.empty())
    write_request_body(j, r.body);
  j.key("responses");
  j.w().StartObject();
  if (r.pattern == "/ws") { // a WebSocket upgrade (docs/api.md, "WebSocket push")
    j.key("101");
    j.w().StartObject();
    j.str("description", "Switching Protocols: the connection is now a WebSocket of JSON push messages");
    j.w().EndObject();
    write_response(j, "426", "Not a WebSocket upgrade request", "application/json", true);
  } else {
    write_response(j, "200", "OK", r.pattern == "/metrics" ? "text/plain" : "application/json", false,
                   r.pattern == "/sessions/{id}/metrics" ? "#/components/schemas/SessionMetrics" : nullptr);
  }
  write_response(j, "400", "Bad request: unknown parameter, wrong type, malformed body", "application/json", true);
  if (r.needs_auth) {
    write_response(j, "401", "No token, or an unknown one", "application/json", true);
    write_response(j, "429", "Rate limited; see Retry-After", "application/json", true);
  }
  if (r.writes) {
    write_response(j, "403", "A read-only token on a command", "application/json", true);
    write_response(j, "501", "Not implemented yet", "application/json", true);
  }
  if (r.pattern.find('{') != std::string::npos)
    write_response(j, "404", "Unknown id or symbol", "application/json", true);
  if (!r.body.empty())
    write_response(j, "413", "Body larger than the limit", "application/json", true);
  j.w().EndObject();
  j.w().EndObject();
}

// One property's schema: decimals are strings of 8 decimals, numbers doubles, integers int64.
void write_typed(json_out& j, const char* name, metric_kind kind, bool nullable) {
  j.key(name);
  j.w().StartObject();
  switch (kind) {
  case metric_kind::decimal:
    j.str("type", "string").str("pattern", "^-?[0-9]+\\.[0-9]{8}$");
    break;
  case metric_kind::number:
    j.str("type", "number").str("format", "double");
    break;
  case metric_kind::integer:
    j.str("type", "integer").str("format", "int64");
    break;
  case metric_kind::boolean:
    j.str("type", "boolean");
    break;
  }
  if (nullable)
    j.boolean("nullable", true);
  j.w().EndObject();
}

// GET /sessions/{id}/metrics: the session row's figures and the `performance` object
// (web/performance_json.hpp; formulas in docs/execution.md, "## Metrics").
void write_session_metrics_schema(json_out& j) {
  j.key("SessionMetrics");
  j.w().StartObject();
  j.str("type", "object").key("required");
  j.w().StartArray();
  for (const char* f : {"session_id", "status", "equity", "performance"})
    j.w().String(f);
  j.w().EndArray();
  j.key("properties");
  j.w().StartObject();
  write_typed(j, "session_id", metric_kind::integer, false);
  j.key("status");
  j.w().StartObject();
  j.str("type", "string");
  j.w().EndObject();
  for (const char* f : {"initial_cash", "cash", "equity", "realized_pnl", "unrealized_pnl", "fees", "return",
                        "max_drawdown"})
    write_typed(j, f, metric_kind::decimal, false);
  write_typed(j, "equity_points", metric_kind::integer, false);
  j.key("performance");
  j.w().StartObject();
  j.str("type", "object").boolean("nullable", true).key("required");
  j.w().StartArray();
  for (auto& f : performance_fields())
    j.w().String(f.name);
  j.w().EndArray();
  j.key("properties");
  j.w().StartObject();
  for (auto& f : performance_fields())
    write_typed(j, f.name, f.kind, f.nullable);
  j.w().EndObject();
  j.w().EndObject();
  j.key("performance_error");
  j.w().StartObject();
  j.str("type", "string").str("description", "why performance is null");
  j.w().EndObject();
  j.w().EndObject();
  j.w().EndObject();
}

void write_components(json_out& j) {
  j.key("components");
  j.w().StartObject();
  j.key("securitySchemes");
  j.w().StartObject();
  j.key("bearer");
  j.w().StartObject();
  j.str("type", "http").str("scheme", "bearer");
  j.w().EndObject();
  j.w().EndObject();
  j.key("schemas");
  j.w().StartObject();
  j.key("Error");
  j.w().StartObject();
  j.str("type", "object").key("required");
  j.w().StartArray();
  j.w().String("error");
  j.w().EndArray();
  j.key("properties");
  j.w().StartObject();
  j.key("error");
  j.w().StartObject();
  j.str("type", "object").key("properties");
  j.w().StartObject();
  for (const char* field : {"code", "message"}) {
    j.key(field);
    j.w().StartObject();
    j.str("type", "string");
    j.w().EndObject();
  }
  j.w().EndObject();
  j.w().EndObject();
  j.w().EndObject();
  j.w().EndObject(); // Error
  write_session_metrics_schema(j);
  j.w().EndObject(); // schemas
  j.w().EndObject(); // components
}

} // namespace

std::string openapi_json(const std::vector<api_route>& routes) {
  json_out j;
  j.w().StartObject();
  j.str("openapi", "3.0.3").key("info");
  j.w().StartObject();
  j.str("title", "papertrader API").str("version", "1.0.0");
  j.str("description", "Paper-trading sessions, their history and the market data they run on (docs/api.md).");
  j.w().EndObject();
  j.key("servers");
  j.w().StartArray();
  j.w().StartObject();
  j.str("url", api_prefix);
  j.w().EndObject();
  j.w().EndArray();
  j.key("security");
  j.w().StartArray();
  j.w().StartObject();
  j.key("bearer");
  j.w().StartArray();
  j.w().EndArray();
  j.w().EndObject();
  j.w().EndArray();
  j.key("paths");
  j.w().StartObject();
  std::vector<std::string> patterns;
  for (auto& r : routes)
    if (std::find(patterns.begin(), patterns.end(), r.pattern) == patterns.end())
      patterns.push_back(r.pattern);
  for (auto& p : patterns) {
    j.key(p.c_str());
    j.w().StartObject();
    for (auto& r : routes)
      if (r.pattern == p)
        write_operation(j, r);
    j.w().EndObject();
  }
  j.w().EndObject();
  write_components(j);
  j.w().EndObject();
  return j.text();
}

} // namespace pt

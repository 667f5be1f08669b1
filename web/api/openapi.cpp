// The OpenAPI 3.0 document, generated from the route table so it always lists every route.

#include "web/api/router.hpp"

#include <algorithm>

#include "core/execution/fill_fields.hpp"
#include "core/execution/order.hpp"
#include "web/api/json.hpp"
#include "wire/performance_json.hpp"

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

// `kind` is the route's `body`; `schema` its `body_schema`.
void write_request_body(json_out& j, const std::string& kind, const std::string& schema) {
  j.key("requestBody");
  j.w().StartObject();
  j.boolean("required", kind == "strategy").key("content");
  j.w().StartObject();
  j.key("application/json");
  j.w().StartObject();
  j.key("schema");
  j.w().StartObject();
  if (!schema.empty()) {
    j.str("$ref", "#/components/schemas/" + schema);
  } else {
    j.str("type", "object");
  }
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

// A property of a fill schema: how `write_fill_property` writes it.
enum class prop_kind { decimal, integer, number, boolean, string, latency, object };

struct prop {
  const char* name;
  prop_kind kind;
  bool nullable = false;
  const char* ref = nullptr; ///< for `object`: the schema it is
  std::vector<std::string> values{}; ///< for `string`: the only values it takes (an `enum`), empty = any
};

// The names `to_string(exec_status)` writes: an order's `status`.
std::vector<std::string> exec_status_names() {
  std::vector<std::string> names;
  for (auto s : {exec_status::pending_new, exec_status::new_order, exec_status::triggered,
                 exec_status::partially_filled, exec_status::filled, exec_status::canceled, exec_status::rejected,
                 exec_status::expired, exec_status::denied})
    names.emplace_back(to_string(s));
  return names;
}

// The names `to_string(reject_reason)` writes for a refused order (not "NONE": that is null).
std::vector<std::string> reject_reason_names() {
  std::vector<std::string> names;
  for (auto r : {reject_reason::price_filter, reject_reason::lot_size, reject_reason::market_lot_size,
                 reject_reason::notional, reject_reason::insufficient_balance, reject_reason::would_match,
                 reject_reason::would_trigger, reject_reason::no_price, reject_reason::unknown_order,
                 reject_reason::invalid_order, reject_reason::overflow, reject_reason::zero_quantity})
    names.emplace_back(to_string(r));
  return names;
}

void write_fill_property(json_out& j, const prop& p) {
  j.key(p.name);
  j.w().StartObject();
  switch (p.kind) {
  case prop_kind::decimal:
    j.str("type", "string").str("pattern", "^-?[0-9]+\\.[0-9]{8}$");
    break;
  case prop_kind::integer:
    j.str("type", "integer").str("format", "int64");
    break;
  case prop_kind::number:
    j.str("type", "number").str("format", "double");
    break;
  case prop_kind::boolean:
    j.str("type", "boolean");
    break;
  case prop_kind::string:
    j.str("type", "string");
    if (!p.values.empty()) {
      j.key("enum");
      j.w().StartArray();
      for (auto& v : p.values)
        j.w().String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
      if (p.nullable)
        j.w().Null(); // OpenAPI 3.0: a nullable enum lists null among its values
      j.w().EndArray();
    }
    break;
  case prop_kind::latency: // [min_ms, max_ms]
    j.str("type", "array").i64("minItems", 2).i64("maxItems", 2).key("items");
    j.w().StartObject();
    j.str("type", "integer").i64("minimum", 0).i64("maximum", max_latency_ms);
    j.w().EndObject();
    break;
  case prop_kind::object:
    // A $ref cannot carry `nullable` in OpenAPI 3.0: wrap it in allOf.
    j.key("allOf");
    j.w().StartArray();
    j.w().StartObject();
    j.str("$ref", p.ref);
    j.w().EndObject();
    j.w().EndArray();
    break;
  }
  if (p.nullable)
    j.boolean("nullable", true);
  j.w().EndObject();
}

// An integer schema bounded by `f`'s range.
void write_bounded_integer(json_out& j, const fill_field& f) {
  j.w().StartObject();
  j.str("type", "integer").i64("minimum", f.min).i64("maximum", f.max);
  j.w().EndObject();
}

// A `fill_fields()` field as a request (`FillOverrides`) reads it: every form it accepts.
void write_override_property(json_out& j, const fill_field& f) {
  j.key(f.name);
  switch (f.kind) {
  case fill_field_kind::bps:
    j.w().StartObject();
    j.str("description", "bps from " + std::to_string(f.min) + " to " + std::to_string(f.max) +
                           ": a decimal string, or an integer in a request")
      .key("oneOf");
    j.w().StartArray();
    j.w().StartObject();
    j.str("type", "string");
    j.w().EndObject();
    write_bounded_integer(j, f);
    j.w().EndArray();
    j.w().EndObject();
    break;
  case fill_field_kind::boolean:
    j.w().StartObject();
    j.str("type", "boolean");
    j.w().EndObject();
    break;
  case fill_field_kind::integer:
    write_bounded_integer(j, f);
    break;
  case fill_field_kind::latency:
    j.w().StartObject();
    j.str("description", "ms: a fixed integer, or [min, max] drawn from uniformly (a request); answers give "
                         "[min, max]")
      .key("oneOf");
    j.w().StartArray();
    write_bounded_integer(j, f);
    j.w().StartObject();
    j.str("type", "array").i64("minItems", 2).i64("maxItems", 2).key("items");
    write_bounded_integer(j, f);
    j.w().EndObject();
    j.w().EndArray();
    j.w().EndObject();
    break;
  case fill_field_kind::seed:
    j.w().StartObject();
    j.str("type", "integer").i64("minimum", 0);
    j.w().EndObject();
    break;
  }
}

// `name`: an object schema of `props`; `required` lists the ones always present.
void write_object_schema(json_out& j, const char* name, const std::vector<prop>& props,
                         const std::vector<const char*>& required, const char* description,
                         bool closed = false) {
  j.key(name);
  j.w().StartObject();
  j.str("type", "object").str("description", description);
  if (closed)
    j.boolean("additionalProperties", false);
  if (!required.empty()) {
    j.key("required");
    j.w().StartArray();
    for (auto r : required)
      j.w().String(r);
    j.w().EndArray();
  }
  j.key("properties");
  j.w().StartObject();
  for (auto& p : props)
    write_fill_property(j, p);
  j.w().EndObject();
  j.w().EndObject();
}

// FillOverrides (POST /sessions `fill`, GET `fill_overrides`), FillParams (GET `fill`),
// FillReport (an order's `report`), Session, CreateSession, OrderPage and FillPage.
void write_fill_schemas(json_out& j) {
  using k = prop_kind;
  // Bps in a request may also be an integer; answers always give the decimal string.
  j.key("FillOverrides");
  j.w().StartObject();
  j.str("type", "object").boolean("additionalProperties", false)
    .str("description", "Replacements of the fill profile's parameters (docs/execution.md); each field optional");
  j.key("properties");
  j.w().StartObject();
  for (auto& f : fill_fields())
    write_override_property(j, f);
  j.w().EndObject();
  j.w().EndObject();

  // The fees and slippage, then every field of `fill_fields()` as an answer writes it.
  std::vector<prop> params{{"taker_fee_bps", k::decimal}, {"maker_fee_bps", k::decimal}, {"slippage_bps", k::decimal}};
  for (auto& f : fill_fields())
    params.push_back({f.name, f.kind == fill_field_kind::bps       ? k::decimal
                              : f.kind == fill_field_kind::boolean ? k::boolean
                              : f.kind == fill_field_kind::latency ? k::latency
                                                                   : k::integer});
  std::vector<const char*> all;
  for (auto& p : params)
    all.push_back(p.name);
  write_object_schema(j, "FillParams", params, all,
                      "Every parameter the session's orders fill under: the profile's, the overrides applied, the "
                      "session's fees, its slippage added to the profile's");
  write_object_schema(j, "FillReport",
                      {{"arrival_px", k::decimal, true}, {"avg_px", k::decimal, true}, {"slippage_bps", k::number, true},
                       {"filled_qty", k::decimal}, {"maker_qty", k::decimal}, {"taker_qty", k::decimal},
                       {"fees", k::decimal}, {"queue_at_placement", k::decimal}, {"time_to_fill_ms", k::integer, true}},
                      {"arrival_px", "avg_px", "slippage_bps", "filled_qty", "maker_qty", "taker_qty", "fees",
                       "queue_at_placement", "time_to_fill_ms"},
                      "How an order filled: arrival (mid at submission) and average price, slippage in bps "
                      "(positive = worse), maker/taker split, time to fill, queue ahead at placement; the "
                      "order's status is the order's own `status`");
  write_object_schema(j, "Session",
                      {{"id", k::integer}, {"name", k::string}, {"strategy_name", k::string},
                       {"strategy_file", k::string}, {"symbol", k::string}, {"status", k::string},
                       {"initial_cash", k::decimal}, {"taker_fee_bps", k::decimal}, {"slippage_bps", k::decimal},
                       {"cash", k::decimal}, {"position_qty", k::decimal}, {"cost_basis", k::decimal},
                       {"realized_pnl", k::decimal}, {"fees", k::decimal}, {"mark_price", k::decimal},
                       {"equity", k::decimal}, {"last_event_ms", k::integer}, {"created_at_ms", k::integer},
                       {"updated_at_ms", k::integer}, {"failure", k::string},
                       {"fill_profile", k::string, true}, {"fill_overrides", k::object, true, "#/components/schemas/FillOverrides"},
                       {"fill", k::object, true, "#/components/schemas/FillParams"}},
                      {"id", "name", "symbol", "status", "fill_profile", "fill_overrides", "fill"},
                      "A session row; fill_profile, fill_overrides and fill are null for a session stored before "
                      "its fill settings were kept");
  write_object_schema(j, "CreateSession",
                      {{"name", k::string}, {"strategy", k::string}, {"yaml", k::string}, {"symbol", k::string},
                       {"initial_cash", k::string}, {"taker_fee_bps", k::string}, {"maker_fee_bps", k::string},
                       {"slippage_bps", k::string}, {"fill_profile", k::string},
                       {"fill", k::object, false, "#/components/schemas/FillOverrides"}},
                      {}, "POST /sessions: exactly one of strategy or yaml; decimals as strings", true);
  write_object_schema(j, "Order",
                      {{"order_id", k::integer}, {"side", k::string}, {"type", k::string},
                       {"time_in_force", k::string, true}, {"limit_price", k::decimal, true},
                       {"stop_price", k::decimal, true}, {"callback_bps", k::decimal, true},
                       {"list_id", k::integer, true}, {"linked_order_id", k::integer, true}, {"qty", k::decimal},
                       {"status", k::string, false, nullptr, exec_status_names()},
                       {"reject_reason", k::string, true, nullptr, reject_reason_names()}, {"created_ms", k::integer},
                       {"updated_ms", k::integer}, {"report", k::object, false, "#/components/schemas/FillReport"}},
                      {"order_id", "side", "type", "time_in_force", "limit_price", "stop_price", "callback_bps",
                       "list_id", "linked_order_id", "qty", "status"},
                      "An order as sent and as last updated: status (Binance's order statuses, plus DENIED: "
                      "refused by the session before the venue; reject_reason says why when REJECTED or DENIED, "
                      "null otherwise); type (market, limit, limit_maker, stop_loss, "
                      "stop_loss_limit, take_profit, take_profit_limit, trailing_stop); time_in_force (GTC, IOC, "
                      "FOK) and limit_price for the types that rest at a limit; stop_price (trigger, or a "
                      "trailing stop's activation); callback_bps (trailing stop); list_id and linked_order_id "
                      "(its OCO list and that list's other leg); each null where it does not apply and in rows "
                      "stored before they were kept (type 'market'); report only when it has one");
  write_object_schema(j, "Fill",
                      {{"fill_id", k::integer}, {"order_id", k::integer}, {"ts_event_ms", k::integer},
                       {"side", k::string}, {"price", k::decimal}, {"qty", k::decimal}, {"fee", k::decimal},
                       {"liquidity", k::string}, {"reference_px", k::decimal, true}},
                      {"fill_id", "order_id", "price", "qty", "fee", "reference_px"},
                      "A fill; reference_px is the price before slippage, null when not recorded");
  for (auto [page, item] : {std::pair{"OrderPage", "#/components/schemas/Order"},
                            std::pair{"FillPage", "#/components/schemas/Fill"}}) {
    j.key(page);
    j.w().StartObject();
    j.str("type", "object").key("required");
    j.w().StartArray();
    j.w().String("items");
    j.w().EndArray();
    j.key("properties");
    j.w().StartObject();
    write_fill_property(j, {"session_id", k::integer});
    j.key("items");
    j.w().StartObject();
    j.str("type", "array").key("items");
    j.w().StartObject();
    j.str("$ref", item);
    j.w().EndObject();
    j.w().EndObject();
    write_fill_property(j, {"next_after", k::integer, true});
    write_fill_property(j, {"limit", k::integer});
    j.w().EndObject();
    j.w().EndObject();
  }
}

// What an error status means on route `r`.
const char* error_description(const api_route& r, int status) {
  switch (status) {
  case 400:
    return "Bad request: unknown parameter, wrong type, malformed or over-nested JSON (invalid_json), text "
           "that is not UTF-8 (invalid_utf8), a bad symbol (invalid_symbol)";
  case 401:
    return "No token, or an unknown one";
  case 403:
    return "A read-only token on a command";
  case 404:
    return r.not_found.c_str();
  case 409:
    return "The session's state does not allow the command (e.g. pause a stopped session)";
  case 413:
    return "Body larger than the limit";
  case 426:
    return "Not a WebSocket upgrade request";
  case 429:
    return "Rate limited; see Retry-After";
  case 431:
    return "Request headers larger than the limit";
  case 500:
    return "The database could not be read";
  case 503:
    return "Not available in this run (no database, no session supervisor, no strategy folder, no market data)";
  case 504:
    return "The session supervisor or the market data broadcaster did not answer in time";
  default:
    return "See docs/api.md";
  }
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
    write_request_body(j, r.body, r.body_schema);
  j.key("responses");
  j.w().StartObject();
  // Exactly the statuses the route can answer (`route_statuses`), from its declaration.
  for (int status : route_statuses(r)) {
    auto code = std::to_string(status);
    switch (status) {
    case 101: // a WebSocket upgrade (docs/api.md, "WebSocket push")
      j.key(code.c_str());
      j.w().StartObject();
      j.str("description", "Switching Protocols: the connection is now a WebSocket of JSON push messages");
      j.w().EndObject();
      break;
    case 200: // the success answer, as the route declares it (`api_route::answer`)
    case 201: {
      std::string ref = r.answer.schema.empty() ? "" : "#/components/schemas/" + r.answer.schema;
      write_response(j, code.c_str(), r.answer.description.c_str(), r.answer.content_type.c_str(), false,
                     ref.empty() ? nullptr : ref.c_str());
      break;
    }
    default:
      write_response(j, code.c_str(), error_description(r, status), "application/json", true);
    }
  }
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
// (wire/performance_json.hpp; formulas in docs/execution.md, "## Metrics").
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
  for (const char* f : {"equity_points", "equity_buckets", "equity_downsampled_points"})
    write_typed(j, f, metric_kind::integer, false);
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
  for (const char* field : {"code", "message", "field"}) {
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
  write_fill_schemas(j);
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

#pragma once

#include <variant>

#include "web/api/router.hpp"

namespace pt {

/// `GET /strategies`: `{items: [{file, name, symbol, timeframe, error?}]}` from
/// `api_services::list_strategies`, on a worker thread.
void list_strategies(api_context& ctx, const api_request& req, const route_params& params, api_reply reply);

/// `POST /strategies/validate`: the body is the YAML text itself, or, with
/// `Content-Type: application/json`, `{"yaml": "<text>"}` (no other field). Answers 200
/// `{valid, problems: [{line, column, message}], strategy?}`; 400 for a malformed body
/// (`strategy_text_of`, web/api/bodies.hpp).
void validate_strategy(api_context& ctx, const api_request& req, const route_params& params, api_reply reply);

} // namespace pt

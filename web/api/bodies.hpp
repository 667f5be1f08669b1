#pragma once

// The request bodies of the API's routes, read and checked without Beast or CAF (so the request
// fuzzer, fuzz/api_request_fuzz.cpp, links them alone). Every JSON body goes through
// `parse_json_input`: no body up to the size limit can exhaust the stack, and text that is not
// UTF-8 is refused.

#include <string>
#include <variant>

#include "web/api/server.hpp"
#include "web/http/types.hpp"

namespace pt {

/// The YAML text a `POST /strategies/validate` request carries: the body itself, or, with
/// `Content-Type: application/json`, the `yaml` member of `{"yaml": "<text>"}` (no other
/// member). Otherwise the 400 answer: `invalid_json`, `invalid_utf8` (either form), `invalid_body`,
/// `unknown_field`, `missing_field`, `invalid_type`, `unknown_parameter`.
std::variant<std::string, api_response> strategy_text_of(const api_request& req);

/// The `POST /sessions` request (docs/api.md): a JSON object of string fields `name`, `strategy`,
/// `yaml`, `symbol`, `initial_cash`, `taker_fee_bps`, `maker_fee_bps`, `slippage_bps`,
/// `fill_profile`, and the objects `fill` and `restart`; exactly one of `strategy` and `yaml`. A
/// `symbol` is upper-cased and must be `is_exchange_symbol` (400 `invalid_symbol`). Otherwise the
/// 400 answer: `invalid_json`, `invalid_utf8`, `invalid_body`, `unknown_field`, `invalid_type`,
/// `invalid_field` (with `field`), `invalid_symbol` (with `field`), `unknown_parameter`.
std::variant<session_request, api_response> read_create_session(const api_request& req);

/// The `POST /sessions/{id}/stop` body: empty, or `{"flatten": true|false}`; true = flatten.
/// Otherwise the 400 answer as for `read_create_session`.
std::variant<bool, api_response> read_stop(const api_request& req);

/// 400 `code` with `field` named: `{"error": {"code", "message": "<field> <why>", "field"}}`.
api_response field_error(const std::string& code, const std::string& field, const std::string& why);

} // namespace pt

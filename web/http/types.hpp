#pragma once

// The REST API's request and response values: plain structs, no Beast, so the router and the
// handlers compile without it (only the .cpp files of web/api/, web/http/ and replay_server/ speak HTTP).

#include <cstdint>
#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <rapidjson/document.h>

namespace pt {

/// One HTTP request as the router sees it.
struct api_request {
  std::string method;                        ///< "GET", "POST", …
  std::string path;                          ///< decoded path, without the query, e.g. "/api/v1/sessions/1"
  std::map<std::string, std::string> query;  ///< decoded query parameters (last one wins)
  bool duplicate_query = false;              ///< a query parameter appeared twice
  std::string body;
  std::string content_type;                  ///< the Content-Type header, as sent
  std::string authorization;                 ///< the Authorization header, as sent
  std::string origin;                        ///< the Origin header, as sent (CORS)
  bool websocket_upgrade = false;            ///< a WebSocket upgrade request (`GET /api/v1/ws`)
};

/// One HTTP answer: status, body and extra headers (Content-Type is separate).
struct api_response {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
};

/// Delivers an answer to its connection; may be called from any thread, exactly once.
using api_reply = std::function<void(api_response)>;

/// `{"error": {"code": code, "message": message}}` with `status`; the message is made valid
/// UTF-8 first (it may echo what a client sent).
api_response json_error(int status, const std::string& code, const std::string& message);

/// A JSON document answer with status 200 (or `status`).
api_response json_ok(std::string body, int status = 200);

/// Splits a request target ("/a/b?x=1&y=%20") into a decoded path and query map. nullopt when
/// the target is not a valid origin-form target (bad percent escapes, no leading '/').
std::optional<api_request> parse_target(const std::string& target);

/// Reads an integer query parameter: nullopt if absent; `ok` false if present but not an
/// integer within [min, max].
std::optional<int64_t> query_int(const api_request& req, const std::string& key, int64_t min, int64_t max,
                                 bool& ok);

/// A 400 answer when `req` has a query parameter not in `allowed`, or one twice; nullopt otherwise.
std::optional<api_response> reject_unknown_params(const api_request& req, const std::vector<std::string>& allowed);

/// A session id from a path segment: a positive integer; nullopt for anything else.
std::optional<int64_t> parse_session_id(const std::string& text);

/// A 400 `invalid_utf8` answer when the decoded path, a query key or a query value of `req` is
/// not well-formed UTF-8; nullopt otherwise.
std::optional<api_response> reject_invalid_utf8(const api_request& req);

/// Why a client's JSON text was refused: `code` is "invalid_utf8" (a string is not UTF-8) or
/// "invalid_json" (malformed, or nested deeper than `json_max_depth`); `message` says where.
struct json_input_error {
  std::string code;
  std::string message;
};

/// The deepest nesting of arrays and objects a client's JSON text may have.
inline constexpr int json_max_depth = 64;

/// Parses a JSON text from a client (a REST body, a WebSocket message) into `doc`: iteratively
/// (RapidJSON `kParseIterativeFlag`, so no input can exhaust the stack, whatever its nesting),
/// validating UTF-8 (`kParseValidateEncodingFlag`), and stopping at the first array or object
/// nested deeper than `json_max_depth` or string that is not UTF-8 (an escaped lone surrogate,
/// "\udc00", passes RapidJSON 1.1's own check). nullopt when all is well; `doc` is then the
/// text's value (unspecified otherwise).
std::optional<json_input_error> parse_json_input(std::string_view text, rapidjson::Document& doc);

/// The request body as a JSON object into `doc` (`parse_json_input`); an empty body is `{}` when
/// `empty_ok`. A 400 answer (`invalid_json` with the offset, `invalid_utf8`, or `invalid_body`)
/// when it is not one.
std::optional<api_response> parse_json_object(const std::string& body, rapidjson::Document& doc, bool empty_ok);

} // namespace pt

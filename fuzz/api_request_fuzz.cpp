// libFuzzer target for what the API reads from a client, without sockets or actors: the request
// target (path and query, percent-decoded), the JSON bodies of every route that takes one
// (POST /sessions, POST /sessions/{id}/stop, POST /strategies/validate as JSON and as YAML text)
// and a WebSocket client's message. Built and run by scripts/fuzz.sh (clang,
// -fsanitize=fuzzer,address,undefined). Besides "no crash, no hang, no undefined behaviour",
// it checks what the API promises its clients: every answer is a JSON object of valid UTF-8.
//
// Input: the first line is a request target; the rest is the body (and the WebSocket message).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "core/symbol.hpp"
#include "web/api/bodies.hpp"
#include "web/api/json.hpp"
#include "web/http/types.hpp"
#include "web/http/utf8.hpp"
#include "web/api/ws_command.hpp"

namespace {

void check(bool ok) {
  if (!ok)
    std::abort(); // a broken promise is a finding, like a crash
}

// An answer a client would read: a JSON object, valid UTF-8, parsed as strictly as a client may.
void check_answer(const pt::api_response& r) {
  check(r.status >= 400 && r.status < 500);
  check(pt::valid_utf8(r.body));
  rapidjson::Document d;
  d.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(r.body.data(), r.body.size());
  check(!d.HasParseError() && d.IsObject() && d.HasMember("error"));
}

template <class T>
void check_outcome(const std::variant<T, pt::api_response>& v) {
  if (auto* r = std::get_if<pt::api_response>(&v))
    check_answer(*r);
}

bool channel_ok(const std::string& c) { return c == "sessions" || c.rfind("market:", 0) == 0; }

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto newline = input.find('\n');
  std::string target(input.substr(0, newline));
  std::string body(newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1));

  pt::api_request req;
  if (auto parsed = pt::parse_target(target)) {
    req = std::move(*parsed);
    if (auto bad = pt::reject_invalid_utf8(req))
      check_answer(*bad);
    else if (auto unknown = pt::reject_unknown_params(req, {"limit", "status"}))
      check_answer(*unknown); // echoes the parameter's name
    bool ok = true;
    pt::query_int(req, "limit", 1, 1000, ok);
  }
  req.query.clear(); // the bodies below, as their routes read them
  req.duplicate_query = false;
  req.body = body;

  rapidjson::Document doc;
  if (auto bad = pt::parse_json_input(body, doc))
    check(bad->code == "invalid_json" || bad->code == "invalid_utf8");
  req.content_type = "application/json";
  check_outcome(pt::strategy_text_of(req));
  check_outcome(pt::read_stop(req));
  auto created = pt::read_create_session(req);
  check_outcome(created);
  if (auto* r = std::get_if<pt::session_request>(&created)) {
    check(r->strategy.empty() != r->yaml.empty());
    check(r->symbol.empty() || pt::is_exchange_symbol(r->symbol));
    check(pt::valid_utf8(r->name) && pt::valid_utf8(r->yaml) && pt::valid_utf8(r->strategy));
  }
  req.content_type = "application/yaml";
  auto yaml = pt::strategy_text_of(req);
  check_outcome(yaml);
  if (auto* text = std::get_if<std::string>(&yaml))
    check(pt::valid_utf8(*text));

  auto command = pt::read_ws_command(body, channel_ok);
  check(command.op.empty() || command.op == "ping" || command.op == "subscribe" || command.op == "unsubscribe");
  for (auto& e : command.errors) {
    pt::json_out j; // as the WebSocket session writes its `error` message
    j.w().StartObject();
    j.str("code", e.code).str("message", e.message);
    j.w().EndObject();
    check(pt::valid_utf8(j.text()));
  }
  return 0;
}

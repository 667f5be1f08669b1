#include "web/api/ws_command.hpp"

#include <rapidjson/document.h>

#include "web/http/types.hpp"

namespace pt {

ws_command read_ws_command(std::string_view text, const std::function<bool(const std::string&)>& channel_ok) {
  ws_command out;
  rapidjson::Document d;
  if (auto bad = parse_json_input(text, d)) {
    out.errors.push_back({bad->code == "invalid_utf8" ? "invalid_utf8" : "bad_json", "not JSON: " + bad->message});
    return out;
  }
  if (!d.IsObject() || !d.HasMember("op") || !d["op"].IsString()) {
    out.errors.push_back({"bad_request", "a message is an object with a string \"op\""});
    return out;
  }
  std::string op(d["op"].GetString(), d["op"].GetStringLength());
  if (op == "ping") {
    out.op = op;
    return out;
  }
  if (op != "subscribe" && op != "unsubscribe") {
    out.errors.push_back({"unknown_op", "unknown op '" + op + "' (subscribe, unsubscribe, ping)"});
    return out;
  }
  if (!d.HasMember("channels") || !d["channels"].IsArray()) {
    out.errors.push_back({"bad_request", op + " needs \"channels\": an array of channel names"});
    return out;
  }
  out.op = op;
  for (auto& c : d["channels"].GetArray()) {
    std::string name = c.IsString() ? std::string(c.GetString(), c.GetStringLength()) : std::string();
    if (!channel_ok(name)) {
      out.errors.push_back({"unknown_channel", "unknown channel '" + name + "' (sessions, session:<id>, market:<SYMBOL>)"});
      continue;
    }
    out.channels.push_back(name);
  }
  return out;
}

} // namespace pt

#pragma once

// A WebSocket client's message to the push endpoint, read and checked without Beast or CAF (so
// the request fuzzer, fuzz/api_request_fuzz.cpp, links it alone). docs/api.md, "WebSocket push".

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace pt {

/// An error a client is told of: the `code` and `message` of an `error` message.
struct ws_error {
  std::string code;
  std::string message;
};

/// A client message read: `op` is "ping", "subscribe" or "unsubscribe", or empty when the
/// message is refused; `channels` are the valid channels named (subscribe/unsubscribe);
/// `errors` are told to the client in order (a refused message has one; a subscribe has one per
/// unknown channel, the valid ones still apply).
struct ws_command {
  std::string op;
  std::vector<std::string> channels;
  std::vector<ws_error> errors;
};

/// Reads one client message `text`: a JSON object `{"op": "ping"}` or `{"op": "subscribe" |
/// "unsubscribe", "channels": ["…"]}`, parsed with `parse_json_input` (no nesting can exhaust the
/// stack; text that is not UTF-8 is refused with `invalid_utf8`). `channel_ok` says whether a
/// channel name is one a client may subscribe to (`valid_channel`). Error codes: `bad_json`,
/// `invalid_utf8`, `bad_request`, `unknown_op`, `unknown_channel`; their messages may quote the
/// client's text, and are sent through a writer that keeps them UTF-8.
ws_command read_ws_command(std::string_view text, const std::function<bool(const std::string&)>& channel_ok);

} // namespace pt

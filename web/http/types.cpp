#include "web/http/types.hpp"

#include <charconv>

#include <rapidjson/encodedstream.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "web/http/utf8.hpp"

namespace pt {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

// Percent-decoding; '+' is a space only in the query part.
std::optional<std::string> decode(const std::string& s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size())
        return std::nullopt;
      int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0)
        return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// Builds a document from a reader's events (the document's own handler), refusing arrays and
// objects nested deeper than `json_max_depth`, and strings or keys that are not UTF-8: RapidJSON
// 1.1 turns an escaped lone surrogate ("\udc00") into bytes that are not, even when validating.
struct depth_checked_handler {
  enum why { none, too_deep, not_utf8 };
  rapidjson::Document& doc;
  int depth = 0;
  why refused = none;

  bool Null() { return doc.Null(); }
  bool Bool(bool b) { return doc.Bool(b); }
  bool Int(int i) { return doc.Int(i); }
  bool Uint(unsigned i) { return doc.Uint(i); }
  bool Int64(int64_t i) { return doc.Int64(i); }
  bool Uint64(uint64_t i) { return doc.Uint64(i); }
  bool Double(double d) { return doc.Double(d); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) { return doc.RawNumber(s, n, copy); }
  bool String(const char* s, rapidjson::SizeType n, bool copy) {
    return utf8(s, n) && doc.String(s, n, copy);
  }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) { return utf8(s, n) && doc.Key(s, n, copy); }
  bool StartObject() { return deeper() && doc.StartObject(); }
  bool EndObject(rapidjson::SizeType members) {
    --depth;
    return doc.EndObject(members);
  }
  bool StartArray() { return deeper() && doc.StartArray(); }
  bool EndArray(rapidjson::SizeType elements) {
    --depth;
    return doc.EndArray(elements);
  }

private:
  bool deeper() {
    if (++depth <= json_max_depth)
      return true;
    refused = too_deep;
    return false;
  }
  bool utf8(const char* s, rapidjson::SizeType n) {
    if (valid_utf8({s, n}))
      return true;
    refused = not_utf8;
    return false;
  }
};

} // namespace

api_response json_error(int status, const std::string& code, const std::string& message) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("error");
  w.StartObject();
  w.Key("code");
  w.String(code.c_str(), static_cast<rapidjson::SizeType>(code.size()));
  w.Key("message");
  auto text = to_valid_utf8(message);
  w.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
  w.EndObject();
  w.EndObject();
  api_response r;
  r.status = status;
  r.body = buf.GetString();
  return r;
}

api_response json_ok(std::string body, int status) {
  api_response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

std::optional<api_request> parse_target(const std::string& target) {
  if (target.empty() || target[0] != '/')
    return std::nullopt;
  api_request req;
  auto q = target.find('?');
  auto path = decode(target.substr(0, q), false);
  if (!path)
    return std::nullopt;
  req.path = *path;
  if (q == std::string::npos)
    return req;
  std::string query = target.substr(q + 1);
  size_t start = 0;
  while (start <= query.size()) {
    auto amp = query.find('&', start);
    auto part = query.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
    if (!part.empty()) {
      auto eq = part.find('=');
      auto key = decode(part.substr(0, eq), true);
      auto value = decode(eq == std::string::npos ? std::string() : part.substr(eq + 1), true);
      if (!key || !value)
        return std::nullopt;
      if (req.query.count(*key))
        req.duplicate_query = true;
      req.query[*key] = *value;
    }
    if (amp == std::string::npos)
      break;
    start = amp + 1;
  }
  return req;
}

std::optional<int64_t> query_int(const api_request& req, const std::string& key, int64_t min, int64_t max,
                                 bool& ok) {
  auto it = req.query.find(key);
  if (it == req.query.end())
    return std::nullopt;
  int64_t v = 0;
  const auto& s = it->second;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty() || v < min || v > max) {
    ok = false;
    return std::nullopt;
  }
  return v;
}

std::optional<api_response> reject_unknown_params(const api_request& req, const std::vector<std::string>& allowed) {
  if (req.duplicate_query)
    return json_error(400, "invalid_parameter", "a query parameter is given twice");
  for (auto& [key, value] : req.query)
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string list;
      for (auto& a : allowed)
        list += (list.empty() ? "" : ", ") + a;
      return json_error(400, "unknown_parameter",
                        "unknown query parameter '" + key + "'" + (list.empty() ? "" : " (expected " + list + ")"));
    }
  return std::nullopt;
}

std::optional<int64_t> parse_session_id(const std::string& text) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v <= 0)
    return std::nullopt;
  return v;
}

std::optional<api_response> reject_invalid_utf8(const api_request& req) {
  if (!valid_utf8(req.path))
    return json_error(400, "invalid_utf8", "the request path is not UTF-8 once percent-decoded");
  for (auto& [key, value] : req.query)
    if (!valid_utf8(key) || !valid_utf8(value))
      return json_error(400, "invalid_utf8", "a query parameter is not UTF-8 once percent-decoded");
  return std::nullopt;
}

std::optional<json_input_error> parse_json_input(std::string_view text, rapidjson::Document& doc) {
  constexpr unsigned flags = rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
  depth_checked_handler handler{doc};
  rapidjson::ParseResult result;
  auto generate = [&](rapidjson::Document&) {
    rapidjson::MemoryStream bytes(text.data(), text.size());
    rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> in(bytes);
    rapidjson::Reader reader;
    result = reader.Parse<flags>(in, handler);
    return !result.IsError();
  };
  doc.Populate(generate);
  if (!result.IsError())
    return std::nullopt;
  auto where = std::to_string(result.Offset());
  if (handler.refused == depth_checked_handler::too_deep)
    return json_input_error{"invalid_json", "arrays and objects nest deeper than " + std::to_string(json_max_depth) +
                                              " levels (at offset " + where + ")"};
  if (handler.refused == depth_checked_handler::not_utf8 || result.Code() == rapidjson::kParseErrorStringInvalidEncoding)
    return json_input_error{"invalid_utf8", "a string is not UTF-8 (at offset " + where + ")"};
  return json_input_error{"invalid_json",
                          "malformed JSON at offset " + where + ": " + rapidjson::GetParseError_En(result.Code())};
}

std::optional<api_response> parse_json_object(const std::string& body, rapidjson::Document& doc, bool empty_ok) {
  if (body.empty() && empty_ok) {
    doc.SetObject();
    return std::nullopt;
  }
  if (auto bad = parse_json_input(body, doc))
    return json_error(400, bad->code, bad->message);
  if (!doc.IsObject())
    return json_error(400, "invalid_body", "the body is a JSON object");
  return std::nullopt;
}

} // namespace pt

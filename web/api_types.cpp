#include "web/api_types.hpp"

#include <charconv>

#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

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
  w.String(message.c_str(), static_cast<rapidjson::SizeType>(message.size()));
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

std::optional<api_response> parse_json_object(const std::string& body, rapidjson::Document& doc, bool empty_ok) {
  if (body.empty() && empty_ok) {
    doc.SetObject();
    return std::nullopt;
  }
  doc.Parse(body.c_str(), body.size());
  if (doc.HasParseError())
    return json_error(400, "invalid_json",
                      std::string("malformed JSON at offset ") + std::to_string(doc.GetErrorOffset()) + ": " +
                        rapidjson::GetParseError_En(doc.GetParseError()));
  if (!doc.IsObject())
    return json_error(400, "invalid_body", "the body is a JSON object");
  return std::nullopt;
}

} // namespace pt

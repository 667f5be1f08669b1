#include "feeds/binance/stream_requests.hpp"

#include <algorithm>
#include <cctype>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace pt {

std::vector<std::string> stream_names(const std::string& symbol, const std::vector<std::string>& streams) {
  std::string lower = symbol;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) { return static_cast<char>(std::tolower(c)); });
  std::vector<std::string> names;
  names.reserve(streams.size());
  for (auto& s : streams)
    names.push_back(lower + "@" + s);
  return names;
}

std::string combined_stream_target(const std::vector<std::string>& symbols, const std::vector<std::string>& streams) {
  std::string target = "/stream";
  bool first = true;
  for (auto& symbol : symbols) {
    for (auto& name : stream_names(symbol, streams)) {
      target += (first ? "?streams=" : "/") + name;
      first = false;
    }
  }
  return target;
}

std::string subscription_request(const std::string& method, const std::vector<std::string>& params, int64_t id) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  w.StartObject();
  w.Key("method");
  w.String(method.c_str(), static_cast<rapidjson::SizeType>(method.size()));
  w.Key("params");
  w.StartArray();
  for (auto& p : params)
    w.String(p.c_str(), static_cast<rapidjson::SizeType>(p.size()));
  w.EndArray();
  w.Key("id");
  w.Int64(id);
  w.EndObject();
  return out.GetString();
}

} // namespace pt

#include "feeds/binance/rest_client.hpp"

#include <utility> // before Asio, as Boost 1.74 needs

#include <algorithm>
#include <cctype>
#include <chrono>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <rapidjson/document.h>

#include "feeds/base_url.hpp"

namespace pt {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

namespace {

rest_error unreachable(const std::string& what) {
  rest_error e(what);
  e.unreachable = true;
  return e;
}

// Binance's error body {"code":-1121,"msg":"Invalid symbol."}, or the raw text.
std::string error_text(unsigned status, const std::string& body) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(body.c_str());
  if (!doc.HasParseError() && doc.IsObject() && doc.HasMember("msg") && doc["msg"].IsString())
    return "HTTP " + std::to_string(status) + ", code " +
           (doc.HasMember("code") && doc["code"].IsInt() ? std::to_string(doc["code"].GetInt()) : "?") + ": " +
           doc["msg"].GetString();
  return "HTTP " + std::to_string(status) + ": " + body.substr(0, 200);
}

using deadline = std::chrono::steady_clock::time_point;

// Runs one asynchronous operation (`start(handler)`) on `ioc` until it completes or `until`
// passes. Beast's blocking calls ignore stream timeouts, so every step of a request is async and
// bounded here. False on timeout (the caller closes the socket).
template <class Start>
bool run_step(net::io_context& ioc, deadline until, beast::error_code& ec, Start start) {
  bool done = false;
  start([&](beast::error_code e, auto&&...) {
    ec = e;
    done = true;
  });
  ioc.restart();
  while (!done && ioc.run_one_until(until) > 0) {
  }
  return done;
}

template <class Stream>
std::string request(net::io_context& ioc, deadline until, Stream& stream, const std::string& host,
                    const std::string& target, std::string& error, unsigned& status) {
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, host);
  req.set(http::field::user_agent, "papertrader");
  beast::error_code ec;
  if (!run_step(ioc, until, ec, [&](auto handler) { http::async_write(stream, req, handler); })) {
    error = "write: timed out";
    return {};
  }
  if (ec) {
    error = "write: " + ec.message();
    return {};
  }
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  if (!run_step(ioc, until, ec, [&](auto handler) { http::async_read(stream, buffer, res, handler); })) {
    error = "read: timed out";
    return {};
  }
  if (ec) {
    error = "read: " + ec.message();
    return {};
  }
  status = res.result_int();
  return res.body();
}

} // namespace

binance_rest_client::binance_rest_client(std::string base_url, int timeout_ms)
  : base_url_(std::move(base_url)), timeout_ms_(timeout_ms) {
  auto url = parse_base_url(base_url_, "http", "https");
  tls_ = url.tls;
  host_ = url.host;
  port_ = url.port;
}

std::string binance_rest_client::get(const std::string& target) const {
  net::io_context ioc;
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms_);
  tcp::resolver resolver(ioc);
  beast::error_code ec;
  tcp::resolver::results_type endpoints;
  if (!run_step(ioc, until, ec, [&](auto handler) {
        resolver.async_resolve(host_, port_, [&endpoints, handler](beast::error_code e,
                                                                   tcp::resolver::results_type r) mutable {
          endpoints = std::move(r);
          handler(e);
        });
      })) {
    resolver.cancel();
    throw unreachable(base_url_ + ": timed out resolving " + host_);
  }
  if (ec)
    throw unreachable(base_url_ + ": " + ec.message());
  std::string error, body;
  unsigned status = 0;
  auto connect = [&](beast::tcp_stream& tcp) {
    bool done = run_step(ioc, until, ec, [&](auto handler) {
      tcp.async_connect(endpoints, [handler](beast::error_code e, const tcp::endpoint&) mutable { handler(e); });
    });
    if (!done) {
      tcp.close();
      throw unreachable(base_url_ + ": timed out connecting");
    }
    if (ec)
      throw unreachable(base_url_ + ": " + ec.message());
  };
  if (tls_) {
    ssl::context ctx(ssl::context::tls_client);
    ctx.set_default_verify_paths();
    ctx.set_verify_mode(ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
    SSL_set_tlsext_host_name(stream.native_handle(), host_.c_str());
    stream.set_verify_callback(ssl::host_name_verification(host_));
    connect(beast::get_lowest_layer(stream));
    if (!run_step(ioc, until, ec, [&](auto handler) { stream.async_handshake(ssl::stream_base::client, handler); })) {
      beast::get_lowest_layer(stream).close();
      throw unreachable(base_url_ + ": timed out in the TLS handshake");
    }
    if (ec)
      throw unreachable(base_url_ + ": " + ec.message());
    body = request(ioc, until, stream, host_, target, error, status);
    if (!error.empty())
      beast::get_lowest_layer(stream).close();
  } else {
    beast::tcp_stream stream(ioc);
    connect(stream);
    body = request(ioc, until, stream, host_, target, error, status);
    if (!error.empty())
      stream.close();
  }
  if (!error.empty())
    throw unreachable(base_url_ + target + ": " + error);
  if (status < 200 || status >= 300)
    throw rest_error(base_url_ + target + ": " + error_text(status, body));
  return body;
}

std::vector<symbol_filters> parse_exchange_info(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(body.c_str());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("symbols") || !doc["symbols"].IsArray())
    throw std::runtime_error("not an exchangeInfo document");
  std::vector<symbol_filters> out;
  for (const auto& s : doc["symbols"].GetArray()) {
    if (!s.IsObject() || !s.HasMember("symbol") || !s["symbol"].IsString())
      continue;
    symbol_filters f;
    f.symbol = s["symbol"].GetString();
    if (s.HasMember("filters") && s["filters"].IsArray()) {
      for (const auto& filter : s["filters"].GetArray()) {
        if (!filter.IsObject() || !filter.HasMember("filterType") || !filter["filterType"].IsString())
          continue;
        std::string type = filter["filterType"].GetString();
        auto text = [&](const char* key) -> std::string {
          return filter.HasMember(key) && filter[key].IsString() ? filter[key].GetString() : "";
        };
        if (type == "PRICE_FILTER")
          f.tick_size = price::parse(text("tickSize")).value_or(price{});
        else if (type == "LOT_SIZE") {
          f.step_size = quantity::parse(text("stepSize")).value_or(quantity{});
          f.min_qty = quantity::parse(text("minQty")).value_or(quantity{});
        } else if (type == "NOTIONAL" || type == "MIN_NOTIONAL")
          f.min_notional = money::parse(text("minNotional")).value_or(money{});
      }
    }
    out.push_back(f);
  }
  return out;
}

namespace {

bool is_symbol(const std::string& symbol) {
  return !symbol.empty() && std::all_of(symbol.begin(), symbol.end(), [](char c) {
    return std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c));
  });
}

} // namespace

int64_t binance_rest_client::server_time_ms() const {
  auto body = get("/api/v3/time");
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(body.c_str());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("serverTime") || !doc["serverTime"].IsInt64())
    throw rest_error(base_url_ + "/api/v3/time: no serverTime in " + body.substr(0, 200));
  return doc["serverTime"].GetInt64();
}

std::vector<candle> parse_klines(const std::string& body, int64_t closed_by_ms) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(body.c_str());
  if (doc.HasParseError() || !doc.IsArray())
    throw rest_error("klines: not a JSON array: " + body.substr(0, 200));
  std::vector<candle> out;
  for (const auto& row : doc.GetArray()) {
    if (!row.IsArray() || row.Size() < 7 || !row[0].IsInt64() || !row[6].IsInt64())
      throw rest_error("klines: a row is not [openTime, open, high, low, close, volume, closeTime, …]");
    candle c;
    c.open_time_ms = row[0].GetInt64();
    c.close_time_ms = row[6].GetInt64();
    auto fixed_at = [&](rapidjson::SizeType i) -> int64_t {
      int64_t raw = 0;
      if (!row[i].IsString() ||
          parse_decimal_raw(std::string_view(row[i].GetString(), row[i].GetStringLength()), raw) != parse_errc::ok)
        throw rest_error("klines: field " + std::to_string(i) + " of the kline at " + std::to_string(c.open_time_ms) +
                         " is not a decimal string");
      return raw;
    };
    c.open = price::from_raw(fixed_at(1));
    c.high = price::from_raw(fixed_at(2));
    c.low = price::from_raw(fixed_at(3));
    c.close = price::from_raw(fixed_at(4));
    c.volume = quantity::from_raw(fixed_at(5));
    c.input_count = 1;
    if (c.close_time_ms <= closed_by_ms && (out.empty() || out.back().open_time_ms < c.open_time_ms))
      out.push_back(c);
  }
  return out;
}

std::vector<candle> binance_rest_client::klines(const std::string& symbol, const std::string& interval, int limit,
                                                int64_t end_time_ms) const {
  if (!is_symbol(symbol))
    throw std::invalid_argument("'" + symbol + "' is not a symbol (upper-case letters and digits)");
  if (limit < 1 || limit > 1000)
    throw std::invalid_argument("klines limit must be 1..1000, not " + std::to_string(limit));
  // The interval is checked by the exchange (-1120); it is letters and digits, so no encoding.
  if (!std::all_of(interval.begin(), interval.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); }))
    throw std::invalid_argument("'" + interval + "' is not a kline interval");
  auto body = get("/api/v3/klines?symbol=" + symbol + "&interval=" + interval + "&endTime=" +
                  std::to_string(end_time_ms) + "&limit=" + std::to_string(limit));
  return parse_klines(body, end_time_ms);
}

std::vector<symbol_filters> binance_rest_client::exchange_filters(const std::vector<std::string>& symbols) const {
  std::vector<symbol_filters> out;
  for (auto& symbol : symbols) {
    // One symbol per request: symbols are letters and digits, so the query needs no encoding.
    if (symbol.empty() || !std::all_of(symbol.begin(), symbol.end(), [](char c) {
          return std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c));
        }))
      throw rest_error("'" + symbol + "' is not a symbol (upper-case letters and digits)");
    std::string body;
    try {
      body = get("/api/v3/exchangeInfo?symbol=" + symbol);
    } catch (const rest_error& e) {
      if (e.unreachable)
        throw;
      throw rest_error(symbol + ": not tradable on " + base_url_ + " (" + e.what() + ")");
    }
    auto filters = parse_exchange_info(body);
    auto it = std::find_if(filters.begin(), filters.end(), [&](const symbol_filters& f) { return f.symbol == symbol; });
    if (it == filters.end())
      throw rest_error(symbol + ": not listed by " + base_url_);
    out.push_back(*it);
  }
  return out;
}

} // namespace pt

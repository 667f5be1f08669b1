#include "app/indicator_command.hpp"

#include <charconv>
#include <cmath>

#include <spdlog/spdlog.h>

#include "feeds/market_file.hpp"
#include "core/market/candle.hpp"
#include "core/indicators/indicator_library.hpp"
#include "core/indicators/series_engine.hpp"

namespace pt {

namespace {

std::string shortest(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e15)
    return std::to_string(static_cast<long long>(v));
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc{} ? std::string(buf, end) : std::to_string(v);
}

std::string trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t");
  return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
}

} // namespace

std::optional<indicator_request> parse_indicator_request(const std::string& text, std::string& error) {
  indicator_request req;
  req.text = text;
  auto open = text.find('(');
  req.type = trim(open == std::string::npos ? text : text.substr(0, open));
  const auto* info = find_indicator_type(req.type);
  if (info == nullptr) {
    std::string list;
    for (auto& t : indicator_types())
      list += (list.empty() ? "" : ", ") + t.type;
    error = "'" + text + "': unknown indicator type '" + req.type + "' (known: " + list + ")";
    return std::nullopt;
  }
  std::vector<std::string> args;
  if (open != std::string::npos) {
    auto close = text.rfind(')');
    if (close == std::string::npos || close < open || trim(text.substr(close + 1)) != "") {
      error = "'" + text + "': expected " + req.type + "(…) with a closing ')'";
      return std::nullopt;
    }
    std::string inner = text.substr(open + 1, close - open - 1);
    size_t start = 0;
    while (!trim(inner).empty()) {
      auto comma = inner.find(',', start);
      args.push_back(trim(inner.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
      if (comma == std::string::npos)
        break;
      start = comma + 1;
    }
  }
  if (args.size() > info->params.size()) {
    error = "'" + text + "': " + req.type + " takes at most " + std::to_string(info->params.size()) + " parameter(s)";
    return std::nullopt;
  }
  req.column = req.type;
  for (size_t i = 0; i < info->params.size(); ++i) {
    const auto& param = info->params[i];
    double v = param.default_value;
    if (i < args.size()) {
      double parsed = 0;
      auto [ptr, ec] = std::from_chars(args[i].data(), args[i].data() + args[i].size(), parsed);
      bool ok = ec == std::errc{} && ptr == args[i].data() + args[i].size() && parsed >= param.min &&
                parsed <= param.max && (!param.integer || parsed == std::floor(parsed));
      if (!ok) {
        error = "'" + text + "': " + param.name + " must be " + (param.integer ? "a whole number" : "a number") +
                " from " + shortest(param.min) + " to " + shortest(param.max) + ", not '" + args[i] + "'";
        return std::nullopt;
      }
      v = parsed;
    }
    req.params.push_back(v);
    req.column += "_" + shortest(v);
  }
  return req;
}

size_t write_indicator_csv(std::ostream& out, const std::string& data_file, const std::optional<std::string>& symbol,
                           int64_t timeframe_ms, const std::vector<indicator_request>& requests) {
  market_file_source source(data_file, symbol);
  if (timeframe_ms <= 0)
    timeframe_ms = source.kline_interval_ms() > 0 ? source.kline_interval_ms() : 60'000;
  std::vector<std::unique_ptr<indicator>> instances;
  std::vector<size_t> outputs;
  out << "open_time";
  for (auto& r : requests) {
    instances.push_back(make_indicator(r.type, r.params, price_source::close));
    const auto* info = find_indicator_type(r.type);
    outputs.push_back(info->outputs.size());
    for (size_t o = 0; o < info->outputs.size(); ++o)
      out << ',' << r.column << (info->outputs.size() > 1 ? "." + info->outputs[o] : "");
  }
  out << '\n';
  candle_aggregator candles(timeframe_ms);
  std::vector<candle> closed;
  size_t bars = 0;
  auto emit = [&](const candle& bar) {
    auto input = to_bar_input(bar);
    out << bar.open_time_ms;
    for (size_t i = 0; i < instances.size(); ++i) {
      instances[i]->update(input);
      for (size_t o = 0; o < outputs[i]; ++o) {
        out << ',';
        if (auto v = instances[i]->value(o))
          out << shortest(*v);
      }
    }
    out << '\n';
    ++bars;
  };
  std::string sym;
  market_event ev;
  while (source.next(sym, ev)) {
    closed.clear();
    if (auto t = std::get_if<trade>(&ev.data))
      candles.on_trade(t->ts_trade_ms > 0 ? t->ts_trade_ms : ev.ts_event_ms, ev.ts_event_ms, t->px, t->qty, closed);
    else if (auto k = std::get_if<kline>(&ev.data); k && k->is_closed)
      candles.on_kline(*k, closed);
    else
      candles.advance_to(ev.ts_event_ms, closed);
    for (auto& bar : closed)
      emit(bar);
  }
  spdlog::info("{} bars of {} from {} ({} lines, {} malformed)", bars, format_timeframe(timeframe_ms), data_file,
               source.counters().lines, source.counters().total_errors());
  return bars;
}

} // namespace pt

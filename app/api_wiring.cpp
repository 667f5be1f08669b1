#include "app/api_wiring.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>

#include <spdlog/spdlog.h>

#include "wire/fill_settings_json.hpp"
#include "app/strategy_loader.hpp"
#include "core/market/candle.hpp"
#include "web/api/auth.hpp"
#include "feeds/binance/rest_client.hpp"

namespace pt {

namespace {

namespace fs = std::filesystem;

constexpr const char* inline_label = "request";

template <class T>
void read_positive(const YAML::Node& map, const char* key, T& out, yaml_problems& p) {
  auto n = map[key];
  if (!n)
    return;
  T value{};
  if (!n.IsScalar() || !YAML::convert<T>::decode(n, value) || !(value > 0))
    p.add(n, std::string("api.") + key + " must be a positive number");
  else
    out = value;
}

std::vector<std::string> string_list(const YAML::Node& n, const char* key, yaml_problems& p) {
  std::vector<std::string> out;
  if (!n.IsSequence()) {
    p.add(n, std::string("api.") + key + " must be a list of strings");
    return out;
  }
  for (const auto& item : n)
    if (item.IsScalar() && !item.Scalar().empty())
      out.push_back(item.Scalar());
    else
      p.add(item, std::string("api.") + key + " entries must be non-empty strings");
  return out;
}

} // namespace

void read_api_settings(const YAML::Node& node, api_settings& out, yaml_problems& p) {
  if (!node.IsMap()) {
    p.add(node, "api must be a mapping (enabled, listen, tokens, rate_per_s, burst, cors_origins, body_limit_bytes)");
    return;
  }
  p.reject_unknown_keys(node, {"enabled", "listen", "tokens", "rate_per_s", "burst", "cors_origins", "body_limit_bytes"},
                        "api");
  if (auto e = node["enabled"]) {
    bool v = true;
    if (!e.IsScalar() || !YAML::convert<bool>::decode(e, v))
      p.add(e, "api.enabled must be true or false");
    else
      out.enabled = v;
  }
  if (auto l = node["listen"]) {
    if (!l.IsScalar() || (!l.Scalar().empty() && !parse_listen_address(l.Scalar())))
      p.add(l, "api.listen must look like 127.0.0.1:8080");
    else
      out.listen = l.Scalar();
  }
  read_positive(node, "rate_per_s", out.rate_per_s, p);
  read_positive(node, "burst", out.burst, p);
  read_positive(node, "body_limit_bytes", out.body_limit_bytes, p);
  if (auto c = node["cors_origins"])
    out.cors_origins = string_list(c, "cors_origins", p);
  if (auto t = node["tokens"]) {
    if (!t.IsSequence()) {
      p.add(t, "api.tokens must be a list of {token, role}");
      return;
    }
    for (const auto& item : t) {
      p.reject_unknown_keys(item, {"token", "role"}, "an api token");
      api_token_setting s;
      auto tok = item["token"];
      if (!tok || !tok.IsScalar() || tok.Scalar().size() < 8)
        p.add(item, "an api token needs a token of at least 8 characters");
      else
        s.token = tok.Scalar();
      if (auto role = item["role"]) {
        if (!role.IsScalar() || (role.Scalar() != "admin" && role.Scalar() != "read"))
          p.add(role, "an api token's role is admin or read");
        else
          s.role = role.Scalar();
      }
      out.tokens.push_back(s);
    }
  }
}

bool api_enabled(const api_settings& settings, const std::optional<std::string>& listen) {
  std::string address = listen.value_or(settings.listen);
  return (listen || settings.enabled) && !address.empty();
}

std::optional<api_options> make_api_options(const api_settings& settings, const std::optional<std::string>& listen,
                                             const std::string& database) {
  if (!api_enabled(settings, listen))
    return std::nullopt;
  std::string address = listen.value_or(settings.listen);
  auto parsed = parse_listen_address(address);
  if (!parsed)
    throw std::runtime_error("--listen must look like 127.0.0.1:8080, not '" + address + "'");
  api_options o;
  o.host = parsed->first;
  o.port = parsed->second;
  o.database = database;
  o.rate_per_s = settings.rate_per_s;
  o.burst = settings.burst;
  o.cors_origins = settings.cors_origins;
  o.body_limit_bytes = static_cast<size_t>(settings.body_limit_bytes);
  for (auto& t : settings.tokens)
    o.tokens.push_back({t.token, t.role});
  if (const char* env = std::getenv("PAPERTRADER_API_TOKEN"); env && *env)
    o.tokens.push_back({env, "admin"});
  if (o.tokens.empty()) {
    std::string path = (database.empty() ? std::string("papertrader") : database) + ".token";
    o.tokens.push_back({load_or_create_token_file(path), "admin"});
    spdlog::info("api: no token configured; the admin token is in {} (mode 0600)", path);
  }
  return o;
}

strategy_problem parse_problem(const std::string& text, const std::string& label) {
  strategy_problem out;
  out.message = text;
  if (text.compare(0, label.size() + 1, label + ":") != 0)
    return out;
  const char* p = text.data() + label.size() + 1;
  const char* end = text.data() + text.size();
  int line = 0, column = 0;
  auto r1 = std::from_chars(p, end, line);
  if (r1.ec != std::errc() || r1.ptr == end || *r1.ptr != ':')
    return out;
  auto r2 = std::from_chars(r1.ptr + 1, end, column);
  if (r2.ec != std::errc() || end - r2.ptr < 2 || r2.ptr[0] != ':' || r2.ptr[1] != ' ')
    return out;
  out.line = line;
  out.column = column;
  out.message = std::string(r2.ptr + 2, end);
  return out;
}

std::function<std::optional<std::string>(const std::string&)> listed_symbol_check(std::string rest_url,
                                                                                   std::vector<std::string> listed) {
  struct state {
    std::mutex mutex;
    std::map<std::string, std::optional<std::string>> known; ///< symbol → why not listed (nullopt: listed)
  };
  auto s = std::make_shared<state>();
  for (auto& symbol : listed)
    s->known[symbol] = std::nullopt;
  return [s, rest_url](const std::string& symbol) -> std::optional<std::string> {
    {
      std::lock_guard<std::mutex> lock(s->mutex);
      if (auto it = s->known.find(symbol); it != s->known.end())
        return it->second;
    }
    std::optional<std::string> why;
    try {
      binance_rest_client(rest_url).exchange_filters({symbol});
    } catch (const rest_error& e) {
      if (e.unreachable)
        return std::nullopt; // not known either way: not remembered
      why = "is not listed by the exchange: " + std::string(e.what());
    } catch (const std::exception& e) {
      why = "is not listed by the exchange: " + std::string(e.what());
    }
    std::lock_guard<std::mutex> lock(s->mutex);
    s->known[symbol] = why;
    return why;
  };
}

api_services make_api_services(const std::string& strategies_dir, const session_defaults& defaults) {
  api_services s;
  s.make_session = [strategies_dir, defaults](const session_request& r,
                                              std::vector<strategy_problem>& problems) -> std::optional<session_config> {
    session_config sc;
    sc.initial_cash = defaults.initial_cash;
    sc.execution = defaults.execution;
    sc.equity_interval_ms = defaults.equity_interval_ms;
    sc.restart = defaults.restart;
    if (r.restart_max >= 0)
      sc.restart.max_restarts = r.restart_max;
    if (r.restart_backoff_ms >= 0)
      sc.restart.backoff_ms = r.restart_backoff_ms;
    if (r.restart_max_backoff_ms >= 0)
      sc.restart.max_backoff_ms = r.restart_max_backoff_ms;
    else if (sc.restart.max_backoff_ms < sc.restart.backoff_ms)
      sc.restart.max_backoff_ms = sc.restart.backoff_ms;
    if (auto why = sc.restart.invalid(); !why.empty())
      problems.push_back({0, 0, why});
    try {
      loaded_strategy loaded;
      if (!r.yaml.empty()) {
        loaded = load_strategy_text(r.yaml, inline_label);
      } else {
        // A file of the strategies folder, by name only: no path can leave the folder.
        if (r.strategy.find('/') != std::string::npos || r.strategy.find('\\') != std::string::npos ||
            r.strategy.rfind('.', 0) == 0) {
          problems.push_back({0, 0, "strategy '" + r.strategy + "' is not a file name of GET /strategies"});
          return std::nullopt;
        }
        auto file = fs::path(strategies_dir) / r.strategy;
        if (file.extension() != ".yaml" && file.extension() != ".yml")
          file += ".yaml";
        if (!fs::is_regular_file(file)) {
          problems.push_back({0, 0, "no strategy '" + r.strategy + "' (GET /strategies lists them)"});
          return std::nullopt;
        }
        loaded = load_strategy_file(file.string());
      }
      sc.strategy = loaded.spec;
      sc.strategy_file = loaded.file;
      sc.strategy_text = loaded.text;
    } catch (const config_error& e) {
      for (auto& problem : e.problems())
        problems.push_back(parse_problem(problem, r.yaml.empty() ? std::string() : inline_label));
      if (problems.empty())
        problems.push_back({0, 0, e.what()});
      return std::nullopt;
    } catch (const std::exception& e) {
      problems.push_back({0, 0, e.what()});
      return std::nullopt;
    }
    sc.name = r.name.empty() ? sc.strategy.name : r.name;
    sc.symbol = r.symbol.empty() ? sc.strategy.symbol : r.symbol;
    for (auto& c : sc.symbol)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (sc.symbol.empty())
      problems.push_back({0, 0, "the session needs a symbol (its strategy names none)"});
    auto decimal = [&](const std::string& text, const char* what, auto& out) {
      if (text.empty())
        return;
      auto v = std::decay_t<decltype(out)>::parse(text);
      if (!v || v->is_negative())
        problems.push_back({0, 0, std::string(what) + " must be a non-negative decimal, not '" + text + "'"});
      else
        out = *v;
    };
    decimal(r.initial_cash, "initial_cash", sc.initial_cash);
    decimal(r.taker_fee_bps, "taker_fee_bps", sc.execution.taker_fee_bps);
    decimal(r.maker_fee_bps, "maker_fee_bps", sc.execution.maker_fee_bps);
    decimal(r.slippage_bps, "slippage_bps", sc.execution.slippage_bps);
    if (r.profile)
      sc.execution.profile = *r.profile;
    sc.execution.overrides = overlay(defaults.execution.overrides, r.fill);
    if (!sc.initial_cash.is_positive() && problems.empty())
      problems.push_back({0, 0, "initial_cash must be positive"});
    if (!problems.empty())
      return std::nullopt;
    return sc;
  };
  s.validate_strategy = [](const std::string& yaml) {
    strategy_check check;
    try {
      auto loaded = load_strategy_text(yaml, inline_label);
      check.name = loaded.spec.name;
      check.symbol = loaded.spec.symbol;
      check.timeframe = format_timeframe(loaded.spec.timeframe_ms);
    } catch (const config_error& e) {
      for (auto& problem : e.problems())
        check.problems.push_back(parse_problem(problem, inline_label));
    } catch (const std::exception& e) {
      check.problems.push_back({0, 0, e.what()});
    }
    return check;
  };
  s.list_strategies = [strategies_dir] {
    std::vector<strategy_entry> out;
    std::error_code ec;
    for (auto& entry : fs::directory_iterator(strategies_dir, ec)) {
      auto ext = entry.path().extension().string();
      if (!entry.is_regular_file() || (ext != ".yaml" && ext != ".yml"))
        continue;
      strategy_entry e;
      e.file = entry.path().filename().string();
      try {
        auto loaded = load_strategy_file(entry.path().string());
        e.name = loaded.spec.name;
        e.symbol = loaded.spec.symbol;
        e.timeframe = format_timeframe(loaded.spec.timeframe_ms);
      } catch (const config_error& err) {
        e.error = err.problems().empty() ? err.what() : err.problems().front();
      } catch (const std::exception& err) {
        e.error = err.what();
      }
      out.push_back(std::move(e));
    }
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.file < b.file; });
    return out;
  };
  return s;
}

} // namespace pt

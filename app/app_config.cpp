#include "app/app_config.hpp"

#include <filesystem>
#include <set>
#include <variant>

#include "wire/fill_settings_json.hpp"
#include "app/api_wiring.hpp"
#include "app/strategy_loader.hpp"
#include "app/yaml_errors.hpp"
#include "core/execution/fill_fields.hpp"

namespace pt {

namespace {

namespace fs = std::filesystem;

std::string resolve(const std::string& base_file, const std::string& path) {
  fs::path p(path);
  if (p.is_absolute())
    return path;
  return (fs::path(base_file).parent_path() / p).lexically_normal().string();
}

template <class T>
void read_fixed(const YAML::Node& map, const char* key, T& out, yaml_problems& p, bool must_be_positive) {
  auto node = map[key];
  if (!node)
    return;
  auto v = node.IsScalar() ? T::parse(node.Scalar()) : std::nullopt;
  if (!v || v->is_negative() || (must_be_positive && v->is_zero()))
    p.add(node, std::string(key) + " must be a " + (must_be_positive ? "positive" : "non-negative") +
                  " decimal number, not '" + (node.IsScalar() ? node.Scalar() : std::string("…")) + "'");
  else
    out = *v;
}

std::string shown(const YAML::Node& n) { return n.IsScalar() ? n.Scalar() : std::string("…"); }

// "fill.queue_factor_pct must be an integer from 0 to 10000, not '1.5'", at `n`.
void bad_value(const fill_field& f, const YAML::Node& n, yaml_problems& p) {
  p.add(n, std::string("fill.") + f.name + " " + fill_field_rule(f) + ", not '" + shown(n) + "'");
}

// One reader per value type of `fill_field_members`: reads `n` into `out`, or reports the
// problem at `n` in the words of `fill_field_rule` (the API's `fill` object says the same).
void read_value(const fill_field& f, const YAML::Node& n, std::optional<bps>& out, yaml_problems& p) {
  auto v = n.IsScalar() ? bps::parse(n.Scalar()) : std::nullopt;
  if (!v || *v < bps::from_units(f.min) || *v > bps::from_units(f.max))
    bad_value(f, n, p);
  else
    out = *v;
}

void read_value(const fill_field& f, const YAML::Node& n, std::optional<bool>& out, yaml_problems& p) {
  bool v = false;
  if (!n.IsScalar() || !YAML::convert<bool>::decode(n, v))
    bad_value(f, n, p);
  else
    out = v;
}

void read_value(const fill_field& f, const YAML::Node& n, std::optional<int64_t>& out, yaml_problems& p) {
  int64_t v = 0;
  if (!n.IsScalar() || !YAML::convert<int64_t>::decode(n, v) || v < f.min || v > f.max)
    bad_value(f, n, p);
  else
    out = v;
}

// A latency: an integer of ms or [min, max] (docs/execution.md).
void read_value(const fill_field& f, const YAML::Node& n, std::optional<latency_range>& out, yaml_problems& p) {
  auto ms = [&](const YAML::Node& x, int64_t& v) {
    return x.IsScalar() && YAML::convert<int64_t>::decode(x, v) && v >= f.min && v <= f.max;
  };
  int64_t lo = 0, hi = 0;
  if (ms(n, lo)) {
    out = latency_range{lo, lo};
    return;
  }
  if (!n.IsSequence() || n.size() != 2 || !ms(n[0], lo) || !ms(n[1], hi)) {
    bad_value(f, n, p);
    return;
  }
  if (lo > hi) {
    p.add(n, std::string("fill.") + f.name + ": min " + std::to_string(lo) + " is above max " + std::to_string(hi));
    return;
  }
  out = latency_range{lo, hi};
}

void read_value(const fill_field& f, const YAML::Node& n, std::optional<uint64_t>& out, yaml_problems& p) {
  uint64_t v = 0;
  // yaml-cpp decodes "-1" into an unsigned as a wrapped value: refuse a sign explicitly.
  if (!n.IsScalar() || n.Scalar().find('-') != std::string::npos || !YAML::convert<uint64_t>::decode(n, v))
    bad_value(f, n, p);
  else
    out = v;
}

// The `fill:` map (every field of `fill_fields()`), on top of what `o` holds already (the
// defaults' `fill:` for a session). Same names, forms and ranges as the API's `fill` object.
void read_fill_overrides(const YAML::Node& map, fill_overrides& o, yaml_problems& p) {
  if (!map.IsMap()) {
    p.add(map, "fill must be a mapping (half_spread_bps, walk_book, submit_latency_ms, …)");
    return;
  }
  std::vector<std::string> names;
  for (auto& f : fill_fields())
    names.push_back(f.name);
  p.reject_unknown_keys(map, names, "fill");
  // Kind by kind, the order problems have always been reported in.
  for (auto kind : {fill_field_kind::bps, fill_field_kind::boolean, fill_field_kind::integer, fill_field_kind::latency,
                    fill_field_kind::seed})
    for (auto& f : fill_fields()) {
      if (f.kind != kind)
        continue;
      if (auto n = map[f.name])
        std::visit([&](auto member) { read_value(f, n, o.*member.in_overrides, p); }, f.member);
    }
}

// Reads the settings a session may override (and `defaults` may set) from `map` into `d`.
void read_session_settings(const YAML::Node& map, session_defaults& d, yaml_problems& p) {
  read_fixed(map, "initial_cash", d.initial_cash, p, true);
  read_fixed(map, "taker_fee_bps", d.execution.taker_fee_bps, p, false);
  read_fixed(map, "maker_fee_bps", d.execution.maker_fee_bps, p, false);
  read_fixed(map, "slippage_bps", d.execution.slippage_bps, p, false);
  read_fixed(map, "qty_step", d.execution.qty_step, p, true);
  if (auto n = map["fill_profile"]) {
    auto profile = n.IsScalar() ? parse_fill_profile(n.Scalar()) : std::nullopt;
    if (!profile)
      p.add(n, "fill_profile must be optimistic, realistic or pessimistic, not '" +
                 (n.IsScalar() ? n.Scalar() : std::string("…")) + "'");
    else
      d.execution.profile = *profile;
  }
  if (auto n = map["fill"])
    read_fill_overrides(n, d.execution.overrides, p);
  if (auto r = map["restart"]) {
    if (!r.IsMap()) {
      p.add(r, "restart must be a mapping {max_restarts, backoff_ms, max_backoff_ms}");
    } else {
      p.reject_unknown_keys(r, {"max_restarts", "backoff_ms", "max_backoff_ms"}, "restart");
      auto policy = d.restart;
      bool ok = true;
      for (auto [key, out] : {std::pair{"max_restarts", &policy.max_restarts}, std::pair{"backoff_ms", &policy.backoff_ms},
                              std::pair{"max_backoff_ms", &policy.max_backoff_ms}}) {
        auto n = r[key];
        if (!n)
          continue;
        int64_t v = 0;
        if (!n.IsScalar() || !YAML::convert<int64_t>::decode(n, v)) {
          p.add(n, std::string("restart.") + key + " must be a whole number");
          ok = false;
        } else {
          *out = v;
        }
      }
      if (!r["max_backoff_ms"] && policy.max_backoff_ms < policy.backoff_ms)
        policy.max_backoff_ms = policy.backoff_ms; // only the first wait was given: it is the cap too
      if (auto why = policy.invalid(); ok && !why.empty())
        p.add(r, why);
      else if (ok)
        d.restart = policy;
    }
  }
  if (auto n = map["equity_interval"]) {
    auto tf = n.IsScalar() ? parse_timeframe_ms(n.Scalar()) : std::nullopt;
    if (!tf)
      p.add(n, "equity_interval must look like 1s, 1m, 1h, not '" + (n.IsScalar() ? n.Scalar() : std::string("…")) + "'");
    else
      d.equity_interval_ms = *tf;
  }
}

} // namespace

std::optional<double> parse_speed(const std::string& text) {
  if (text == "max")
    return 0.0;
  try {
    size_t used = 0;
    double v = std::stod(text, &used);
    if (used == text.size() && v > 0 && v <= 1e6)
      return v;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

app_config load_app_config(const std::string& path) {
  app_config cfg;
  cfg.file = path;
  auto root = parse_yaml(read_text_file(path), path);
  yaml_problems p(path);
  if (!root.IsMap()) {
    p.add(root, "the config is a YAML mapping with database, feed, defaults and sessions");
    p.throw_if_any();
  }
  p.reject_unknown_keys(root, {"database", "feed", "defaults", "retention", "api", "sessions"}, "the config");
  if (auto r = root["retention"]) {
    if (!r.IsMap()) {
      p.add(r, "retention must be a mapping (equity_points, decisions, equity_full_resolution, equity_bucket)");
    } else {
      p.reject_unknown_keys(r, {"equity_points", "decisions", "equity_full_resolution", "equity_bucket"}, "retention");
      for (auto [key, out] : {std::pair{"equity_points", &cfg.retain_equity_points_ms},
                              std::pair{"decisions", &cfg.retain_decisions_ms},
                              std::pair{"equity_full_resolution", &cfg.equity_full_resolution_ms},
                              std::pair{"equity_bucket", &cfg.equity_bucket_ms}}) {
        auto n = r[key];
        if (!n)
          continue;
        bool bucket = std::string_view(key) == "equity_bucket";
        if (!bucket && n.IsScalar() && n.Scalar() == "forever") {
          *out = 0;
          continue;
        }
        auto ms = n.IsScalar() ? parse_timeframe_ms(n.Scalar()) : std::nullopt;
        if (!ms)
          p.add(n, std::string("retention.") + key + (bucket ? " must look like 1m, 15m or 1h"
                                                               : " must look like 12h, 30d or 8w, or be forever"));
        else
          *out = *ms;
      }
      if (cfg.equity_full_resolution_ms > 0 && cfg.equity_bucket_ms > cfg.equity_full_resolution_ms)
        p.add(r, "retention.equity_bucket must not be longer than retention.equity_full_resolution");
    }
  }
  if (auto api = root["api"])
    read_api_settings(api, cfg.api, p);
  if (auto db = root["database"]) {
    if (!db.IsScalar() || db.Scalar().empty())
      p.add(db, "database must be a file path");
    else
      cfg.database = db.Scalar();
  }
  if (auto feed = root["feed"]) {
    p.reject_unknown_keys(feed, {"replay", "speed", "live_url", "rest_url", "warmup", "journal"}, "feed");
    if (auto j = feed["journal"]) {
      if (!j.IsScalar() || j.Scalar().empty())
        p.add(j, "feed.journal must be a file path");
      else if (j.Scalar().size() > 3 && j.Scalar().compare(j.Scalar().size() - 3, 3, ".gz") == 0)
        p.add(j, "feed.journal must be a plain file, not .gz (a crash would cut a gzip stream)");
      else
        cfg.journal = j.Scalar();
    }
    if (auto w = feed["warmup"]) {
      bool value = true;
      if (!w.IsScalar() || !YAML::convert<bool>::decode(w, value))
        p.add(w, "feed.warmup must be true or false");
      else
        cfg.warmup = value;
    }
    if (auto u = feed["rest_url"]) {
      if (!u.IsScalar() || (u.Scalar().rfind("http://", 0) != 0 && u.Scalar().rfind("https://", 0) != 0))
        p.add(u, "feed.rest_url must be an http:// or https:// URL");
      else
        cfg.rest_url = u.Scalar();
    }
    if (auto u = feed["live_url"]) {
      if (!u.IsScalar() || (u.Scalar().rfind("ws://", 0) != 0 && u.Scalar().rfind("wss://", 0) != 0))
        p.add(u, "feed.live_url must be a ws:// or wss:// URL");
      else
        cfg.live_url = u.Scalar();
    }
    if (auto r = feed["replay"]) {
      if (!r.IsScalar() || r.Scalar().empty())
        p.add(r, "feed.replay must be a file path");
      else
        cfg.replay_file = resolve(path, r.Scalar());
    }
    if (auto s = feed["speed"]) {
      auto v = s.IsScalar() ? parse_speed(s.Scalar()) : std::nullopt;
      if (!v)
        p.add(s, "feed.speed must be 'max' or a positive number");
      else
        cfg.replay_speed = *v;
    }
  }
  static const std::vector<std::string> setting_keys{"initial_cash", "taker_fee_bps", "maker_fee_bps",
                                                     "slippage_bps", "qty_step", "equity_interval",
                                                     "fill_profile", "fill", "restart"};
  if (auto d = root["defaults"]) {
    p.reject_unknown_keys(d, setting_keys, "defaults");
    read_session_settings(d, cfg.defaults, p);
  }
  auto sessions = root["sessions"];
  if (sessions && !sessions.IsSequence()) {
    p.add(sessions, "sessions must be a list");
  } else if (sessions) {
    std::set<std::string> names;
    for (const auto& s : sessions) {
      auto keys = setting_keys;
      keys.insert(keys.end(), {"name", "strategy", "symbol"});
      p.reject_unknown_keys(s, keys, "a session");
      session_config sc;
      session_defaults d = cfg.defaults;
      read_session_settings(s, d, p);
      sc.initial_cash = d.initial_cash;
      sc.execution = d.execution;
      sc.equity_interval_ms = d.equity_interval_ms;
      sc.restart = d.restart;
      auto name = s["name"];
      if (!name || !name.IsScalar() || name.Scalar().empty())
        p.add(s, "a session needs a name");
      else if (!names.insert(name.Scalar()).second)
        p.add(name, "session name '" + name.Scalar() + "' is used twice");
      else
        sc.name = name.Scalar();
      auto strat = s["strategy"];
      if (!strat || !strat.IsScalar()) {
        p.add(s, "a session needs a strategy file (strategy: strategies/ema_crossover.yaml)");
        continue;
      }
      try {
        auto loaded = load_strategy_file(resolve(path, strat.Scalar()));
        sc.strategy = loaded.spec;
        sc.strategy_file = loaded.file;
        sc.strategy_text = loaded.text;
      } catch (const config_error& e) {
        for (auto& problem : e.problems())
          p.add(strat, "in strategy: " + problem);
        continue;
      }
      sc.symbol = sc.strategy.symbol;
      if (auto sym = s["symbol"]; sym && sym.IsScalar())
        sc.symbol = sym.Scalar();
      if (sc.symbol.empty())
        p.add(s, "session '" + sc.name + "' needs a symbol (its strategy names none)");
      cfg.sessions.push_back(std::move(sc));
    }
  }
  p.throw_if_any();
  return cfg;
}

} // namespace pt

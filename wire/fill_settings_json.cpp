#include "wire/fill_settings_json.hpp"

#include <cmath>

#include <rapidjson/error/en.h>

#include "core/exchange_order.hpp"

namespace pt {

namespace {

std::optional<fill_field_problem> bad(const char* field, std::string why) {
  return fill_field_problem{field, std::move(why)};
}

std::optional<fill_field_problem> read_bps(const char* field, const rapidjson::Value& v, std::optional<bps>& out) {
  std::optional<bps> x;
  if (v.IsString())
    x = bps::parse(std::string_view(v.GetString(), v.GetStringLength()));
  else if (v.IsInt64() && v.GetInt64() >= 0 && v.GetInt64() <= 10'000)
    x = bps::from_units(v.GetInt64());
  if (!x || x->is_negative() || *x > bps::from_units(10'000))
    return bad(field, "must be bps from 0 to 10000, as a decimal string (\"0.5\") or an integer");
  out = *x;
  return std::nullopt;
}

std::optional<fill_field_problem> read_int(const char* field, const rapidjson::Value& v, int64_t max,
                                           std::optional<int64_t>& out) {
  if (!v.IsInt64() || v.GetInt64() < 0 || v.GetInt64() > max)
    return bad(field, "must be an integer from 0 to " + std::to_string(max));
  out = v.GetInt64();
  return std::nullopt;
}

std::optional<fill_field_problem> read_latency(const char* field, const rapidjson::Value& v,
                                               std::optional<latency_range>& out) {
  auto ok_ms = [](const rapidjson::Value& x) {
    return x.IsInt64() && x.GetInt64() >= 0 && x.GetInt64() <= max_latency_ms;
  };
  const std::string why = "must be ms from 0 to " + std::to_string(max_latency_ms) + ", an integer or [min, max]";
  if (ok_ms(v)) {
    out = latency_range{v.GetInt64(), v.GetInt64()};
    return std::nullopt;
  }
  if (!v.IsArray() || v.Size() != 2 || !ok_ms(v[0]) || !ok_ms(v[1]))
    return bad(field, why);
  if (v[0].GetInt64() > v[1].GetInt64())
    return bad(field, "min " + std::to_string(v[0].GetInt64()) + " is above max " + std::to_string(v[1].GetInt64()));
  out = latency_range{v[0].GetInt64(), v[1].GetInt64()};
  return std::nullopt;
}

void key(json_writer& w, const char* k) { w.Key(k); }

void decimal(json_writer& w, const char* k, int64_t raw) {
  w.Key(k);
  auto s = format_decimal_raw(raw);
  w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
}

void latency(json_writer& w, const char* k, const latency_range& r) {
  w.Key(k);
  w.StartArray();
  w.Int64(r.min_ms);
  w.Int64(r.max_ms);
  w.EndArray();
}

} // namespace

std::optional<fill_field_problem> read_fill_overrides(const rapidjson::Value& v, fill_overrides& out) {
  if (!v.IsObject())
    return bad("fill", "must be an object");
  fill_overrides o = out;
  for (auto& m : v.GetObject()) {
    std::string name(m.name.GetString(), m.name.GetStringLength());
    const auto& x = m.value;
    std::optional<fill_field_problem> p;
    auto boolean = [&](const char* field, std::optional<bool>& dst) {
      if (!x.IsBool())
        return bad(field, "must be true or false");
      dst = x.GetBool();
      return std::optional<fill_field_problem>();
    };
    if (name == "half_spread_bps")
      p = read_bps("half_spread_bps", x, o.half_spread_bps);
    else if (name == "beyond_book_bps")
      p = read_bps("beyond_book_bps", x, o.beyond_book_bps);
    else if (name == "walk_book")
      p = boolean("walk_book", o.walk_book);
    else if (name == "remember_liquidity")
      p = boolean("remember_liquidity", o.remember_liquidity);
    else if (name == "fill_on_touch")
      p = boolean("fill_on_touch", o.fill_on_touch);
    else if (name == "queue_factor_pct")
      p = read_int("queue_factor_pct", x, 10'000, o.queue_factor_pct);
    else if (name == "trade_share_pct")
      p = read_int("trade_share_pct", x, 100, o.trade_share_pct);
    else if (name == "submit_latency_ms")
      p = read_latency("submit_latency_ms", x, o.submit_latency);
    else if (name == "ack_latency_ms")
      p = read_latency("ack_latency_ms", x, o.ack_latency);
    else if (name == "cancel_latency_ms")
      p = read_latency("cancel_latency_ms", x, o.cancel_latency);
    else if (name == "seed") {
      if (!x.IsUint64())
        p = bad("seed", "must be a non-negative integer");
      else
        o.seed = x.GetUint64();
    } else
      p = fill_field_problem{name, "is not a fill setting (half_spread_bps, walk_book, beyond_book_bps, "
                                   "remember_liquidity, fill_on_touch, queue_factor_pct, trade_share_pct, "
                                   "submit_latency_ms, ack_latency_ms, cancel_latency_ms, seed)"};
    if (p)
      return p;
  }
  out = o;
  return std::nullopt;
}

void write_fill_overrides(json_writer& w, const fill_overrides& o) {
  w.StartObject();
  if (o.half_spread_bps)
    decimal(w, "half_spread_bps", o.half_spread_bps->raw());
  if (o.walk_book) {
    key(w, "walk_book");
    w.Bool(*o.walk_book);
  }
  if (o.beyond_book_bps)
    decimal(w, "beyond_book_bps", o.beyond_book_bps->raw());
  if (o.remember_liquidity) {
    key(w, "remember_liquidity");
    w.Bool(*o.remember_liquidity);
  }
  if (o.fill_on_touch) {
    key(w, "fill_on_touch");
    w.Bool(*o.fill_on_touch);
  }
  if (o.queue_factor_pct) {
    key(w, "queue_factor_pct");
    w.Int64(*o.queue_factor_pct);
  }
  if (o.trade_share_pct) {
    key(w, "trade_share_pct");
    w.Int64(*o.trade_share_pct);
  }
  if (o.submit_latency)
    latency(w, "submit_latency_ms", *o.submit_latency);
  if (o.ack_latency)
    latency(w, "ack_latency_ms", *o.ack_latency);
  if (o.cancel_latency)
    latency(w, "cancel_latency_ms", *o.cancel_latency);
  if (o.seed) {
    key(w, "seed");
    w.Uint64(*o.seed);
  }
  w.EndObject();
}

void write_fill_params(json_writer& w, const fill_params& p) {
  w.StartObject();
  decimal(w, "taker_fee_bps", p.taker_fee_bps.raw());
  decimal(w, "maker_fee_bps", p.maker_fee_bps.raw());
  decimal(w, "slippage_bps", p.slippage_bps.raw());
  decimal(w, "half_spread_bps", p.half_spread_bps.raw());
  key(w, "walk_book");
  w.Bool(p.walk_book);
  decimal(w, "beyond_book_bps", p.beyond_book_bps.raw());
  key(w, "remember_liquidity");
  w.Bool(p.remember_liquidity);
  key(w, "fill_on_touch");
  w.Bool(p.fill_on_touch);
  key(w, "queue_factor_pct");
  w.Int64(p.queue_factor_pct);
  key(w, "trade_share_pct");
  w.Int64(p.trade_share_pct);
  latency(w, "submit_latency_ms", p.submit_latency);
  latency(w, "ack_latency_ms", p.ack_latency);
  latency(w, "cancel_latency_ms", p.cancel_latency);
  key(w, "seed");
  w.Uint64(p.seed);
  w.EndObject();
}

fill_overrides overlay(const fill_overrides& base, const fill_overrides& top) {
  fill_overrides o = base;
  auto take = [](auto& dst, const auto& src) {
    if (src)
      dst = src;
  };
  take(o.half_spread_bps, top.half_spread_bps);
  take(o.walk_book, top.walk_book);
  take(o.beyond_book_bps, top.beyond_book_bps);
  take(o.remember_liquidity, top.remember_liquidity);
  take(o.fill_on_touch, top.fill_on_touch);
  take(o.queue_factor_pct, top.queue_factor_pct);
  take(o.trade_share_pct, top.trade_share_pct);
  take(o.submit_latency, top.submit_latency);
  take(o.ack_latency, top.ack_latency);
  take(o.cancel_latency, top.cancel_latency);
  take(o.seed, top.seed);
  return o;
}

std::string fill_settings_json(const execution_params& e) {
  rapidjson::StringBuffer buf;
  json_writer w(buf);
  w.StartObject();
  w.Key("profile");
  w.String(to_string(e.profile));
  decimal(w, "maker_fee_bps", e.maker_fee_bps.raw());
  w.Key("overrides");
  write_fill_overrides(w, e.overrides);
  w.EndObject();
  return buf.GetString();
}

std::optional<stored_fill_settings> parse_fill_settings_json(const std::string& text, std::string* error) {
  auto fail = [&](std::string why) -> std::optional<stored_fill_settings> {
    if (error)
      *error = std::move(why);
    return std::nullopt;
  };
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  if (doc.HasParseError())
    return fail(std::string("not JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()) + " at offset " +
                std::to_string(doc.GetErrorOffset()));
  if (!doc.IsObject())
    return fail("not a JSON object");
  stored_fill_settings s;
  auto profile = doc.FindMember("profile");
  if (profile == doc.MemberEnd() || !profile->value.IsString())
    return fail("no profile");
  auto p = parse_fill_profile(profile->value.GetString());
  if (!p)
    return fail(std::string("unknown profile '") + profile->value.GetString() + "'");
  s.profile = *p;
  auto maker = doc.FindMember("maker_fee_bps");
  if (maker != doc.MemberEnd()) {
    auto m = maker->value.IsString() ? bps::parse(maker->value.GetString()) : std::nullopt;
    if (!m)
      return fail("maker_fee_bps is not a decimal string");
    s.maker_fee_bps = *m;
  }
  auto overrides = doc.FindMember("overrides");
  if (overrides != doc.MemberEnd())
    if (auto problem = read_fill_overrides(overrides->value, s.overrides))
      return fail("overrides." + problem->field + " " + problem->why);
  return s;
}

void write_fill_report(json_writer& w, const fill_report& r) {
  w.StartObject();
  key(w, "arrival_px");
  if (r.arrival_px) {
    auto s = r.arrival_px->to_string();
    w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
  } else {
    w.Null();
  }
  key(w, "avg_px");
  if (r.avg_px) {
    auto s = r.avg_px->to_string();
    w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
  } else {
    w.Null();
  }
  key(w, "slippage_bps");
  if (std::isfinite(r.slippage_bps))
    w.Double(r.slippage_bps);
  else
    w.Null();
  decimal(w, "filled_qty", r.filled_qty.raw());
  decimal(w, "maker_qty", r.maker_qty.raw());
  decimal(w, "taker_qty", r.taker_qty.raw());
  decimal(w, "fees", r.fees.raw());
  decimal(w, "queue_at_placement", r.queue_at_placement.raw());
  key(w, "time_to_fill_ms");
  if (r.time_to_fill_ms >= 0)
    w.Int64(r.time_to_fill_ms);
  else
    w.Null();
  key(w, "status");
  w.String(to_string(r.status));
  w.EndObject();
}

std::optional<exec_status> parse_exec_status(const std::string& text) {
  for (auto s : {exec_status::pending_new, exec_status::new_order, exec_status::triggered,
                 exec_status::partially_filled, exec_status::filled, exec_status::canceled, exec_status::rejected,
                 exec_status::expired})
    if (text == to_string(s))
      return s;
  return std::nullopt;
}

} // namespace pt

#include "wire/fill_settings_json.hpp"

#include <cmath>

#include <rapidjson/error/en.h>

#include "core/execution/exchange_order.hpp"

namespace pt {

namespace {

std::optional<fill_field_problem> bad(const char* field, std::string why) {
  return fill_field_problem{field, std::move(why)};
}

// One reader per value type of `fill_field_members`: reads `v` into `out`, or names the problem
// in the words of `fill_field_rule`.
std::optional<fill_field_problem> read_value(const fill_field& f, const rapidjson::Value& v, std::optional<bps>& out) {
  std::optional<bps> x;
  if (v.IsString())
    x = bps::parse(std::string_view(v.GetString(), v.GetStringLength()));
  else if (v.IsInt64() && v.GetInt64() >= f.min && v.GetInt64() <= f.max)
    x = bps::from_units(v.GetInt64());
  if (!x || *x < bps::from_units(f.min) || *x > bps::from_units(f.max))
    return bad(f.name, fill_field_rule(f) + ", as a decimal string (\"0.5\") or an integer");
  out = *x;
  return std::nullopt;
}

std::optional<fill_field_problem> read_value(const fill_field& f, const rapidjson::Value& v, std::optional<bool>& out) {
  if (!v.IsBool())
    return bad(f.name, fill_field_rule(f));
  out = v.GetBool();
  return std::nullopt;
}

std::optional<fill_field_problem> read_value(const fill_field& f, const rapidjson::Value& v,
                                             std::optional<int64_t>& out) {
  if (!v.IsInt64() || v.GetInt64() < f.min || v.GetInt64() > f.max)
    return bad(f.name, fill_field_rule(f));
  out = v.GetInt64();
  return std::nullopt;
}

std::optional<fill_field_problem> read_value(const fill_field& f, const rapidjson::Value& v,
                                             std::optional<latency_range>& out) {
  auto ok_ms = [&](const rapidjson::Value& x) { return x.IsInt64() && x.GetInt64() >= f.min && x.GetInt64() <= f.max; };
  if (ok_ms(v)) {
    out = latency_range{v.GetInt64(), v.GetInt64()};
    return std::nullopt;
  }
  if (!v.IsArray() || v.Size() != 2 || !ok_ms(v[0]) || !ok_ms(v[1]))
    return bad(f.name, fill_field_rule(f));
  if (v[0].GetInt64() > v[1].GetInt64())
    return bad(f.name, "min " + std::to_string(v[0].GetInt64()) + " is above max " + std::to_string(v[1].GetInt64()));
  out = latency_range{v[0].GetInt64(), v[1].GetInt64()};
  return std::nullopt;
}

std::optional<fill_field_problem> read_value(const fill_field& f, const rapidjson::Value& v,
                                             std::optional<uint64_t>& out) {
  if (!v.IsUint64())
    return bad(f.name, fill_field_rule(f));
  out = v.GetUint64();
  return std::nullopt;
}

void key(json_writer& w, const char* k) { w.Key(k); }

void decimal(json_writer& w, const char* k, int64_t raw) {
  w.Key(k);
  auto s = format_decimal_raw(raw);
  w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
}

// One writer per value type of `fill_field_members`, in the form `read_value` reads (bps as
// decimal strings, latencies as `[min, max]`).
void write_value(json_writer& w, bps v) {
  auto s = format_decimal_raw(v.raw());
  w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
}
void write_value(json_writer& w, bool v) { w.Bool(v); }
void write_value(json_writer& w, int64_t v) { w.Int64(v); }
void write_value(json_writer& w, uint64_t v) { w.Uint64(v); }
void write_value(json_writer& w, const latency_range& r) {
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
    const fill_field* f = find_fill_field(name);
    if (!f)
      return fill_field_problem{name, "is not a fill setting (" + fill_field_names() + ")"};
    auto p = std::visit([&](auto member) { return read_value(*f, m.value, o.*member.in_overrides); }, f->member);
    if (p)
      return p;
  }
  out = o;
  return std::nullopt;
}

void write_fill_overrides(json_writer& w, const fill_overrides& o) {
  w.StartObject();
  for (auto& f : fill_fields())
    std::visit(
      [&](auto member) {
        if (auto& v = o.*member.in_overrides) {
          key(w, f.name);
          write_value(w, *v);
        }
      },
      f.member);
  w.EndObject();
}

void write_fill_params(json_writer& w, const fill_params& p) {
  w.StartObject();
  decimal(w, "taker_fee_bps", p.taker_fee_bps.raw());
  decimal(w, "maker_fee_bps", p.maker_fee_bps.raw());
  decimal(w, "slippage_bps", p.slippage_bps.raw());
  for (auto& f : fill_fields())
    std::visit(
      [&](auto member) {
        key(w, f.name);
        write_value(w, p.*member.in_params);
      },
      f.member);
  w.EndObject();
}

fill_overrides overlay(const fill_overrides& base, const fill_overrides& top) {
  fill_overrides o = base;
  for (auto& f : fill_fields())
    std::visit(
      [&](auto member) {
        if (top.*member.in_overrides)
          o.*member.in_overrides = top.*member.in_overrides;
      },
      f.member);
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
  w.EndObject();
}

} // namespace pt

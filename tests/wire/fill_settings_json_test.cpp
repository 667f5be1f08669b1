// A session's fill settings as JSON (POST /sessions `fill`, sessions.fill_settings) and the
// overrides they carry: what is read is what is written back, and a bad field is named.

#include <string>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "wire/fill_settings_json.hpp"

namespace pt {
namespace {

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str());
  EXPECT_FALSE(d.HasParseError()) << text;
  return d;
}

TEST(FillOverrides, EmptyUntilAFieldIsSet) {
  fill_overrides o;
  EXPECT_TRUE(o.empty());
  o.seed = 0; // a set field, even with a zero value
  EXPECT_FALSE(o.empty());
  fill_overrides q;
  q.ack_latency = latency_range{1, 2};
  EXPECT_FALSE(q.empty());
}

TEST(FillOverrides, ApplyReplacesOnlyTheFieldsSet) {
  auto base = fill_profile_params(fill_profile::realistic);
  EXPECT_EQ(fill_overrides{}.apply(base).submit_latency.max_ms, base.submit_latency.max_ms);
  fill_overrides o;
  o.half_spread_bps = bps::from_units(3);
  o.walk_book = false;
  o.fill_on_touch = true;
  o.queue_factor_pct = 0;
  o.submit_latency = latency_range{7, 7};
  o.seed = 99;
  auto f = o.apply(base);
  EXPECT_EQ(f.half_spread_bps, bps::from_units(3));
  EXPECT_FALSE(f.walk_book);
  EXPECT_TRUE(f.fill_on_touch);
  EXPECT_EQ(f.queue_factor_pct, 0);
  EXPECT_EQ(f.submit_latency.min_ms, 7);
  EXPECT_EQ(f.submit_latency.max_ms, 7);
  EXPECT_EQ(f.seed, 99u);
  // Not set: the profile's.
  EXPECT_EQ(f.beyond_book_bps, base.beyond_book_bps);
  EXPECT_EQ(f.remember_liquidity, base.remember_liquidity);
  EXPECT_EQ(f.trade_share_pct, base.trade_share_pct);
  EXPECT_EQ(f.ack_latency.max_ms, base.ack_latency.max_ms);
  EXPECT_EQ(f.cancel_latency.min_ms, base.cancel_latency.min_ms);
  EXPECT_EQ(f.taker_fee_bps, base.taker_fee_bps);
}

TEST(FillOverrides, SessionParamsApplyOverridesThenFees) {
  execution_params e;
  e.profile = fill_profile::pessimistic;
  e.taker_fee_bps = bps::from_units(4);
  e.overrides.trade_share_pct = 10;
  auto f = session_fill_params(e);
  EXPECT_EQ(f.trade_share_pct, 10);
  EXPECT_EQ(f.taker_fee_bps, bps::from_units(4));
  EXPECT_EQ(f.queue_factor_pct, fill_profile_params(fill_profile::pessimistic).queue_factor_pct);
}

TEST(FillSettingsJson, EveryFieldReadsAndWritesBack) {
  auto doc = parse(R"({"half_spread_bps": "0.25", "walk_book": false, "beyond_book_bps": 12,
                       "remember_liquidity": false, "fill_on_touch": true, "queue_factor_pct": 250,
                       "trade_share_pct": 100, "submit_latency_ms": [10, 30], "ack_latency_ms": 4,
                       "cancel_latency_ms": [0, 0], "seed": 18446744073709551615})");
  fill_overrides o;
  ASSERT_FALSE(read_fill_overrides(doc, o));
  EXPECT_EQ(o.half_spread_bps, bps::parse("0.25"));
  EXPECT_EQ(o.beyond_book_bps, bps::from_units(12));
  EXPECT_EQ(o.walk_book, false);
  EXPECT_EQ(o.queue_factor_pct, 250);
  EXPECT_EQ(o.submit_latency->min_ms, 10);
  EXPECT_EQ(o.submit_latency->max_ms, 30);
  EXPECT_EQ(o.ack_latency->min_ms, 4);
  EXPECT_EQ(o.ack_latency->max_ms, 4);
  EXPECT_EQ(o.seed, 18446744073709551615ull);

  execution_params e;
  e.profile = fill_profile::optimistic;
  e.maker_fee_bps = bps::parse("2.5").value();
  e.overrides = o;
  auto text = fill_settings_json(e);
  std::string error;
  auto back = parse_fill_settings_json(text, &error);
  ASSERT_TRUE(back) << error << " in " << text;
  EXPECT_EQ(back->profile, fill_profile::optimistic);
  EXPECT_EQ(back->maker_fee_bps, e.maker_fee_bps);
  execution_params again = e;
  again.maker_fee_bps = back->maker_fee_bps;
  again.profile = back->profile;
  again.overrides = back->overrides;
  EXPECT_EQ(fill_settings_json(again), text);
}

TEST(FillSettingsJson, ABadFieldIsNamedWithWhy) {
  struct bad_case {
    const char* json;
    const char* field;
    const char* why;
  };
  for (auto c : {bad_case{R"({"half_spread_bps": "-1"})", "half_spread_bps", "from 0 to 10000"},
                 bad_case{R"({"half_spread_bps": 0.5})", "half_spread_bps", "decimal string"},
                 bad_case{R"({"beyond_book_bps": "20000"})", "beyond_book_bps", "from 0 to 10000"},
                 bad_case{R"({"walk_book": 1})", "walk_book", "true or false"},
                 bad_case{R"({"queue_factor_pct": 10001})", "queue_factor_pct", "0 to 10000"},
                 bad_case{R"({"trade_share_pct": 101})", "trade_share_pct", "0 to 100"},
                 bad_case{R"({"submit_latency_ms": [50, 10]})", "submit_latency_ms", "above max"},
                 bad_case{R"({"ack_latency_ms": [1, 2, 3]})", "ack_latency_ms", "[min, max]"},
                 bad_case{R"({"cancel_latency_ms": -5})", "cancel_latency_ms", "[min, max]"},
                 bad_case{R"({"seed": -1})", "seed", "non-negative integer"},
                 bad_case{R"({"fees": 3})", "fees", "not a fill setting"}}) {
    auto doc = parse(c.json);
    fill_overrides o;
    o.seed = 5;
    auto p = read_fill_overrides(doc, o);
    ASSERT_TRUE(p) << c.json;
    EXPECT_EQ(p->field, c.field) << c.json;
    EXPECT_NE(p->why.find(c.why), std::string::npos) << c.json << ": " << p->why;
    EXPECT_EQ(o.seed, 5u) << "a rejected object changes nothing: " << c.json;
  }
  EXPECT_FALSE(parse_fill_settings_json("{\"profile\": \"lucky\"}"));
  EXPECT_FALSE(parse_fill_settings_json("not json"));
  EXPECT_FALSE(parse_fill_settings_json("{\"profile\": \"realistic\", \"overrides\": {\"seed\": \"x\"}}"));
}

TEST(FillSettingsJson, OverlayTakesTheTopFieldsOverTheBase) {
  fill_overrides base, top;
  base.seed = 1;
  base.walk_book = false;
  top.seed = 2;
  top.trade_share_pct = 50;
  auto o = overlay(base, top);
  EXPECT_EQ(o.seed, 2u);
  EXPECT_EQ(o.walk_book, false);
  EXPECT_EQ(o.trade_share_pct, 50);
  EXPECT_FALSE(o.ack_latency);
}

TEST(FillSettingsJson, ReportWritesNullsForWhatIsNotKnown) {
  fill_report r;
  rapidjson::StringBuffer buf;
  json_writer w(buf);
  write_fill_report(w, r);
  EXPECT_EQ(std::string(buf.GetString()),
            R"({"arrival_px":null,"avg_px":null,"slippage_bps":0.0,"filled_qty":"0.00000000",)"
            R"("maker_qty":"0.00000000","taker_qty":"0.00000000","fees":"0.00000000",)"
            R"("queue_at_placement":"0.00000000","time_to_fill_ms":null})"); // the status is the order's own
}

} // namespace
} // namespace pt

// The performance object's JSON: the writer and the field table (which the OpenAPI schema is
// generated from) agree, undefined figures are null, and the schema is referenced by the route.

#include "wire/performance_json.hpp"

#include <string>

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "web/api/router.hpp"

namespace pt {
namespace {

rapidjson::Document written(const performance_metrics& m) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  write_performance(w, m);
  rapidjson::Document doc;
  doc.Parse(buf.GetString());
  EXPECT_FALSE(doc.HasParseError()) << buf.GetString();
  return doc;
}

void expect_matches_table(const rapidjson::Document& doc) {
  ASSERT_TRUE(doc.IsObject());
  const auto& fields = performance_fields();
  ASSERT_EQ(doc.MemberCount(), fields.size());
  size_t i = 0;
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it, ++i) {
    const auto& f = fields[i];
    EXPECT_STREQ(it->name.GetString(), f.name) << i;
    const auto& v = it->value;
    if (v.IsNull()) {
      EXPECT_TRUE(f.nullable) << f.name << " is null but not nullable";
      continue;
    }
    switch (f.kind) {
    case metric_kind::decimal:
      EXPECT_TRUE(v.IsString()) << f.name;
      break;
    case metric_kind::number:
      EXPECT_TRUE(v.IsNumber()) << f.name;
      break;
    case metric_kind::integer:
      EXPECT_TRUE(v.IsInt64()) << f.name;
      break;
    case metric_kind::boolean:
      EXPECT_TRUE(v.IsBool()) << f.name;
      break;
    }
  }
}

TEST(PerformanceJson, UndefinedFiguresAreNull) {
  performance_metrics m; // nothing defined
  auto doc = written(m);
  expect_matches_table(doc);
  EXPECT_TRUE(doc["sharpe"].IsNull());
  EXPECT_TRUE(doc["win_rate"].IsNull());
  EXPECT_TRUE(doc["expectancy"].IsNull());
  EXPECT_STREQ(doc["fees"].GetString(), "0.00000000");
}

TEST(PerformanceJson, DefinedFiguresAreWritten) {
  performance_metrics m;
  m.sharpe = 1.25;
  m.win_rate = 0.5;
  m.expectancy = money::from_raw(-279'750'000);
  m.avg_entry_price = price::from_units(110);
  m.unrealized_pnl = money::from_units(20);
  auto doc = written(m);
  expect_matches_table(doc);
  EXPECT_DOUBLE_EQ(doc["sharpe"].GetDouble(), 1.25);
  EXPECT_STREQ(doc["expectancy"].GetString(), "-2.79750000");
  EXPECT_STREQ(doc["avg_entry_price"].GetString(), "110.00000000");
}

TEST(PerformanceJson, OpenApiDescribesTheMetricsRoute) {
  rapidjson::Document doc;
  doc.Parse(openapi_json(api_routes()).c_str());
  ASSERT_FALSE(doc.HasParseError());
  const auto& ok = doc["paths"]["/sessions/{id}/metrics"]["get"]["responses"]["200"];
  EXPECT_STREQ(ok["content"]["application/json"]["schema"]["$ref"].GetString(), "#/components/schemas/SessionMetrics");
  const auto& perf = doc["components"]["schemas"]["SessionMetrics"]["properties"]["performance"];
  EXPECT_TRUE(perf["nullable"].GetBool());
  for (auto& f : performance_fields()) {
    ASSERT_TRUE(perf["properties"].HasMember(f.name)) << f.name;
    EXPECT_EQ(perf["properties"][f.name].HasMember("nullable"), f.nullable) << f.name;
  }
  const auto& params = doc["paths"]["/sessions/{id}/metrics"]["get"]["parameters"];
  bool period = false;
  for (auto& p : params.GetArray())
    period = period || std::string(p["name"].GetString()) == "period_ms";
  EXPECT_TRUE(period);
}

} // namespace
} // namespace pt

// The `api:` config section and how app/ turns it (with --listen and the environment) into the
// server's options.

#include <cstdlib>
#include <filesystem>
#include <optional>

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "app/api_wiring.hpp"
#include "tests/support/process.hpp"

namespace pt {
namespace {

std::vector<std::string> problems_of(const std::string& text, api_settings& out) {
  yaml_problems p("cfg.yaml");
  read_api_settings(YAML::Load(text), out, p);
  return p.list();
}

TEST(ApiSettings, ReadsEveryKey) {
  api_settings s;
  auto problems = problems_of("{enabled: true, listen: '127.0.0.1:0', rate_per_s: 5, burst: 7, "
                              "cors_origins: ['*'], body_limit_bytes: 1024, "
                              "tokens: [{token: abcdefgh, role: read}, {token: 12345678}]}",
                              s);
  EXPECT_TRUE(problems.empty()) << problems[0];
  EXPECT_EQ(s.listen, "127.0.0.1:0");
  EXPECT_EQ(s.rate_per_s, 5);
  EXPECT_EQ(s.burst, 7);
  EXPECT_EQ(s.body_limit_bytes, 1024);
  ASSERT_EQ(s.tokens.size(), 2u);
  EXPECT_EQ(s.tokens[0].role, "read");
  EXPECT_EQ(s.tokens[1].role, "admin");
}

TEST(ApiSettings, ReportsEveryProblemWithItsPosition) {
  api_settings s;
  auto problems = problems_of("enabled: maybe\nlisten: nowhere\nrate_per_s: -1\ncolour: red\n"
                              "tokens: [{token: short, role: king}]\n",
                              s);
  ASSERT_EQ(problems.size(), 6u);
  EXPECT_EQ(problems[0].rfind("cfg.yaml:4:1: unknown key 'colour'", 0), 0u) << problems[0];
}

TEST(ApiSettings, ListenFlagOverridesAndEmptyTurnsOff) {
  api_settings s;
  s.tokens = {{"configured-token", "admin"}};
  auto o = make_api_options(s, std::string("127.0.0.1:0"), "");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->port, 0);
  EXPECT_FALSE(make_api_options(s, std::string(""), ""));
  s.enabled = false;
  EXPECT_FALSE(make_api_options(s, std::nullopt, ""));
  EXPECT_TRUE(make_api_options(s, std::string("127.0.0.1:1"), "")); // the flag wins
  EXPECT_THROW(make_api_options(s, std::string("nowhere"), ""), std::runtime_error);
}

TEST(ApiSettings, WithoutTokensOneIsGeneratedBesideTheDatabase) {
  // An operator's PAPERTRADER_API_TOKEN would be used instead: this test runs without it.
  std::optional<std::string> saved;
  if (const char* v = std::getenv("PAPERTRADER_API_TOKEN"))
    saved = v;
  unsetenv("PAPERTRADER_API_TOKEN");
  auto dir = test::make_temp_dir("api-wiring");
  auto o = make_api_options(api_settings{}, std::nullopt, dir + "/pt.db");
  if (saved)
    setenv("PAPERTRADER_API_TOKEN", saved->c_str(), 1);
  ASSERT_TRUE(o);
  ASSERT_EQ(o->tokens.size(), 1u);
  EXPECT_EQ(o->tokens[0].role, "admin");
  EXPECT_EQ(o->port, 8080);
  EXPECT_EQ(test::slurp(dir + "/pt.db.token"), o->tokens[0].token + "\n");
  struct stat st{};
  ASSERT_EQ(stat((dir + "/pt.db.token").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
}

TEST(ApiSettings, EnvironmentTokenIsAnAdmin) {
  setenv("PAPERTRADER_API_TOKEN", "from-the-environment", 1);
  auto o = make_api_options(api_settings{}, std::string("127.0.0.1:0"), "");
  unsetenv("PAPERTRADER_API_TOKEN");
  ASSERT_TRUE(o);
  ASSERT_EQ(o->tokens.size(), 1u);
  EXPECT_EQ(o->tokens[0].token, "from-the-environment");
  EXPECT_EQ(o->tokens[0].role, "admin");
}

} // namespace
} // namespace pt

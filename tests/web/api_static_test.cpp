// The dashboard's static files: the URL → file mapping refuses traversal and hidden files, and
// a real server answers files with their content type and anything else with a JSON 404.

#include <filesystem>
#include <memory>
#include <string>

#include <caf/all.hpp>
#include <gtest/gtest.h>

#include "actors/market_data_broadcaster.hpp"
#include "actors/messages.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/temp_dir_test.hpp"
#include "web/api/server.hpp"
#include "web/api/static_files.hpp"

namespace pt::test {
namespace {

namespace fs = std::filesystem;

class ApiStatic : public temp_dir_test {
protected:
  void SetUp() override {
    temp_dir_test::SetUp();
    root_ = in_dir("dash");
    fs::create_directories(root_ + "/sub");
    fs::create_directories(root_ + "/node_modules/lightweight-charts/dist");
    write("dash/index.html", "<!doctype html><title>x</title>");
    write("dash/app.js", "console.log(1);");
    write("dash/sub/style.css", "body{}");
    write("dash/.secret", "hidden");
    write("dash/node_modules/lightweight-charts/dist/lightweight-charts.standalone.production.js", "chart();");
    write("dash/node_modules/lightweight-charts/package.json", "{}");
    write("outside.txt", "not for you");
    fs::create_symlink(in_dir("outside.txt"), root_ + "/link.txt");
  }
  std::string file(const std::string& rel) const { return fs::canonical(root_ + "/" + rel).string(); }
  std::string root_;
};

TEST_F(ApiStatic, MapsPathsBelowTheRoot) {
  EXPECT_EQ(static_file_path(root_, "/"), file("index.html"));
  EXPECT_EQ(static_file_path(root_, "/app.js"), file("app.js"));
  EXPECT_EQ(static_file_path(root_, "/sub/style.css"), file("sub/style.css"));
  EXPECT_EQ(static_file_path(root_, "/vendor/lightweight-charts.js"),
            file("node_modules/lightweight-charts/dist/lightweight-charts.standalone.production.js"));
}

TEST_F(ApiStatic, RefusesTraversalHiddenFilesAndEverythingElse) {
  for (auto bad : {"/../outside.txt", "/sub/../../outside.txt", "/sub/..", "/./app.js", "/.secret", "/link.txt",
                   "/node_modules/lightweight-charts/package.json", "/sub", "/sub/", "//app.js", "/nope.js",
                   "/app.js/", "/sub\\style.css", "app.js", ""})
    EXPECT_EQ(static_file_path(root_, bad), std::nullopt) << bad;
  EXPECT_EQ(static_file_path(root_, std::string("/app.js\0.png", 12)), std::nullopt);
  EXPECT_EQ(static_file_path("", "/"), std::nullopt);
  EXPECT_EQ(static_file_path(in_dir("missing"), "/"), std::nullopt);
}

TEST(ApiStaticTypes, ContentTypesByExtension) {
  EXPECT_EQ(static_content_type("/a/index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(static_content_type("/a/app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(static_content_type("/a/style.css"), "text/css; charset=utf-8");
  EXPECT_EQ(static_content_type("/a/x.svg"), "image/svg+xml");
  EXPECT_EQ(static_content_type("/a/x.bin"), "application/octet-stream");
}

class ApiStaticServer : public ApiStatic {
protected:
  void SetUp() override {
    ApiStatic::SetUp();
    api_options o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.tokens = {{"admin-token-1", "admin"}};
    o.dashboard_dir = root_;
    server_ = std::make_unique<api_server>(o, api_services{}, system_, broadcaster_);
    server_->start();
  }
  void TearDown() override {
    server_->stop();
    caf::anon_send_exit(broadcaster_, caf::exit_reason::user_shutdown);
    ApiStatic::TearDown();
  }
  static caf::actor_system_config& prepared(caf::actor_system_config& c) {
    register_message_types(c);
    return c;
  }
  caf::actor_system_config cfg_;
  caf::actor_system system_{prepared(cfg_)};
  broadcaster_actor broadcaster_ = system_.spawn(market_data_broadcaster);
  std::unique_ptr<api_server> server_;
};

TEST_F(ApiStaticServer, ServesFilesWithoutATokenAndJson404sOtherwise) {
  auto port = server_->port();
  auto index = http_get(port, "/", "");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.body, "<!doctype html><title>x</title>");
  EXPECT_EQ(index.header("content-type"), "text/html; charset=utf-8");
  auto chart = http_get(port, "/vendor/lightweight-charts.js", "");
  EXPECT_EQ(chart.status, 200);
  EXPECT_EQ(chart.body, "chart();");
  EXPECT_EQ(chart.header("content-type"), "text/javascript; charset=utf-8");
  for (auto bad : {"/../outside.txt", "/%2e%2e/outside.txt", "/sub/%2E%2E/%2e%2e/outside.txt", "/.secret",
                   "/link.txt", "/missing.js", "/sub%5cstyle.css"}) {
    auto r = http_get(port, bad, "");
    EXPECT_EQ(r.status, 404) << bad;
    EXPECT_EQ(r.header("content-type"), "application/json") << bad;
    EXPECT_NE(r.body.find("\"not_found\""), std::string::npos) << bad << ": " << r.body;
    EXPECT_EQ(r.body.find("not for you"), std::string::npos) << bad;
  }
  EXPECT_EQ(http_call(port, "POST", "/", "x").status, 405);
  // The API keeps its own answers.
  EXPECT_EQ(http_get(port, "/api/v1/sessions", "").status, 401);
  EXPECT_EQ(http_get(port, "/api/nope", "admin-token-1").status, 404);
}

} // namespace
} // namespace pt::test

#include "web/api/static_files.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <vector>

#include "web/api/router.hpp"

namespace pt {

namespace fs = std::filesystem;

namespace {

constexpr const char* chart_alias = "/vendor/lightweight-charts.js";
constexpr const char* chart_file = "node_modules/lightweight-charts/dist/lightweight-charts.standalone.production.js";

// Splits "/a/b" into {"a", "b"}; nullopt when a segment is one the dashboard never serves.
std::optional<std::vector<std::string>> safe_segments(const std::string& url_path) {
  if (url_path.empty() || url_path.front() != '/')
    return std::nullopt;
  std::vector<std::string> out;
  size_t start = 1;
  while (start <= url_path.size()) {
    auto slash = url_path.find('/', start);
    auto seg = url_path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (seg.empty() || seg.front() == '.' || seg == "node_modules" ||
        seg.find_first_of(std::string("\\\0", 2)) != std::string::npos)
      return std::nullopt;
    out.push_back(std::move(seg));
    if (slash == std::string::npos)
      break;
    start = slash + 1;
  }
  return out;
}

} // namespace

std::optional<std::string> static_file_path(const std::string& root, const std::string& url_path) {
  if (root.empty())
    return std::nullopt;
  std::error_code ec;
  fs::path base = fs::canonical(root, ec);
  if (ec)
    return std::nullopt;
  fs::path candidate = base;
  if (url_path == "/") {
    candidate /= "index.html";
  } else if (url_path == chart_alias) {
    candidate /= chart_file;
  } else {
    auto segments = safe_segments(url_path);
    if (!segments)
      return std::nullopt;
    for (auto& s : *segments)
      candidate /= s;
  }
  fs::path real = fs::canonical(candidate, ec);
  if (ec || !fs::is_regular_file(real, ec))
    return std::nullopt;
  // A symlink may point anywhere: what is served must still lie below the folder.
  auto rel = real.lexically_relative(base);
  if (rel.empty() || *rel.begin() == "..")
    return std::nullopt;
  return real.string();
}

std::string static_content_type(const std::string& path) {
  auto ext = fs::path(path).extension().string();
  if (ext == ".html")
    return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs")
    return "text/javascript; charset=utf-8";
  if (ext == ".css")
    return "text/css; charset=utf-8";
  if (ext == ".json")
    return "application/json";
  if (ext == ".svg")
    return "image/svg+xml";
  if (ext == ".png")
    return "image/png";
  if (ext == ".ico")
    return "image/x-icon";
  if (ext == ".txt")
    return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

void serve_static(api_context& ctx, const api_request& req, api_reply reply) {
  if (req.method != "GET" && req.method != "HEAD") { // HEAD: the connection drops the body
    auto res = json_error(405, "method_not_allowed",
                          req.method + " is not allowed on " + req.path + " (allowed: GET, HEAD)");
    res.headers.emplace_back("Allow", "GET, HEAD");
    reply(std::move(res));
    return;
  }
  if (ctx.options.dashboard_dir.empty()) {
    reply(json_error(404, "not_found", "no such path: " + req.path + " (this server has no dashboard)"));
    return;
  }
  // Reading a file may block: on the worker pool, like the SQLite reads.
  ctx.worker.post([root = ctx.options.dashboard_dir, path = req.path, reply] {
    auto file = static_file_path(root, path);
    if (!file) {
      reply(json_error(404, "not_found", "no such path: " + path));
      return;
    }
    std::ifstream in(*file, std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    if (!in.good() && !in.eof()) {
      reply(json_error(500, "read_error", "the file could not be read"));
      return;
    }
    api_response res;
    res.body = body.str();
    res.content_type = static_content_type(*file);
    res.headers.emplace_back("X-Content-Type-Options", "nosniff");
    reply(std::move(res));
  });
}

} // namespace pt

#pragma once

// The dashboard's static files (web/dashboard/), served at `/` next to the API: a safe mapping
// of URL paths to files below one folder, and the handler that reads them on a worker thread.

#include <optional>
#include <string>

#include "web/http/types.hpp"

namespace pt {

struct api_context;

/// The file below `root` that the decoded URL path `url_path` names, or nullopt when the path is
/// refused or names nothing: "/" is `index.html`; `/vendor/lightweight-charts.js` is the chart
/// library from `node_modules` (the only file of `node_modules` that is served); any segment
/// that is empty, starts with '.' (so "." and ".."), is `node_modules`, or holds a backslash or
/// a NUL is refused. The result is canonical (symlinks resolved) and must still lie below the
/// canonical `root`, and be a regular file.
std::optional<std::string> static_file_path(const std::string& root, const std::string& url_path);

/// The Content-Type of a file by its extension ("text/html; charset=utf-8", …;
/// "application/octet-stream" for an unknown one).
std::string static_content_type(const std::string& path);

/// Answers a request outside /api/v1: a GET of a dashboard file (read on the worker pool), a JSON
/// 404 when there is no such file (or no dashboard folder is configured), a JSON 405 for other
/// methods. Needs no token: the files hold no data; the page asks for the token itself.
void serve_static(api_context& ctx, const api_request& req, api_reply reply);

} // namespace pt

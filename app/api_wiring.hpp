#pragma once

// What app/ gives the REST API server: its options (listen address, tokens) and the services
// web/ cannot link itself (strategy loading lives in app/).

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "app/app_config.hpp"
#include "app/yaml_errors.hpp"
#include "web/api/server.hpp"

namespace pt {

/// Reads the `api:` section of the app config into `out`, recording every problem in `p`.
void read_api_settings(const YAML::Node& node, api_settings& out, yaml_problems& p);

/// Whether the API is on: `--listen` when given (non-empty), else the config's `api.enabled`
/// with a non-empty `api.listen`.
bool api_enabled(const api_settings& settings, const std::optional<std::string>& listen);

/// The server's options from the config, the `--listen` flag (when given; "" turns the API
/// off) and the run's database (read-only history; `<db>.token` holds a generated token).
/// Tokens: the config's, plus `PAPERTRADER_API_TOKEN` (admin); with none, a random one stored
/// beside the database (mode 0600), whose path — never the token — is logged.
/// nullopt when the API is off. Throws `std::runtime_error` for a bad listen address or when
/// the token file cannot be written.
std::optional<api_options> make_api_options(const api_settings& settings, const std::optional<std::string>& listen,
                                             const std::string& database);

/// The strategy services: `validate_strategy` (app/strategy_loader.hpp on text),
/// `list_strategies` (every *.yaml of `strategies_dir`) and `make_session` (a `POST /sessions`
/// request into a session config: its strategy from `strategies_dir` by file name — no path —
/// or inline, its settings over `defaults`). The supervisor is the caller's to set.
api_services make_api_services(const std::string& strategies_dir, const session_defaults& defaults = {});

/// An `api_services::check_symbol` for a live run: a symbol of `listed` (those whose exchange
/// rules were read at start) passes; another is asked of the exchange at `rest_url` once
/// (`GET /api/v3/exchangeInfo?symbol=…`, on the calling worker thread) and the answer kept. It
/// says why not when the exchange answers that it does not list the symbol; nullopt when it does,
/// or when it cannot be reached (the feed then finds out). Thread-safe.
std::function<std::optional<std::string>(const std::string&)> listed_symbol_check(std::string rest_url,
                                                                                   std::vector<std::string> listed);

/// Splits a `config_error` problem ("label:line:column: message") into its parts; line and
/// column are 0 when the text has no position.
strategy_problem parse_problem(const std::string& text, const std::string& label);

} // namespace pt

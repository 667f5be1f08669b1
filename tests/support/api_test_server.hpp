#pragma once

// An API server in-process for the web tests, with stand-ins for what app/ injects: a session
// supervisor that answers every command (id 1: the command succeeds; id 2: its state does not
// allow it, 409; another id: unknown, 404), strategy services, and a broadcaster that knows
// BTCUSDT and its 1m candles. The database is migrated and holds session 1 (BTCUSDT).

#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <vector>

#include <caf/all.hpp>
#include <gtest/gtest.h>

#include "actors/handles.hpp"
#include "actors/messages.hpp"
#include "store/migrations.hpp"
#include "actors/session_activity.hpp"
#include "actors/session_errc.hpp"
#include "store/sqlite.hpp"
#include "tests/support/process.hpp"
#include "web/api/server.hpp"

namespace pt::test {

inline const std::string api_admin = "admin-token-1";
inline const std::string api_reader = "read-token-1";

/// A session summary of `id` in `status`.
inline session_summary summary_of(int64_t id, session_status status) {
  session_summary s;
  s.session_id = id;
  s.name = "s" + std::to_string(id);
  s.strategy = "ema";
  s.symbol = "BTCUSDT";
  s.status = status;
  return s;
}

/// Answers a command on `id` as described at the top of this file.
inline caf::result<session_summary> command_answer(int64_t id, session_status status) {
  if (id == 1)
    return summary_of(id, status);
  if (id == 2)
    return make_error(session_errc::invalid_transition, "session 2 is stopped");
  return make_error(session_errc::unknown_session, "no session " + std::to_string(id));
}

/// The stand-in supervisor: a `supervisor_actor`, so its protocol is the real one (a form the
/// supervisor gains or changes does not compile here until the stand-in follows). What the web
/// layer never sends (the run-wide messages, what trackers and engines report, the timers, the
/// questions for diagnostics) is taken and ignored, or answered with `sec::unexpected_message`.
inline supervisor_actor::behavior_type fake_supervisor(supervisor_actor::pointer) {
  auto not_asked = [] { return caf::make_error(caf::sec::unexpected_message); };
  return {
    [](const run_warmups&) {},
    [not_asked](start_atom) -> caf::result<ok_atom> { return not_asked(); },
    [](stop_atom) {},
    [not_asked](await_atom) -> caf::result<std::vector<session_report>> { return not_asked(); },
    [](const session_report&) {},
    [](const session_summary&) {},
    [](const session_activity&) {},
    [](indicators_atom, int64_t, const indicator_history&) {},
    [not_asked](status_atom) -> caf::result<std::vector<session_summary>> { return not_asked(); },
    [not_asked](status_atom, int64_t) -> caf::result<session_summary> { return not_asked(); },
    [not_asked](watch_atom, const caf::actor&) -> caf::result<std::vector<session_summary>> { return not_asked(); },
    [not_asked](caf::get_atom, int64_t) -> caf::result<indicator_engine_actor> { return not_asked(); },
    [](settle_atom) {},
    [](restart_atom, int64_t, int64_t) {},
    [](create_atom, session_config& c) -> caf::result<session_summary> {
      auto s = summary_of(7, session_status::running);
      s.name = c.name;
      s.symbol = c.symbol;
      return s;
    },
    [](pause_atom, int64_t id) { return command_answer(id, session_status::paused); },
    [](resume_atom, int64_t id) { return command_answer(id, session_status::running); },
    [](stop_atom, int64_t id, bool) { return command_answer(id, session_status::stopped); },
    [](watch_atom, const caf::actor&, activity_atom) { return std::vector<session_summary>{}; }, // the push hub
    [](indicators_atom, int64_t, int64_t) { // one 1m bar of one series
      indicator_history h;
      h.timeframe_ms = 60'000;
      h.names = {"ema_fast"};
      h.series_timeframes_ms = {60'000};
      h.open_times_ms = {1'723'161'240'000};
      h.values = {{61'830.5}};
      return h;
    },
  };
}

// Spawned, the stand-in is a `supervisor_actor` (not a handle it merely converts to).
static_assert(std::is_same<caf::infer_handle_from_fun_t<decltype(&fake_supervisor)>, supervisor_actor>::value,
              "the stand-in supervisor must have the supervisor's handle");

/// The stand-in broadcaster: BTCUSDT's stats and 1m candles.
inline caf::behavior fake_broadcaster(caf::event_based_actor*) {
  return {
    [](status_atom) {
      symbol_stats s;
      s.symbol = "BTCUSDT";
      s.events = 10;
      return std::vector<symbol_stats>{s};
    },
    [](candles_atom, const std::string& symbol, int64_t timeframe_ms, int64_t) -> caf::result<candle_history> {
      if (symbol != "BTCUSDT" || timeframe_ms != 60'000)
        return caf::make_error(caf::sec::invalid_argument); // no running session builds these
      candle_history h;
      h.symbol = symbol;
      h.timeframe_ms = timeframe_ms;
      return h;
    },
  };
}

/// What the stand-in services were asked.
struct api_service_log {
  std::mutex mutex;
  std::vector<session_request> created;
};

/// Strategy services that accept every request; `make_session` records it in `log`.
inline api_services fake_services(supervisor_actor supervisor, std::shared_ptr<api_service_log> log) {
  api_services s;
  s.supervisor = std::move(supervisor);
  s.validate_strategy = [](const std::string&) { return strategy_check{{}, "x", "BTCUSDT", "1m"}; };
  s.list_strategies = [] { return std::vector<strategy_entry>{{"ema.yaml", "ema", "BTCUSDT", "1m", ""}}; };
  s.make_session = [log](const session_request& r, std::vector<strategy_problem>& problems) -> std::optional<session_config> {
    {
      std::lock_guard<std::mutex> lock(log->mutex);
      log->created.push_back(r);
    }
    if (r.strategy == "broken") {
      problems.push_back({1, 1, "broken"});
      return std::nullopt;
    }
    session_config c;
    c.name = r.name.empty() ? "new" : r.name;
    c.symbol = r.symbol.empty() ? "BTCUSDT" : r.symbol;
    return c;
  };
  return s;
}

/// Session 1 in the sessions table of the database at `path` (already migrated), named `name`
/// (bytes as given, UTF-8 or not).
inline void insert_session(const std::string& path, const std::string& name = "s1") {
  sql::database db(path);
  sql::statement st(db, "INSERT INTO sessions (session_id, name, strategy_name, strategy_file, strategy_yaml, symbol, "
                        "status, initial_cash_raw, taker_fee_bps_raw, slippage_bps_raw, cash_raw, equity_raw, "
                        "created_at_ms, updated_at_ms) VALUES (1, ?1, 'ema', 'ema.yaml', '', 'BTCUSDT', 'running', "
                        "100000000000, 0, 0, 100000000000, 100000000000, 1, 1)");
  st.bind(1, name);
  st.step();
}

/// A broadcaster that takes every question and never answers (its askers time out).
inline caf::behavior silent_broadcaster(caf::event_based_actor*) {
  return {
    [](status_atom) { return caf::delegated<std::vector<symbol_stats>>{}; },
    [](candles_atom, const std::string&, int64_t, int64_t) { return caf::delegated<candle_history>{}; },
  };
}

/// Owns an actor system and the servers a test starts on it.
class api_test_base : public testing::Test {
protected:
  /// Starts a server with `o` (tokens, host and port filled in when not set) and `s`.
  api_server& start(api_options o, api_services s, caf::actor broadcaster) {
    o.host = "127.0.0.1";
    o.port = 0;
    if (o.tokens.empty())
      o.tokens = {{api_admin, "admin"}, {api_reader, "read"}};
    // The stand-ins answer only what the API asks of a broadcaster.
    servers_.push_back(
      std::make_unique<api_server>(o, std::move(s), system_, caf::actor_cast<broadcaster_actor>(std::move(broadcaster))));
    servers_.back()->start();
    return *servers_.back();
  }

  /// A migrated database holding session 1 (named `name`), in a new temporary folder.
  std::string database_with_session(const std::string& name = "s1") {
    auto path = make_temp_dir("api-test") + "/pt.db";
    open_database(path);
    insert_session(path, name);
    return path;
  }

  /// A server with every service, on a database holding session 1.
  api_server& start_full(api_options o = {}, const std::string& session_name = "s1") {
    o.database = database_with_session(session_name);
    return start(o, fake_services(supervisor_, log_), broadcaster_);
  }

  void TearDown() override {
    for (auto& s : servers_)
      s->stop();
    for (auto& a : {caf::actor_cast<caf::actor>(supervisor_), broadcaster_})
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  }

  static caf::actor_system_config& prepared(caf::actor_system_config& c) {
    register_message_types(c);
    return c;
  }

  caf::actor_system_config cfg_;
  caf::actor_system system_{prepared(cfg_)};
  supervisor_actor supervisor_ = system_.spawn(fake_supervisor);
  caf::actor broadcaster_ = system_.spawn(fake_broadcaster);
  std::shared_ptr<api_service_log> log_ = std::make_shared<api_service_log>();
  std::vector<std::unique_ptr<api_server>> servers_;
};

} // namespace pt::test

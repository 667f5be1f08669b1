// papertrader: paper trading on real Binance market data. Command line and wiring.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "feeds/market_file.hpp"
#include "store/sqlite.hpp"
#include "app/api_wiring.hpp"
#include "app/app_config.hpp"
#include "app/indicator_command.hpp"
#include "app/record_command.hpp"
#include "app/report.hpp"
#include "app/run_command.hpp"
#include "app/runner.hpp"
#include "app/strategy_loader.hpp"
#include "app/yaml_errors.hpp"
#include "feeds/binance/rest_client.hpp"
#include "replay_server/server.hpp"

namespace {

using namespace pt;

constexpr int exit_usage = 2;

// Logs go to stderr so stdout carries only results (the backtest table).
void setup_logging(const std::string& level) {
  auto logger = spdlog::stderr_color_mt("papertrader");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(level));
  spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");
}

void print_problems(const config_error& e) {
  for (auto& p : e.problems())
    std::cerr << "error: " << p << '\n';
}

struct backtest_args {
  std::vector<std::string> strategies;
  std::string data;
  std::string json;
  std::string symbol;
  std::string database;
  std::string initial_cash = "10000";
  std::string fee_bps = "10";
  std::string maker_fee_bps = "10";
  std::string slippage_bps = "0";
  std::string qty_step = "0.00001";
};

int cmd_backtest(const backtest_args& args) {
  session_defaults defaults;
  auto initial = money::parse(args.initial_cash);
  auto fee = bps::parse(args.fee_bps);
  auto maker_fee = bps::parse(args.maker_fee_bps);
  auto slip = bps::parse(args.slippage_bps);
  auto step = quantity::parse(args.qty_step);
  if (!initial || !initial->is_positive() || !fee || fee->is_negative() || !maker_fee || maker_fee->is_negative() ||
      !slip || slip->is_negative() || !step || !step->is_positive()) {
    std::cerr << "error: --initial-cash and --qty-step must be positive decimals, --fee-bps, --maker-fee-bps and "
                 "--slippage-bps non-negative decimals\n";
    return exit_usage;
  }
  std::string symbol = args.symbol;
  if (symbol.empty())
    symbol = symbol_from_file_name(args.data).value_or("");
  run_request req;
  bool bad = false;
  for (auto& path : args.strategies) {
    try {
      auto loaded = load_strategy_file(path);
      session_config sc;
      sc.name = std::filesystem::path(path).stem().string();
      sc.strategy = loaded.spec;
      sc.strategy_file = loaded.file;
      sc.strategy_text = loaded.text;
      sc.symbol = symbol.empty() ? loaded.spec.symbol : symbol;
      sc.initial_cash = *initial;
      sc.execution.taker_fee_bps = *fee;
      sc.execution.maker_fee_bps = *maker_fee;
      sc.execution.slippage_bps = *slip;
      sc.execution.qty_step = *step;
      sc.keep_full_history = true; // --json prints every fill and decision
      if (sc.symbol.empty()) {
        std::cerr << "error: " << path << ": no symbol: give --symbol\n";
        bad = true;
      }
      req.sessions.push_back(std::move(sc));
    } catch (const config_error& e) {
      print_problems(e);
      bad = true;
    }
  }
  if (bad)
    return exit_usage;
  req.replay.path = args.data;
  req.replay.speed = 0;
  if (!args.symbol.empty())
    req.replay.symbol = args.symbol;
  req.database = args.database;
  req.exit_at_end = true;
  auto outcome = run_sessions(req);
  print_summary_table(std::cout, outcome.reports);
  if (!args.json.empty()) {
    write_reports_json(args.json, outcome.reports);
    spdlog::info("wrote {}", args.json);
  }
  if (outcome.feed.events == 0)
    spdlog::warn("{} held no market events for {}", args.data, symbol);
  for (auto& r : outcome.reports)
    if (r.status == session_status::failed)
      return 1;
  return 0;
}

int cmd_validate(const std::vector<std::string>& files) {
  int bad = 0;
  for (auto& file : files) {
    try {
      auto loaded = load_strategy_file(file);
      const auto& s = loaded.spec;
      std::cout << file << ": ok — " << s.name << ", " << format_timeframe(s.timeframe_ms) << " bars, "
                << s.indicators.size() << " indicator(s), evaluated on " << to_string(s.evaluation) << "\n";
    } catch (const config_error& e) {
      print_problems(e);
      ++bad;
    }
  }
  if (bad > 0)
    std::cerr << bad << " of " << files.size() << " strategy file(s) have problems\n";
  return bad == 0 ? 0 : 1;
}

struct indicators_args {
  std::string data;
  std::vector<std::string> indicators;
  std::string timeframe;
  std::string symbol;
  std::string out;
};

int cmd_indicators(const indicators_args& args) {
  std::vector<indicator_request> requests;
  bool bad = false;
  for (auto& text : args.indicators) {
    std::string error;
    if (auto r = parse_indicator_request(text, error))
      requests.push_back(*r);
    else {
      std::cerr << "error: " << error << '\n';
      bad = true;
    }
  }
  int64_t tf = 0;
  if (!args.timeframe.empty()) {
    auto parsed = parse_timeframe_ms(args.timeframe);
    if (!parsed) {
      std::cerr << "error: --timeframe must look like 1m, 15m, 1h, not '" << args.timeframe << "'\n";
      bad = true;
    } else {
      tf = *parsed;
    }
  }
  if (bad)
    return exit_usage;
  std::optional<std::string> symbol;
  if (!args.symbol.empty())
    symbol = args.symbol;
  if (args.out.empty()) {
    write_indicator_csv(std::cout, args.data, symbol, tf, requests);
    return 0;
  }
  std::ofstream out(args.out, std::ios::trunc);
  if (!out) {
    std::cerr << "error: cannot write " << args.out << '\n';
    return 1;
  }
  write_indicator_csv(out, args.data, symbol, tf, requests);
  return out ? 0 : 1;
}

int cmd_replay_server(replay_server_options options, const std::string& speed_text) {
  auto speed = parse_speed(speed_text);
  if (!speed) {
    std::cerr << "error: --speed must be 'max' or a positive number, not '" << speed_text << "'\n";
    return exit_usage;
  }
  options.speed = *speed;
  return run_replay_server(options);
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"papertrader: paper trading on real Binance market data, many sessions at once"};
  app.require_subcommand(1);
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off")
    ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));

  run_args run;
  auto* run_cmd = app.add_subcommand("run", "Run the sessions of the config on the configured feed");
  run_cmd->add_option("--config", run.config, "Application config (YAML)")->capture_default_str();
  run_cmd->add_option("--replay", run.replay, "Replay this recorded file (trades/klines CSV or stream, .gz ok)");
  run_cmd->add_option("--speed", run.speed, "Replay speed: N times real time, or 'max' (default: config, else 1)");
  auto* db_opt = run_cmd->add_option("--db", run.database, "SQLite database (default: the config's, data/papertrader.db)");
  run_cmd->add_option("--symbol", run.symbol, "Symbol of a CSV replay file, if its name does not say");
  run_cmd->add_option("--live-url", run.live_url,
                      "Live feed base URL (default: the config's, wss://stream.binance.com:9443); "
                      "ws://127.0.0.1:PORT for a local replay-server");
  run_cmd->add_option("--rest-url", run.rest_url,
                      "REST base URL for symbol rules, depth snapshots and klines (default: the config's, "
                      "https://api.binance.com; with a local --live-url, the same host and port)");
  auto* journal_opt = run_cmd->add_option("--journal", run.journal,
                      "Live runs: journal every feed message here, to restore sessions after a restart (default: "
                      "the config's feed.journal, else DB-NAME.feed-journal.txt beside the database)");
  run_cmd->add_flag("--no-db", run.no_db,
                    "Run without a database: nothing is stored, restored or journaled, and there is no API (which "
                    "reads the database); needs --listen ''. For measuring what persistence costs in time "
                    "(scripts/bench_long_run.sh --no-db)")
    ->excludes(db_opt)
    ->excludes(journal_opt);
  run_cmd->add_flag("--no-warmup", run.no_warmup,
                    "Live runs: start indicators cold instead of warming them from the exchange's REST klines");
  std::string listen_text;
  auto* listen_opt = run_cmd->add_option(
    "--listen", listen_text, "REST API address HOST:PORT (default: the config's, 127.0.0.1:8080); '' = no API");
  run_cmd->add_option("--dashboard", run.dashboard,
                      "Folder of the dashboard served at / (default: " PAPERTRADER_DASHBOARD_DIR ")");
  run_cmd->add_flag("--exit-at-end", run.exit_at_end,
                    "Exit when the replay ends (or the live server closes the stream) instead of serving on");

  backtest_args bt;
  auto* bt_cmd = app.add_subcommand("backtest", "Run strategies over a data file at full speed and report");
  bt_cmd->add_option("--strategy", bt.strategies, "Strategy YAML file (repeat for several sessions)")->required();
  bt_cmd->add_option("--data", bt.data, "Market data: trades/klines CSV or recorded stream, .gz ok")
    ->required()
    ->check(CLI::ExistingFile);
  bt_cmd->add_option("--json", bt.json, "Write per-session fills and final accounts to this JSON file");
  bt_cmd->add_option("--symbol", bt.symbol, "Symbol of the data (default: from the file name)");
  bt_cmd->add_option("--db", bt.database, "Also store sessions, orders and fills in this SQLite database");
  bt_cmd->add_option("--initial-cash", bt.initial_cash, "Quote currency per session")->capture_default_str();
  bt_cmd->add_option("--fee-bps", bt.fee_bps, "Taker fee in bps (market orders)")->capture_default_str();
  bt_cmd->add_option("--maker-fee-bps", bt.maker_fee_bps, "Maker fee in bps (a grid's limit orders)")
    ->capture_default_str();
  bt_cmd->add_option("--slippage-bps", bt.slippage_bps, "Slippage in bps against each fill")->capture_default_str();
  bt_cmd->add_option("--qty-step", bt.qty_step, "Order quantity step (lot size)")->capture_default_str();

  std::vector<std::string> validate_files;
  auto* validate_cmd = app.add_subcommand("validate", "Check strategy files; report every problem with line and column");
  validate_cmd->add_option("files", validate_files, "Strategy YAML files")->required();

  indicators_args ind;
  auto* ind_cmd = app.add_subcommand("indicators", "Print indicator values over a data file as CSV");
  ind_cmd->add_option("--data", ind.data, "Market data: klines/trades CSV or recorded stream, .gz ok")
    ->required()
    ->check(CLI::ExistingFile);
  ind_cmd->add_option("--indicator", ind.indicators, "e.g. 'rsi(14)', 'macd(12,26,9)', 'bbands(20,2)' (repeat)")
    ->required();
  ind_cmd->add_option("--timeframe", ind.timeframe, "Bar size (default: the data's kline interval, or 1m)");
  ind_cmd->add_option("--symbol", ind.symbol, "Symbol of a CSV, if its name does not say");
  ind_cmd->add_option("--out", ind.out, "Write the CSV here instead of stdout");

  replay_server_options rs;
  std::string rs_speed = "1";
  auto* rs_cmd = app.add_subcommand(
    "replay-server", "Serve a recorded Binance stream over WebSocket and REST, in Binance's wire format");
  rs_cmd->add_option("--data", rs.data_path, "Recorded stream file (<receive ns> <JSON> lines, .gz ok)")
    ->required()
    ->check(CLI::ExistingFile);
  rs_cmd->add_option("--klines", rs.klines_paths,
                     "Kline CSV served on /api/v3/klines for its symbol and interval (repeatable; .gz ok)")
    ->check(CLI::ExistingFile);
  rs_cmd->add_option("--speed", rs_speed, "N times the recorded pace, or 'max' (no pacing)")->capture_default_str();
  rs_cmd->add_option("--port", rs.port, "TCP port; 0 picks a free one (logged)")->capture_default_str();
  rs_cmd->add_option("--host", rs.host, "Address to listen on")->capture_default_str();
  rs_cmd->add_flag("--live-clock", rs.live_clock,
                   "One replay for every connection, like a live exchange: it starts when the server listens, a "
                   "connection joins where it is, and the REST clock moves with it (needs a paced --speed)");

  record_options rec;
  std::vector<std::string> rec_symbols;
  auto* rec_cmd = app.add_subcommand("record", "Record what the live connector receives, in the recorded-stream format");
  rec_cmd->add_option("--symbols", rec_symbols, "Symbols, e.g. BTCUSDT,ETHUSDT")->required()->delimiter(',');
  rec_cmd->add_option("--out", rec.out, "Output file: .txt.gz (gzip) or .txt")->required();
  rec_cmd->add_option("--live-url", rec.url, "Combined-stream base URL")->capture_default_str();
  rec_cmd->add_option("--rest-url", rec.rest_url, "REST base URL for the depth snapshots (recorded too); '' for none")
    ->capture_default_str();
  rec_cmd->add_flag("--exit-at-end", rec.exit_at_end, "Stop when the server closes the stream normally");

  CLI11_PARSE(app, argc, argv);
  setup_logging(log_level);
  try {
    if (run_cmd->parsed()) {
      if (listen_opt->count() > 0)
        run.listen = listen_text;
      return cmd_run(run);
    }
    if (rec_cmd->parsed()) {
      for (auto sym : rec_symbols) {
        for (auto& c : sym)
          c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        rec.symbols.push_back(sym);
      }
      return record_stream(rec);
    }
    if (validate_cmd->parsed())
      return cmd_validate(validate_files);
    if (ind_cmd->parsed())
      return cmd_indicators(ind);
    if (rs_cmd->parsed())
      return cmd_replay_server(rs, rs_speed);
    return cmd_backtest(bt);
  } catch (const config_error& e) {
    print_problems(e);
    return exit_usage;
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 1;
  }
}

#include "actors/messages.hpp"

#include "actors/persister.hpp"
#include "actors/session_activity.hpp"
#include "actors/session_errc.hpp"

namespace pt {

void register_message_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<market_event>("pt::market_event");
  cfg.add_message_type<market_batch>("pt::market_batch");
  cfg.add_message_type<symbol_demand>("pt::symbol_demand");
  cfg.add_message_type<symbol_stats>("pt::symbol_stats");
  cfg.add_message_type<std::vector<symbol_stats>>("pt::symbol_stats_list");
  cfg.add_message_type<candle_history>("pt::candle_history");
  cfg.add_message_type<indicator_history>("pt::indicator_history");
  cfg.add_message_type<std::vector<int64_t>>("pt::timeframes_ms");
  cfg.add_message_type<session_batch>("pt::session_batch");
  cfg.add_message_type<warmup_history>("pt::warmup_history");
  cfg.add_message_type<run_warmups>("pt::run_warmups");
  cfg.add_message_type<persist_batch>("pt::persist_batch");
  cfg.add_message_type<std::vector<persist_batch>>("pt::persist_batches");
  cfg.add_message_type<session_report>("pt::session_report");
  cfg.add_message_type<std::vector<session_report>>("pt::session_reports");
  cfg.add_message_type<session_row>("pt::session_row");
  cfg.add_message_type<restart_point>("pt::restart_point");
  cfg.add_message_type<session_summary>("pt::session_summary");
  cfg.add_message_type<session_activity>("pt::session_activity");
  cfg.add_message_type<std::vector<session_summary>>("pt::session_summaries");
  cfg.add_error_category(session_errc_category, render_session_error);
}

} // namespace pt

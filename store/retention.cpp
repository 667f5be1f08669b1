#include "store/retention.hpp"

#include <string>
#include <utility>
#include <vector>

#include <sqlite3.h>

namespace pt {

pruned_rows prune_history(sql::database& db, const history_retention& r) {
  pruned_rows out;
  if (!r.any())
    return out;
  std::vector<std::pair<int64_t, int64_t>> sessions; // id, last event
  {
    sql::statement st(db, "SELECT session_id, last_event_ms FROM sessions");
    while (st.step())
      sessions.emplace_back(st.column_int(0), st.column_int(1));
  }
  auto prune = [&](const char* table, int64_t keep_ms) -> int64_t {
    if (keep_ms <= 0)
      return 0;
    int64_t deleted = 0;
    sql::statement st(db, std::string("DELETE FROM ") + table + " WHERE session_id = ?1 AND ts_event_ms < ?2");
    for (auto& [id, last_ms] : sessions) {
      st.bind(1, id).bind(2, last_ms - keep_ms);
      st.run();
      deleted += sqlite3_changes(db.handle());
      st.reset();
    }
    return deleted;
  };
  out.equity_points = prune("equity_points", r.equity_points_ms);
  out.decisions = prune("decisions", r.decisions_ms);
  return out;
}

} // namespace pt

#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "replay_server/rest_api.hpp"
#include "replay_server/recording.hpp"

namespace pt {

/// One aggregate trade as `GET /api/v3/aggTrades` returns it (Binance's field letters).
struct recorded_agg_trade {
  int64_t a = 0;   ///< aggregate trade id
  std::string p;   ///< price, the decimal string as recorded
  std::string q;   ///< quantity, the decimal string as recorded
  int64_t f = 0;   ///< first trade id
  int64_t l = 0;   ///< last trade id
  int64_t T = 0;   ///< trade time, ms since the epoch
  bool m = false;  ///< was the buyer the maker
  bool M = true;   ///< was the trade the best price match
};

/// The aggregate trades of a recording, per symbol, oldest first: every `@trade` message becomes
/// one aggregate trade with `a = f = l =` its trade id (a recording of the raw trade stream does
/// not say which trades Binance aggregated, so none are), and every `@aggTrade` message is taken
/// as it is. Immutable once built.
class agg_trade_store {
public:
  /// Reads every trade message of `rec` (malformed ones are skipped).
  static agg_trade_store from_recording(const replay_recording& rec);

  /// The trades of `symbol` (upper case), or nullptr when the recording has none.
  const std::vector<recorded_agg_trade>* of(const std::string& symbol) const;

private:
  std::map<std::string, std::vector<recorded_agg_trade>> trades_;
};

/// Answers `GET /api/v3/aggTrades?symbol=S[&fromId=ID][&startTime=T0][&endTime=T1][&limit=N]` the
/// way Binance documents it: a JSON array of `{"a":…,"p":"…","q":"…","f":…,"l":…,"T":…,"m":…,"M":…}`,
/// oldest first, at most `limit` (default 500, 1..1000). With `fromId`, trades from that aggregate
/// id on (inclusive); else with `startTime`/`endTime`, the trades of that window (both inclusive);
/// with none, the most recent ones. Only trades at or before `until_ms` exist (the replay server's
/// "now" under `--live-clock`; nullopt = the whole recording).
/// Errors (400, Binance's codes): symbol missing → -1102; a symbol not in the recording → -1121;
/// a non-numeric fromId/startTime/endTime/limit → -1100; limit outside 1..1000 → -1130;
/// startTime after endTime → -1128; startTime and endTime more than an hour apart → -1127.
http_answer answer_agg_trades(const replay_recording& rec, const agg_trade_store& trades, std::string_view target,
                              std::optional<int64_t> until_ms);

} // namespace pt

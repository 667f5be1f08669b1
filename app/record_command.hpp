#pragma once

#include <string>
#include <vector>

namespace pt {

/// What `papertrader record` records.
struct record_options {
  std::string url = "wss://stream.binance.com:9443"; ///< combined-stream base URL
  /// REST base URL for the depth snapshots, recorded like the stream's messages so a replay of
  /// the recording rebuilds the same books; empty records no snapshots.
  std::string rest_url = "https://api.binance.com";
  std::vector<std::string> symbols;                  ///< upper case, e.g. BTCUSDT
  std::vector<std::string> streams{"trade", "bookTicker", "depth@100ms"};
  std::string out;                                   ///< FILE.txt.gz (gzip) or FILE.txt (plain)
  bool exit_at_end = false; ///< stop when the server closes the stream normally (replay-server)
};

/// Records what the live connector receives, in the recorded-stream format of ../shared/data/streams:
/// one line per message, `<receive time, ns since the epoch> <JSON as received>`, the REST depth
/// snapshots that sync each symbol's book included (as in Binance recordings). Runs until
/// SIGINT/SIGTERM (or, with `exit_at_end`, the server's normal close), reconnecting with backoff
/// like the live feed; flushes every few seconds so the file is readable while it grows.
/// Returns the process exit code; throws `std::runtime_error` when the file cannot be written.
int record_stream(const record_options& options);

} // namespace pt

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pt {

/// One combined-stream message of a recording, kept byte for byte.
struct recorded_message {
  int64_t receive_ns = 0; ///< the recorder's receive time, ns since the epoch (µs files are scaled)
  uint32_t stream = 0;    ///< index into `replay_recording::streams()`
  std::string json;       ///< the message exactly as recorded: `{"stream":"…","data":{…}}`
};

/// A recorded Binance stream file held in memory for the replay server.
///
/// Line format (README of the shared data, section 3): `<receive time> <JSON>`, gzip or plain; the
/// time is ns since the epoch (19 digits) or µs (16 digits). The JSON is a combined-stream message
/// or a bare `GET /api/v3/depth` response (`{"lastUpdateId":…}`), kept as the depth snapshot.
/// Immutable once loaded, so every connection can replay it from the start on its own.
class replay_recording {
public:
  /// Reads the whole file. Throws `std::runtime_error` when it cannot be opened or holds no
  /// combined-stream message. Lines of another shape are counted in `skipped_lines()`.
  static replay_recording load(const std::string& path);

  /// Every combined-stream message, in file order.
  const std::vector<recorded_message>& messages() const { return messages_; }

  /// The distinct stream names of the file (`btcusdt@trade`, …), in order of first appearance.
  const std::vector<std::string>& streams() const { return streams_; }

  /// Index of a stream name in `streams()`; nullopt when the file does not carry it.
  std::optional<uint32_t> stream_index(std::string_view name) const;

  /// The symbols of the file, upper case (`BTCUSDT`), from the stream names.
  const std::vector<std::string>& symbols() const { return symbols_; }

  /// True when `symbol` (upper case) is one of `symbols()`.
  bool has_symbol(std::string_view symbol) const;

  /// The first bare REST depth snapshot line of the file, verbatim; empty when it has none.
  const std::string& depth_snapshot() const { return depth_snapshot_; }

  /// Lines that were neither a combined-stream message nor a depth snapshot.
  int64_t skipped_lines() const { return skipped_lines_; }

  const std::string& path() const { return path_; }

private:
  std::string path_;
  std::vector<recorded_message> messages_;
  std::vector<std::string> streams_;
  std::vector<std::string> symbols_;
  std::string depth_snapshot_;
  int64_t skipped_lines_ = 0;
};

/// Nanoseconds from a recorder timestamp in ns (≥ 1e17), µs (≥ 1e14) or ms.
int64_t recorder_time_to_ns(int64_t ts);

} // namespace pt

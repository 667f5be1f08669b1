#include "replay_server/recording.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>

#include "feeds/line_reader.hpp"

namespace pt {

namespace {

constexpr std::string_view stream_prefix = R"({"stream":")";
constexpr std::string_view snapshot_prefix = R"({"lastUpdateId":)";

std::string symbol_of_stream(std::string_view stream) {
  std::string symbol(stream.substr(0, stream.find('@')));
  for (auto& c : symbol)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return symbol;
}

} // namespace

int64_t recorder_time_to_ns(int64_t ts) {
  if (ts >= 100'000'000'000'000'000)
    return ts;
  if (ts >= 100'000'000'000'000)
    return ts * 1'000;
  return ts * 1'000'000;
}

replay_recording replay_recording::load(const std::string& path) {
  replay_recording rec;
  rec.path_ = path;
  line_reader reader(path);
  std::string line;
  while (reader.next(line)) {
    auto space = line.find(' ');
    int64_t ts = 0;
    if (space == std::string::npos ||
        std::from_chars(line.data(), line.data() + space, ts).ptr != line.data() + space) {
      ++rec.skipped_lines_;
      continue;
    }
    std::string_view json(line.data() + space + 1, line.size() - space - 1);
    if (json.substr(0, snapshot_prefix.size()) == snapshot_prefix) {
      if (rec.depth_snapshot_.empty())
        rec.depth_snapshot_ = std::string(json);
      continue;
    }
    auto end = json.find('"', stream_prefix.size());
    if (json.substr(0, stream_prefix.size()) != stream_prefix || end == std::string_view::npos) {
      ++rec.skipped_lines_;
      continue;
    }
    auto name = json.substr(stream_prefix.size(), end - stream_prefix.size());
    auto index = rec.stream_index(name);
    if (!index) {
      index = static_cast<uint32_t>(rec.streams_.size());
      rec.streams_.emplace_back(name);
      auto symbol = symbol_of_stream(name);
      if (!rec.has_symbol(symbol))
        rec.symbols_.push_back(symbol);
    }
    rec.messages_.push_back({recorder_time_to_ns(ts), *index, std::string(json)});
  }
  if (!reader.error().empty())
    throw std::runtime_error(path + ": " + reader.error());
  if (rec.messages_.empty())
    throw std::runtime_error(path + " holds no combined-stream message (`<time> {\"stream\":…}` lines)");
  return rec;
}

std::optional<uint32_t> replay_recording::stream_index(std::string_view name) const {
  auto it = std::find(streams_.begin(), streams_.end(), name);
  if (it == streams_.end())
    return std::nullopt;
  return static_cast<uint32_t>(it - streams_.begin());
}

bool replay_recording::has_symbol(std::string_view symbol) const {
  return std::find(symbols_.begin(), symbols_.end(), symbol) != symbols_.end();
}

} // namespace pt

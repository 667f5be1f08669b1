// libFuzzer target for everything that parses bytes from the exchange or a data file: the
// WebSocket message parser (trade, aggTrade, bookTicker, kline, depth, REST snapshot) and the
// dump CSV row parsers; and, line by line, the local L2 books a stream's depth messages keep.
// Built and run by scripts/fuzz.sh (clang, -fsanitize=fuzzer,address,undefined).
// Besides "no crash, no leak, no undefined behaviour", it checks what the parsers promise.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "feeds/binance/parse.hpp"
#include "feeds/binance/stream_books.hpp"

namespace {

void check(bool ok) {
  if (!ok)
    std::abort(); // a broken promise is a finding, like a crash
}

void check_event(const pt::parse_outcome& out) {
  if (out.result != pt::parse_outcome::status::event)
    return;
  if (auto t = std::get_if<pt::trade>(&out.event.data)) {
    check(t->px.is_positive());
    check(!t->qty.is_negative());
  } else if (auto k = std::get_if<pt::kline>(&out.event.data)) {
    check(k->low <= k->high);
    check(k->close_time_ms >= k->open_time_ms);
    check(!k->volume.is_negative());
  } else if (auto b = std::get_if<pt::book_ticker>(&out.event.data)) {
    check(!b->bid_qty.is_negative() && !b->ask_qty.is_negative());
  }
}

// A published top is ordered (bids down, asks up, no price twice) and has no empty level; the
// prices themselves are whatever the exchange sent.
void check_top(const std::optional<pt::market_event>& ev) {
  if (!ev)
    return;
  const auto& top = std::get<pt::book_depth>(ev->data);
  for (size_t i = 0; i < top.bids.size(); ++i) {
    check(top.bids[i].qty.is_positive());
    check(i == 0 || top.bids[i - 1].px > top.bids[i].px);
  }
  for (size_t i = 0; i < top.asks.size(); ++i) {
    check(top.asks[i].qty.is_positive());
    check(i == 0 || top.asks[i - 1].px < top.asks[i].px);
  }
}

// Every line of the input in turn, as a stream's books see it: depth diffs and snapshots.
void feed_books(std::string_view text) {
  pt::stream_books books(5);
  int64_t last_event_ms = 0;
  while (!text.empty()) {
    auto end = text.find('\n');
    auto line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    auto out = pt::parse_stream_message(line, last_event_ms);
    if (out.result != pt::parse_outcome::status::skipped)
      continue;
    if (out.what == "depth update")
      check_top(books.on_diff_message(line, out.symbol).event);
    else if (out.what == "depth snapshot")
      check_top(books.on_snapshot_message(line, last_event_ms).event);
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  int64_t last_event_ms = 0;
  check_event(pt::parse_stream_message(text, last_event_ms));
  check_event(pt::parse_trade_csv(text));
  check_event(pt::parse_kline_csv(text, 60'000));
  std::string error;
  if (auto d = pt::parse_depth_update(text, error))
    check(d->first_update_id <= d->final_update_id);
  if (auto s = pt::parse_depth_snapshot(text, error))
    for (auto& level : s->bids)
      check(level.px.is_positive() && !level.qty.is_negative());
  feed_books(text);
  return 0;
}

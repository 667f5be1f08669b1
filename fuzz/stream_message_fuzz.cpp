// libFuzzer target for everything that parses bytes from the exchange or a data file: the
// WebSocket message parser (trade, aggTrade, bookTicker, kline, depth, REST snapshot) and the
// dump CSV row parsers. Built and run by scripts/fuzz.sh (clang, -fsanitize=fuzzer,address,undefined).
// Besides "no crash, no leak, no undefined behaviour", it checks what the parsers promise.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "actors/binance_parse.hpp"

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
  return 0;
}

#include "feeds/binance/stream_books.hpp"

#include <algorithm>
#include <cstdlib>
#include <limits>

#include "feeds/binance/parse.hpp"

namespace pt {

book_step stream_books::on_diff_message(std::string_view json, const std::string& symbol, int64_t clock_ms) {
  book_step step;
  step.symbol = symbol;
  auto diff = parse_depth_update(json, step.error);
  if (!diff) {
    if (step.error.empty())
      step.error = "bad depth update";
    return step;
  }
  auto it = books_.try_emplace(symbol, levels_).first;
  if (auto top = it->second.on_diff(*diff))
    step.event = market_event{std::max(diff->ts_event_ms, clock_ms), std::move(*top)};
  return step;
}

book_step stream_books::on_snapshot_message(std::string_view json, int64_t ts_event_ms, const std::string& symbol) {
  book_step step;
  auto snapshot = parse_depth_snapshot(json, step.error);
  if (!snapshot) {
    if (step.error.empty())
      step.error = "bad depth snapshot";
    return step;
  }
  auto target = books_.end();
  if (!symbol.empty()) {
    target = books_.try_emplace(symbol, levels_).first;
  } else {
    int64_t best = std::numeric_limits<int64_t>::max();
    for (auto it = books_.begin(); it != books_.end(); ++it) {
      int64_t distance = std::llabs(it->second.last_diff_id() - snapshot->last_update_id);
      if (it->second.last_diff_id() > 0 && distance < best) {
        best = distance;
        target = it;
      }
    }
    if (target == books_.end())
      return step; // a snapshot before any diff: nothing to attach it to
  }
  step.symbol = target->first;
  if (auto top = target->second.on_snapshot(*snapshot))
    step.event = market_event{ts_event_ms, std::move(*top)};
  return step;
}

const l2_book* stream_books::find(const std::string& symbol) const {
  auto it = books_.find(symbol);
  return it == books_.end() ? nullptr : &it->second;
}

void stream_books::reset_all() {
  for (auto& [_, book] : books_)
    book.reset();
}

} // namespace pt

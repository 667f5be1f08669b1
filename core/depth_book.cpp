#include "core/depth_book.hpp"

namespace pt {

depth_book::depth_book(size_t levels) : levels_(levels < 1 ? 1 : levels) {}

std::optional<book_depth> depth_book::on_diff(const depth_update& diff) {
  last_diff_id_ = diff.final_update_id;
  switch (book_.on_update(diff)) {
    case book_update_result::applied: return top();
    case book_update_result::buffered: ++buffered_; return std::nullopt;
    case book_update_result::gap:
      ++gaps_;
      buffered_ = 1; // the diff that revealed the gap is kept for the next snapshot
      return book_depth{diff.final_update_id, {}, {}}; // no prices until resynced
    case book_update_result::stale: return std::nullopt;
  }
  return std::nullopt;
}

std::optional<book_depth> depth_book::on_snapshot(const depth_snapshot& snapshot) {
  if (!needs_snapshot())
    return std::nullopt; // in sync already: a late or duplicate answer changes nothing
  if (!book_.on_snapshot(snapshot)) {
    ++stale_snapshots_; // older than the diffs buffered since: not a gap in the stream
    buffered_ = 1;
    return std::nullopt;
  }
  buffered_ = 0;
  ++syncs_;
  return top();
}

void depth_book::reset() {
  book_ = order_book();
  buffered_ = 0;
  last_diff_id_ = 0;
}

book_depth depth_book::top() const {
  book_depth d;
  d.update_id = book_.update_id();
  d.bids.reserve(levels_);
  d.asks.reserve(levels_);
  for (auto& [px, qty] : book_.bids()) {
    if (d.bids.size() == levels_)
      break;
    d.bids.push_back({px, qty});
  }
  for (auto& [px, qty] : book_.asks()) {
    if (d.asks.size() == levels_)
      break;
    d.asks.push_back({px, qty});
  }
  return d;
}

} // namespace pt

#include "core/market/l2_book.hpp"

namespace pt {

const char* to_string(book_update_result r) {
  switch (r) {
    case book_update_result::applied: return "applied";
    case book_update_result::buffered: return "buffered";
    case book_update_result::stale: return "stale";
    case book_update_result::gap: return "gap";
  }
  return "unknown";
}

l2_book::l2_book(size_t levels, size_t max_buffered)
  : levels_(levels < 1 ? 1 : levels), max_buffered_(max_buffered < 1 ? 1 : max_buffered) {}

void l2_book::apply(const depth_update& diff) {
  for (auto& l : diff.bids) {
    if (l.qty.is_zero())
      bids_.erase(l.px);
    else
      bids_[l.px] = l.qty;
  }
  for (auto& l : diff.asks) {
    if (l.qty.is_zero())
      asks_.erase(l.px);
    else
      asks_[l.px] = l.qty;
  }
  update_id_ = diff.final_update_id;
}

book_update_result l2_book::on_update(const depth_update& diff) {
  last_diff_id_ = diff.final_update_id;
  if (!synced_) {
    buffer_.push_back(diff);
    if (buffer_.size() > max_buffered_)
      buffer_.pop_front();
    ++buffered_;
    return book_update_result::buffered;
  }
  if (diff.final_update_id <= update_id_)
    return book_update_result::stale;
  bool follows = first_after_snapshot_ ? diff.first_update_id <= update_id_ + 1
                                       : diff.first_update_id == update_id_ + 1;
  if (!follows) {
    // A lost diff: the book can no longer be trusted. Start over from the next snapshot.
    ++gaps_;
    synced_ = false;
    bids_.clear();
    asks_.clear();
    buffer_.clear();
    buffer_.push_back(diff);
    buffered_ = 1; // the diff that revealed the gap is kept for the next snapshot
    return book_update_result::gap;
  }
  apply(diff);
  first_after_snapshot_ = false;
  return book_update_result::applied;
}

std::optional<book_depth> l2_book::on_diff(const depth_update& diff) {
  switch (on_update(diff)) {
    case book_update_result::applied: return top();
    case book_update_result::gap: return book_depth{diff.final_update_id, {}, {}}; // no prices until resynced
    case book_update_result::buffered:
    case book_update_result::stale: return std::nullopt;
  }
  return std::nullopt;
}

bool l2_book::sync(const depth_snapshot& snapshot) {
  bids_.clear();
  asks_.clear();
  for (auto& l : snapshot.bids)
    if (!l.qty.is_zero())
      bids_[l.px] = l.qty;
  for (auto& l : snapshot.asks)
    if (!l.qty.is_zero())
      asks_[l.px] = l.qty;
  update_id_ = snapshot.last_update_id;
  bool first = true;
  while (!buffer_.empty()) {
    auto diff = std::move(buffer_.front());
    buffer_.pop_front();
    if (diff.final_update_id <= update_id_)
      continue; // step 2: older than the snapshot
    bool follows = first ? diff.first_update_id <= update_id_ + 1 : diff.first_update_id == update_id_ + 1;
    if (!follows) {
      // The snapshot is older than the diffs kept: wait for a newer one, keeping this diff and
      // every one after it (a newer snapshot will need them), and show no half-built book.
      synced_ = false;
      bids_.clear();
      asks_.clear();
      buffer_.push_front(std::move(diff));
      return false;
    }
    apply(diff);
    first = false;
  }
  synced_ = true;
  first_after_snapshot_ = first;
  return true;
}

std::optional<book_depth> l2_book::on_snapshot(const depth_snapshot& snapshot) {
  if (synced_)
    return std::nullopt; // in sync already: a late or duplicate answer changes nothing
  if (!sync(snapshot)) {
    ++stale_snapshots_; // older than the diffs buffered since: not a gap in the stream
    buffered_ = 1;
    return std::nullopt;
  }
  buffered_ = 0;
  ++syncs_;
  return top();
}

void l2_book::reset() {
  buffer_.clear();
  bids_.clear();
  asks_.clear();
  update_id_ = 0;
  synced_ = false;
  first_after_snapshot_ = false;
  buffered_ = 0;
  last_diff_id_ = 0;
}

std::optional<book_level> l2_book::best_bid() const {
  if (bids_.empty())
    return std::nullopt;
  return book_level{bids_.begin()->first, bids_.begin()->second};
}

std::optional<book_level> l2_book::best_ask() const {
  if (asks_.empty())
    return std::nullopt;
  return book_level{asks_.begin()->first, asks_.begin()->second};
}

book_depth l2_book::top() const {
  book_depth d;
  d.update_id = update_id_;
  d.bids.reserve(levels_);
  d.asks.reserve(levels_);
  for (auto& [px, qty] : bids_) {
    if (d.bids.size() == levels_)
      break;
    d.bids.push_back({px, qty});
  }
  for (auto& [px, qty] : asks_) {
    if (d.asks.size() == levels_)
      break;
    d.asks.push_back({px, qty});
  }
  return d;
}

} // namespace pt

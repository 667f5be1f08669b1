#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>

namespace pt {

/// Bounds what a session keeps of its orders once they are done (filled, canceled, expired or
/// rejected): the ids in the order they were done, of which only the latest `kept` stay in the
/// owner's map; older ones are erased from it by `forget`. A session that trades for months then
/// holds its open orders and a fixed window of recent done ones, not every order it ever sent
/// (their records are in the database). Used by `virtual_exchange` (its orders) and
/// `session_trader` (what it tracks of each order).
///
/// An order still referenced (e.g. by a pending cancel action) is "pinned": `forget` keeps it and
/// looks at it again on a later call.
class done_orders {
public:
  /// Done orders kept by default: enough for any caller to read every order an input finished
  /// (a grid finishes at most one order per level on an input) and for a cancel of a recently
  /// done order to get that order's status back instead of `unknown_order`.
  static constexpr size_t default_kept = 64;

  explicit done_orders(size_t kept = default_kept) : kept_(kept) {}

  /// Records that order `id` is done (once per order).
  void done(int64_t id) { ids_.push_back(id); }

  /// Erases from `orders` (a map keyed by order id) every done order but the latest `kept`, except
  /// those `pinned(id)` says are still referenced (they stay, and are looked at again next time).
  /// Amortised O(log n) per order.
  template <class Map, class Pinned>
  void forget(Map& orders, Pinned&& pinned) {
    for (size_t n = ids_.size() > kept_ ? ids_.size() - kept_ : 0; n > 0; --n) {
      int64_t id = ids_.front();
      ids_.pop_front();
      if (pinned(id))
        ids_.push_back(id);
      else
        orders.erase(id);
    }
  }

  /// `forget` for an owner whose done orders nothing references any more.
  template <class Map>
  void forget(Map& orders) {
    forget(orders, [](int64_t) { return false; });
  }

private:
  size_t kept_;
  std::deque<int64_t> ids_;
};

} // namespace pt

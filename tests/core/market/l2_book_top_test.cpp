// The L2 book as a feed uses it: buffers, syncs on a snapshot, publishes its top, asks for a new snapshot
// after a gap, and starts over on reset.

#include "core/market/l2_book.hpp"

#include <gtest/gtest.h>

#include "tests/support/builders.hpp"

namespace pt::test {
namespace {

depth_update diff(int64_t first, int64_t last, std::vector<book_level> bids, std::vector<book_level> asks = {}) {
  return depth_update{first, last, 1'000 + last, std::move(bids), std::move(asks)};
}

depth_snapshot snapshot(int64_t id) {
  return depth_snapshot{id,
                        {{px("100"), qty("1")}, {px("99"), qty("2")}, {px("98"), qty("3")}},
                        {{px("101"), qty("3")}, {px("102"), qty("1")}}};
}

TEST(L2Book, PublishesTheTopOnlyWhileInSync) {
  l2_book book(2);
  EXPECT_TRUE(book.needs_snapshot());
  EXPECT_FALSE(book.has_buffered());
  EXPECT_FALSE(book.on_diff(diff(9, 12, {{px("100"), qty("0")}})));
  EXPECT_TRUE(book.has_buffered());
  auto top = book.on_snapshot(snapshot(10));
  ASSERT_TRUE(top);
  EXPECT_FALSE(book.needs_snapshot());
  EXPECT_EQ(book.syncs(), 1);
  EXPECT_EQ(top->update_id, 12);
  ASSERT_EQ(top->bids.size(), 2u); // 100 was removed by the diff; two levels per side
  EXPECT_EQ(top->bids[0].px, px("99"));
  EXPECT_EQ(top->bids[1].px, px("98"));
  ASSERT_EQ(top->asks.size(), 2u);
  EXPECT_EQ(top->asks[0].px, px("101"));

  auto next = book.on_diff(diff(13, 13, {}, {{px("100.5"), qty("0.5")}}));
  ASSERT_TRUE(next);
  EXPECT_EQ(next->asks[0].px, px("100.5"));
  EXPECT_EQ(next->asks[1].px, px("101"));
  EXPECT_EQ(book.last_diff_id(), 13);
}

TEST(L2Book, AGapAsksForANewSnapshotAndItResyncs) {
  l2_book book;
  book.on_diff(diff(9, 12, {}));
  ASSERT_TRUE(book.on_snapshot(snapshot(10)));
  auto gap = book.on_diff(diff(20, 21, {{px("97"), qty("1")}})); // 13–19 lost
  ASSERT_TRUE(gap);                                                 // an empty top: no prices now
  EXPECT_TRUE(gap->bids.empty());
  EXPECT_TRUE(gap->asks.empty());
  EXPECT_TRUE(book.needs_snapshot());
  EXPECT_EQ(book.gaps(), 1);
  EXPECT_TRUE(book.bids().empty()); // never a wrong book
  EXPECT_FALSE(book.on_diff(diff(22, 22, {})));
  // A snapshot older than the diffs kept cannot resync: still out of sync.
  EXPECT_FALSE(book.on_snapshot(snapshot(15)));
  EXPECT_TRUE(book.needs_snapshot());
  EXPECT_EQ(book.stale_snapshots(), 1);
  EXPECT_EQ(book.gaps(), 1); // a stale snapshot is no gap in the stream
  auto top = book.on_snapshot(snapshot(21));
  ASSERT_TRUE(top);
  EXPECT_EQ(top->update_id, 22);
  EXPECT_EQ(book.syncs(), 2);
  // A late answer to an earlier request does not roll the book back.
  EXPECT_FALSE(book.on_snapshot(snapshot(10)));
  EXPECT_EQ(book.update_id(), 22);
  EXPECT_EQ(book.syncs(), 2);
}

TEST(L2Book, ResetStartsOverForANewConnection) {
  l2_book book;
  book.on_diff(diff(9, 12, {}));
  ASSERT_TRUE(book.on_snapshot(snapshot(10)));
  book.reset();
  EXPECT_TRUE(book.needs_snapshot());
  EXPECT_FALSE(book.has_buffered());
  EXPECT_EQ(book.update_id(), 0);
  // The new connection's stream starts again from older ids: it is buffered, not stale.
  EXPECT_FALSE(book.on_diff(diff(9, 12, {})));
  EXPECT_TRUE(book.has_buffered());
  EXPECT_TRUE(book.on_snapshot(snapshot(10)));
  EXPECT_EQ(book.syncs(), 2);
}

} // namespace
} // namespace pt::test

// The local L2 book follows Binance's documented procedure step by step.

#include "core/market/l2_book.hpp"

#include <gtest/gtest.h>

#include "tests/support/builders.hpp"

namespace pt::test {
namespace {

depth_update diff(int64_t first, int64_t last, std::vector<book_level> bids, std::vector<book_level> asks = {}) {
  return depth_update{first, last, 0, std::move(bids), std::move(asks)};
}

depth_snapshot snapshot(int64_t id) {
  return depth_snapshot{id, {{px("100"), qty("1")}, {px("99"), qty("2")}}, {{px("101"), qty("3")}}};
}

TEST(L2Book, BuffersUntilTheSnapshotThenDropsOlderDiffs) {
  l2_book book;
  EXPECT_EQ(book.on_update(diff(5, 8, {{px("98"), qty("1")}})), book_update_result::buffered);
  EXPECT_EQ(book.on_update(diff(9, 12, {{px("100"), qty("0")}})), book_update_result::buffered); // removes 100
  EXPECT_EQ(book.on_update(diff(13, 15, {}, {{px("101"), qty("4")}})), book_update_result::buffered);
  EXPECT_FALSE(book.synced());
  // Snapshot at 10: diff 5–8 is older (dropped); 9–12 straddles 11 (applied); 13–15 follows.
  ASSERT_TRUE(book.on_snapshot(snapshot(10)));
  EXPECT_TRUE(book.synced());
  EXPECT_EQ(book.update_id(), 15);
  EXPECT_EQ(book.best_bid()->px, px("99")); // 100 removed, 98 never applied
  EXPECT_EQ(book.bids().size(), 1u);
  EXPECT_EQ(book.best_ask()->qty, qty("4"));
  EXPECT_EQ(book.on_update(diff(14, 15, {})), book_update_result::stale);
  EXPECT_EQ(book.on_update(diff(16, 16, {{px("99.5"), qty("1")}})), book_update_result::applied);
  EXPECT_EQ(book.best_bid()->px, px("99.5"));
}

TEST(L2Book, FirstDiffAfterASnapshotMayOverlapIt) {
  l2_book book;
  ASSERT_TRUE(book.on_snapshot(snapshot(10)));
  EXPECT_EQ(book.on_update(diff(8, 12, {{px("100"), qty("5")}})), book_update_result::applied);
  EXPECT_EQ(book.best_bid()->qty, qty("5"));
  // …but not the ones after it.
  EXPECT_EQ(book.on_update(diff(12, 14, {})), book_update_result::gap);
}

TEST(L2Book, AGapClearsTheBookUntilANewSnapshot) {
  l2_book book;
  ASSERT_TRUE(book.on_snapshot(snapshot(10)));
  ASSERT_EQ(book.on_update(diff(11, 12, {})), book_update_result::applied);
  EXPECT_EQ(book.on_update(diff(14, 15, {{px("97"), qty("1")}})), book_update_result::gap); // 13 lost
  EXPECT_FALSE(book.synced());
  EXPECT_EQ(book.gaps(), 1);
  EXPECT_FALSE(book.best_bid()); // never a wrong book: an empty one
  EXPECT_EQ(book.on_update(diff(16, 16, {})), book_update_result::buffered);
  ASSERT_TRUE(book.on_snapshot(snapshot(14)));
  EXPECT_EQ(book.update_id(), 16);
  EXPECT_EQ(book.bids().count(px("97")), 1u);
}

TEST(L2Book, ASnapshotTooOldForTheBufferIsRefused) {
  l2_book book;
  book.on_update(diff(20, 25, {}));
  EXPECT_FALSE(book.on_snapshot(snapshot(10))); // 11–19 missing
  EXPECT_FALSE(book.synced());
  EXPECT_EQ(book.stale_snapshots(), 1);
  EXPECT_EQ(book.gaps(), 0); // a stale snapshot is no gap in the stream
}

TEST(L2Book, BufferIsBounded) {
  l2_book book(20, 3);
  for (int64_t i = 1; i <= 10; ++i)
    book.on_update(diff(i, i, {{px("100"), qty(std::to_string(i))}}));
  // Only 8, 9, 10 are kept: a snapshot at 7 syncs; at 5 it could not.
  ASSERT_TRUE(book.on_snapshot(snapshot(7)));
  EXPECT_EQ(book.best_bid()->qty, qty("10"));
}

} // namespace
} // namespace pt::test

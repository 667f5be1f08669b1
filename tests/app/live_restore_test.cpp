// The live feed's journal (app/live_restore.hpp): what it holds, in which order, after a crash.

#include "app/live_restore.hpp"

#include <fstream>

#include <gtest/gtest.h>

#include "tests/support/process.hpp"

namespace pt::test {
namespace {

std::string trade_json(int64_t id, int64_t ts) {
  return "{\"stream\":\"btcusdt@trade\",\"data\":{\"e\":\"trade\",\"E\":" + std::to_string(ts) +
         ",\"s\":\"BTCUSDT\",\"t\":" + std::to_string(id) + ",\"p\":\"61000.00000000\",\"q\":\"0.01000000\",\"T\":" +
         std::to_string(ts) + ",\"m\":false,\"M\":true}}";
}

TEST(LiveRestoreJournal, HeldLinesFollowTheReleasedOnesInOrder) {
  auto dir = make_temp_dir("journal");
  auto path = dir + "/j.txt";
  {
    feed_journal j(path, false);
    j.write(1, trade_json(10, 1000));
    j.hold();
    j.write(3, trade_json(12, 1002)); // the stream, while the gap is fetched
    j.release({"2 " + trade_json(11, 1001)});
    j.write(4, trade_json(13, 1003));
    EXPECT_EQ(j.lines(), 4);
  }
  EXPECT_EQ(slurp(path), "1 " + trade_json(10, 1000) + "\n2 " + trade_json(11, 1001) + "\n3 " + trade_json(12, 1002) +
                           "\n4 " + trade_json(13, 1003) + "\n");
  auto s = scan_journal(path);
  EXPECT_TRUE(s.exists);
  EXPECT_EQ(s.events.at("BTCUSDT"), 4);
  EXPECT_EQ(s.last_trade_id.at("BTCUSDT"), 13);
  EXPECT_EQ(s.last_event_ms.at("BTCUSDT"), 1003);
  EXPECT_EQ(s.first_event_ms, 1000);
}

TEST(LiveRestoreJournal, ALastLineCutByACrashIsRemovedAndAppendingGoesOnAfterIt) {
  auto dir = make_temp_dir("journal-cut");
  auto path = dir + "/j.txt";
  std::ofstream(path) << "1 " << trade_json(10, 1000) << "\n2 " << trade_json(11, 1001).substr(0, 40);
  auto s = scan_journal(path);
  EXPECT_EQ(s.cut_bytes, 42);
  EXPECT_EQ(s.events.at("BTCUSDT"), 1);
  EXPECT_EQ(s.last_trade_id.at("BTCUSDT"), 10);
  {
    feed_journal j(path, true);
    j.write(3, trade_json(12, 1002));
  }
  EXPECT_EQ(slurp(path), "1 " + trade_json(10, 1000) + "\n3 " + trade_json(12, 1002) + "\n");
}

TEST(LiveRestoreJournal, TradesSeenTwiceCountOnceAsTheReFeedFeedsThem) {
  auto dir = make_temp_dir("journal-dup");
  auto path = dir + "/j.txt";
  std::ofstream(path) << "1 " << trade_json(10, 1000) << "\n2 " << trade_json(11, 1001) << "\n3 "
                      << trade_json(11, 1001) << "\n4 " << trade_json(9, 1001) << "\n";
  auto s = scan_journal(path);
  EXPECT_EQ(s.events.at("BTCUSDT"), 2);
  EXPECT_EQ(s.last_trade_id.at("BTCUSDT"), 11);
}

TEST(LiveRestoreJournal, NoFileIsNoJournalAndAGzipJournalIsRefused) {
  auto dir = make_temp_dir("journal-none");
  EXPECT_FALSE(scan_journal(dir + "/missing.txt").exists);
  EXPECT_THROW(feed_journal(dir + "/j.txt.gz", false), std::runtime_error);
  EXPECT_EQ(default_journal_path("data/papertrader.db"), "data/papertrader.feed-journal.txt");
}

} // namespace
} // namespace pt::test

namespace pt::test {
namespace {

TEST(LiveRestoreBackfill, AnUnreachableExchangeFeedsNothingAndDoesNotThrow) {
  journal_summary s;
  s.exists = true;
  s.last_event_ms["BTCUSDT"] = 1723161406679;
  s.last_trade_id["BTCUSDT"] = 3735683259;
  // Nothing listens on port 1 of the loopback: the connection is refused at once.
  auto out = backfill_gap("http://127.0.0.1:1", s, 2'000, 5'000);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].symbol, "BTCUSDT");
  EXPECT_FALSE(out[0].ok);
  EXPECT_TRUE(out[0].lines.empty());
  EXPECT_EQ(out[0].trades, 0);
  EXPECT_EQ(out[0].from_ms, 1723161406679);
}

TEST(LiveRestoreBackfill, AnEmptyJournalHasNoGap) {
  EXPECT_TRUE(backfill_gap("http://127.0.0.1:1", journal_summary{}).empty());
}

} // namespace
} // namespace pt::test

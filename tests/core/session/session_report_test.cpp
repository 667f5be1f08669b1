// A session report's history (core/session/session_types.hpp): unbounded it keeps every fill and
// decision; bounded (its history is in the database) it keeps the latest, between kept_history and
// twice that, in order, and counts every fill.

#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "core/session/session_types.hpp"

namespace pt::test {
namespace {

std::vector<fill> fills_from(int64_t first, int n) {
  std::vector<fill> out;
  for (int i = 0; i < n; ++i) {
    fill f;
    f.fill_id = first + i;
    f.ts_event_ms = (first + i) * 1'000;
    out.push_back(f);
  }
  return out;
}

std::vector<decision> decisions_from(int64_t first, int n) {
  std::vector<decision> out;
  for (int i = 0; i < n; ++i) {
    decision d;
    d.ts_event_ms = (first + i) * 1'000;
    d.order_id = first + i;
    out.push_back(d);
  }
  return out;
}

TEST(SessionReport, UnboundedKeepsEveryFillAndDecision) {
  session_report r;
  int64_t next = 1;
  for (int n : {3, 150, 1, 77, 400}) {
    r.add_history(fills_from(next, n), decisions_from(next, n));
    next += n;
  }
  EXPECT_EQ(r.fill_count, 631);
  ASSERT_EQ(r.fills.size(), 631u);
  ASSERT_EQ(r.decisions.size(), 631u);
  EXPECT_EQ(r.fills.front().fill_id, 1);
  EXPECT_EQ(r.fills.back().fill_id, 631);
}

TEST(SessionReport, BoundedKeepsTheLatestInOrderAndCountsAll) {
  session_report r;
  r.bounded_history = true;
  int64_t next = 1;
  size_t most = 0;
  int64_t last_decision = 0; // the order id of the latest decision added
  for (int step = 0; step < 2'000; ++step) {
    int n = step % 7; // 0..6 fills and half as many decisions a batch, some batches none
    r.add_history(fills_from(next, n), decisions_from(next, n / 2));
    next += n;
    last_decision = n / 2 > 0 ? next - n + n / 2 - 1 : last_decision;
    most = std::max({most, r.fills.size(), r.decisions.size()});
    ASSERT_LT(r.fills.size(), 2 * session_report::kept_history);
  }
  EXPECT_EQ(r.fill_count, next - 1);
  EXPECT_EQ(r.decisions.back().order_id, last_decision);
  EXPECT_LT(most, 2 * session_report::kept_history);
  ASSERT_GE(r.fills.size(), session_report::kept_history);
  ASSERT_GE(r.decisions.size(), session_report::kept_history);
  // The latest, consecutive and in order.
  EXPECT_EQ(r.fills.back().fill_id, next - 1);
  for (size_t i = 1; i < r.fills.size(); ++i)
    EXPECT_EQ(r.fills[i].fill_id, r.fills[i - 1].fill_id + 1);
  for (size_t i = 1; i < r.decisions.size(); ++i)
    EXPECT_LT(r.decisions[i - 1].ts_event_ms, r.decisions[i].ts_event_ms);
}

} // namespace
} // namespace pt::test

#pragma once

// Re-derives an account from a backtest's reported fills with plain integer arithmetic, so that
// tests can check the reported figures without trusting the code that produced them.

#include <cstdint>
#include <string>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace pt::test {

/// "123.45000000" / "-0.5" → raw units of 1e-8. Fails the test on anything else.
inline int64_t decimal_raw(const std::string& s) {
  size_t i = 0;
  bool neg = !s.empty() && s[0] == '-';
  if (neg)
    ++i;
  int64_t whole = 0, frac = 0;
  int frac_digits = 0;
  bool point = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '.') {
      point = true;
      continue;
    }
    EXPECT_TRUE(c >= '0' && c <= '9') << "not a decimal: " << s;
    if (!point)
      whole = whole * 10 + (c - '0');
    else if (frac_digits++ < 8)
      frac = frac * 10 + (c - '0');
  }
  EXPECT_LE(frac_digits, 8) << "more than 8 decimals: " << s;
  for (; frac_digits < 8; ++frac_digits)
    frac *= 10;
  int64_t raw = whole * 100'000'000 + frac;
  return neg ? -raw : raw;
}

/// a × b / d rounded half to even (d > 0), in 128-bit integers.
inline int64_t mul_div_half_even(int64_t a, int64_t b, int64_t d) {
  __int128 n = static_cast<__int128>(a) * b;
  __int128 q = n / d, r = n % d;
  if (r < 0) {
    r = -r;
  }
  if (2 * r > d || (2 * r == d && q % 2 != 0))
    q += n < 0 ? -1 : 1;
  return static_cast<int64_t>(q);
}

/// The string member `key` of `obj`.
inline std::string str(const rapidjson::Value& obj, const char* key) {
  EXPECT_TRUE(obj.HasMember(key) && obj[key].IsString()) << "missing string " << key;
  return obj.HasMember(key) && obj[key].IsString() ? obj[key].GetString() : std::string();
}

/// Replays `session["fills"]` from `initial_cash` and checks, exactly: each fee is
/// notional × fee_bps / 10,000 (the same rate for makers and takers here); cash and position never go negative; the final cash, position,
/// fees and equity equal the reported ones; realized P&L = cash − initial + cost basis + fees.
/// Returns the number of fills checked.
inline size_t check_session_reconciles(const rapidjson::Value& session, int64_t fee_bps) {
  int64_t cash = decimal_raw(str(session, "initial_cash"));
  int64_t initial = cash;
  int64_t position = 0, fees = 0;
  const auto& fills = session["fills"];
  for (const auto& f : fills.GetArray()) {
    int64_t px = decimal_raw(str(f, "price")), qty = decimal_raw(str(f, "qty")), fee = decimal_raw(str(f, "fee"));
    EXPECT_GT(px, 0);
    EXPECT_GT(qty, 0);
    int64_t notional = mul_div_half_even(px, qty, 100'000'000);
    EXPECT_EQ(fee, mul_div_half_even(notional, fee_bps, 10'000)) << "fee of fill " << f["fill_id"].GetInt64();
    auto role = str(f, "liquidity");
    EXPECT_TRUE(role == "taker" || role == "maker") << role;
    if (str(f, "side") == "buy") {
      cash -= notional + fee;
      position += qty;
    } else {
      EXPECT_EQ(str(f, "side"), "sell");
      cash += notional - fee;
      position -= qty;
    }
    fees += fee;
    EXPECT_GE(cash, 0) << "cash went negative at fill " << f["fill_id"].GetInt64();
    EXPECT_GE(position, 0) << "position went negative at fill " << f["fill_id"].GetInt64();
  }
  const auto& fin = session["final"];
  EXPECT_EQ(cash, decimal_raw(str(fin, "cash")));
  EXPECT_EQ(position, decimal_raw(str(fin, "position_qty")));
  EXPECT_EQ(fees, decimal_raw(str(fin, "fees")));
  int64_t mark = decimal_raw(str(fin, "mark_price"));
  EXPECT_EQ(cash + mul_div_half_even(position, mark, 100'000'000), decimal_raw(str(fin, "equity")));
  int64_t cost_basis = decimal_raw(str(fin, "cost_basis"));
  if (position == 0) {
    EXPECT_EQ(cost_basis, 0);
  }
  EXPECT_EQ(decimal_raw(str(fin, "realized_pnl")), cash - initial + cost_basis + fees);
  return fills.Size();
}

} // namespace pt::test

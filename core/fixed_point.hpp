#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pt {

/// Number of raw units in 1.0 for every fixed-point value: 1e-8 is Binance's own precision.
inline constexpr int64_t fixed_scale = 100'000'000;

/// Why a decimal string could not be turned into a fixed-point value.
enum class parse_errc {
  ok,
  empty,      ///< nothing to parse
  bad_char,   ///< a character other than an optional leading sign, digits and one '.'
  overflow,   ///< the value does not fit in int64 raw units (|x| > ~92,233,720,368)
};

/// Human-readable name of a parse error ("empty", "bad character", "overflow").
const char* to_string(parse_errc e);

/// Rounding used when a result has more than 8 decimals.
enum class rounding {
  half_even,   ///< to nearest, ties to even (banker's rounding); the default everywhere
  toward_zero, ///< truncation; used for sizing, so an order never exceeds what was budgeted
};

/// Parses a plain decimal string ("61837.63000000", "-0.5", "24934.2") into raw units of 1e-8
/// without going through `double`. Digits past the 8th decimal are rounded half to even.
/// Exponents, spaces and thousands separators are rejected (`bad_char`).
parse_errc parse_decimal_raw(std::string_view text, int64_t& raw_out);

/// Formats raw units of 1e-8 as a decimal string with exactly 8 decimals ("61837.63000000").
std::string format_decimal_raw(int64_t raw);

/// Computes a * b / c exactly through __int128 and rounds once. Returns nullopt when c is 0 or
/// the result does not fit in int64.
std::optional<int64_t> mul_div_raw(int64_t a, int64_t b, int64_t c, rounding mode = rounding::half_even);

/// An exact decimal at scale 1e-8 stored as int64 raw units. `Tag` keeps prices, quantities and
/// money apart at compile time; cross-type products go through the named functions below.
template <class Tag>
class fixed {
public:
  constexpr fixed() = default;

  /// The value whose raw representation (units of 1e-8) is `raw`.
  static constexpr fixed from_raw(int64_t raw) { fixed x; x.raw_ = raw; return x; }

  /// The integer `units` (e.g. 10000 → 10000.00000000). Caller keeps |units| < 9.2e10.
  static constexpr fixed from_units(int64_t units) { return from_raw(units * fixed_scale); }

  /// Parses a decimal string; see `parse_decimal_raw`. nullopt on any error.
  static std::optional<fixed> parse(std::string_view text) {
    int64_t raw = 0;
    if (parse_decimal_raw(text, raw) != parse_errc::ok)
      return std::nullopt;
    return from_raw(raw);
  }

  /// Raw units of 1e-8.
  constexpr int64_t raw() const { return raw_; }

  /// Nearest double; for indicators and display only, never for accounting.
  double to_double() const { return static_cast<double>(raw_) / fixed_scale; }

  /// Decimal string with 8 decimals, e.g. "0.00100000".
  std::string to_string() const { return format_decimal_raw(raw_); }

  constexpr bool is_zero() const { return raw_ == 0; }
  constexpr bool is_positive() const { return raw_ > 0; }
  constexpr bool is_negative() const { return raw_ < 0; }

  friend constexpr fixed operator+(fixed a, fixed b) { return from_raw(a.raw_ + b.raw_); }
  friend constexpr fixed operator-(fixed a, fixed b) { return from_raw(a.raw_ - b.raw_); }
  friend constexpr fixed operator-(fixed a) { return from_raw(-a.raw_); }
  fixed& operator+=(fixed b) { raw_ += b.raw_; return *this; }
  fixed& operator-=(fixed b) { raw_ -= b.raw_; return *this; }
  friend constexpr bool operator==(fixed a, fixed b) { return a.raw_ == b.raw_; }
  friend constexpr bool operator!=(fixed a, fixed b) { return a.raw_ != b.raw_; }
  friend constexpr bool operator<(fixed a, fixed b) { return a.raw_ < b.raw_; }
  friend constexpr bool operator<=(fixed a, fixed b) { return a.raw_ <= b.raw_; }
  friend constexpr bool operator>(fixed a, fixed b) { return a.raw_ > b.raw_; }
  friend constexpr bool operator>=(fixed a, fixed b) { return a.raw_ >= b.raw_; }

  /// Mutable access to the raw units, for serialization only.
  int64_t& raw_ref() { return raw_; }

private:
  int64_t raw_ = 0;
};

struct price_tag {};
struct quantity_tag {};
struct money_tag {};
struct bps_tag {};

/// A price in quote currency per unit of base asset (e.g. USDT per BTC).
using price = fixed<price_tag>;
/// An amount of base asset (e.g. BTC).
using quantity = fixed<quantity_tag>;
/// An amount of quote currency (e.g. USDT): cash, notional, fees, P&L, equity.
using money = fixed<money_tag>;
/// Basis points (1 bps = 0.01 %), kept exact so "2.5" bps stays 2.5.
using bps = fixed<bps_tag>;

/// price × quantity, rounded half to even to 1e-8. nullopt on overflow.
std::optional<money> notional(price px, quantity qty);

/// amount × rate_bps / 10,000, rounded half to even (a fee: 10 bps of 1000 USDT = 1 USDT).
std::optional<money> apply_bps(money amount, bps rate);

/// px × (1 + rate_bps / 10,000), rounded half to even; a negative rate lowers the price.
std::optional<price> adjust_price_bps(price px, bps rate);

/// amount / px rounded toward zero to a multiple of `step` (the largest quantity that costs at
/// most `amount`). nullopt when px or step is not positive, or on overflow.
std::optional<quantity> quantity_for(money amount, price px, quantity step);

/// cost_basis × part / whole, half to even: the share of a position's cost that `part` of `whole`
/// carries. nullopt when whole is not positive.
std::optional<money> pro_rata(money cost_basis, quantity part, quantity whole);

/// cost / qty, half to even: the average price paid per unit. nullopt when qty is not positive.
std::optional<price> average_price(money cost, quantity qty);

/// qty × px as a value in quote currency for marking (same as `notional`).
inline std::optional<money> mark_value(quantity qty, price px) { return notional(px, qty); }

} // namespace pt

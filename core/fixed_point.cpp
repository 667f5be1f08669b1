#include "core/fixed_point.hpp"

#include <limits>

namespace pt {

namespace {

using i128 = __int128;

constexpr i128 int64_max = std::numeric_limits<int64_t>::max();
constexpr i128 int64_min = std::numeric_limits<int64_t>::min();

bool fits_int64(i128 x) { return x >= int64_min && x <= int64_max; }

// Divides n by d (0 < d) and rounds the quotient as `mode` says; T is int64_t or i128.
template <class T>
T round_quotient(T n, T d, rounding mode) {
  T q = n / d; // truncates toward zero
  T r = n % d; // same sign as n
  if (mode == rounding::toward_zero || r == 0)
    return q;
  T rest = r < 0 ? -r : r; // |r| < d, so d - rest cannot overflow where 2·rest could
  if (rest > d - rest || (rest == d - rest && q % 2 != 0))
    q += (n < 0) ? -1 : 1;
  return q;
}

// Divides n by d (d != 0) and rounds the quotient as `mode` says; in 64 bits when both fit
// (no 128-bit division, which is far slower), in 128 otherwise.
i128 div_round(i128 n, i128 d, rounding mode) {
  if (d < 0) {
    n = -n;
    d = -d;
  }
  if (fits_int64(n) && fits_int64(d))
    return round_quotient<int64_t>(static_cast<int64_t>(n), static_cast<int64_t>(d), mode);
  return round_quotient<i128>(n, d, mode);
}

} // namespace

const char* to_string(parse_errc e) {
  switch (e) {
    case parse_errc::ok: return "ok";
    case parse_errc::empty: return "empty";
    case parse_errc::bad_char: return "bad character";
    case parse_errc::overflow: return "overflow";
  }
  return "unknown";
}

parse_errc parse_decimal_raw(std::string_view text, int64_t& raw_out) {
  if (text.empty())
    return parse_errc::empty;
  size_t i = 0;
  bool negative = false;
  if (text[0] == '-' || text[0] == '+') {
    negative = text[0] == '-';
    ++i;
  }
  i128 raw = 0;
  int frac_digits = 0;
  bool seen_point = false;
  bool seen_digit = false;
  int first_dropped = -1;     // first digit past the 8th decimal
  bool nonzero_after = false; // any non-zero digit after that one
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.') {
      if (seen_point)
        return parse_errc::bad_char;
      seen_point = true;
      continue;
    }
    if (c < '0' || c > '9')
      return parse_errc::bad_char;
    seen_digit = true;
    int d = c - '0';
    if (!seen_point) {
      raw = raw * 10 + d;
      if (raw > int64_max) // early exit keeps the int128 from overflowing on huge inputs
        return parse_errc::overflow;
    } else if (frac_digits < 8) {
      raw = raw * 10 + d;
      ++frac_digits;
    } else if (first_dropped < 0) {
      first_dropped = d;
    } else if (d != 0) {
      nonzero_after = true;
    }
  }
  if (!seen_digit) // a lone sign or point
    return parse_errc::bad_char;
  for (; frac_digits < 8; ++frac_digits)
    raw *= 10;
  if (first_dropped > 5 || (first_dropped == 5 && (nonzero_after || raw % 2 != 0)))
    raw += 1;
  if (negative)
    raw = -raw;
  if (!fits_int64(raw))
    return parse_errc::overflow;
  raw_out = static_cast<int64_t>(raw);
  return parse_errc::ok;
}

std::string format_decimal_raw(int64_t raw) {
  // Work in unsigned magnitude so INT64_MIN formats correctly.
  uint64_t mag = raw < 0 ? uint64_t(0) - static_cast<uint64_t>(raw) : static_cast<uint64_t>(raw);
  uint64_t units = mag / fixed_scale;
  uint64_t frac = mag % fixed_scale;
  std::string frac_text = std::to_string(frac);
  std::string out;
  if (raw < 0)
    out.push_back('-');
  out += std::to_string(units);
  out.push_back('.');
  out.append(8 - frac_text.size(), '0');
  out += frac_text;
  return out;
}

std::optional<int64_t> mul_div_raw(int64_t a, int64_t b, int64_t c, rounding mode) {
  if (c == 0)
    return std::nullopt;
  i128 q = div_round(static_cast<i128>(a) * b, c, mode);
  if (!fits_int64(q))
    return std::nullopt;
  return static_cast<int64_t>(q);
}

std::optional<money> notional(price px, quantity qty) {
  auto r = mul_div_raw(px.raw(), qty.raw(), fixed_scale);
  if (!r)
    return std::nullopt;
  return money::from_raw(*r);
}

namespace {
constexpr int64_t bps_denominator = 10'000 * fixed_scale; // raw bps per 1.0
} // namespace

std::optional<money> apply_bps(money amount, bps rate) {
  auto r = mul_div_raw(amount.raw(), rate.raw(), bps_denominator);
  if (!r)
    return std::nullopt;
  return money::from_raw(*r);
}

std::optional<price> adjust_price_bps(price px, bps rate) {
  auto r = mul_div_raw(px.raw(), bps_denominator + rate.raw(), bps_denominator);
  if (!r)
    return std::nullopt;
  return price::from_raw(*r);
}

std::optional<quantity> quantity_for(money amount, price px, quantity step) {
  if (px.raw() <= 0 || step.raw() <= 0)
    return std::nullopt;
  auto raw = mul_div_raw(amount.raw(), fixed_scale, px.raw(), rounding::toward_zero);
  if (!raw)
    return std::nullopt;
  int64_t stepped = (*raw / step.raw()) * step.raw();
  return quantity::from_raw(stepped);
}

std::optional<money> pro_rata(money cost_basis, quantity part, quantity whole) {
  if (whole.raw() <= 0)
    return std::nullopt;
  auto r = mul_div_raw(cost_basis.raw(), part.raw(), whole.raw());
  if (!r)
    return std::nullopt;
  return money::from_raw(*r);
}

std::optional<price> average_price(money cost, quantity qty) {
  if (qty.raw() <= 0)
    return std::nullopt;
  auto r = mul_div_raw(cost.raw(), fixed_scale, qty.raw());
  if (!r)
    return std::nullopt;
  return price::from_raw(*r);
}

} // namespace pt

#include "core/metrics/performance_metrics.hpp"

#include <algorithm>
#include <cmath>

#include "core/execution/ledger.hpp"

namespace pt {

namespace {

constexpr int64_t year_ms = 365LL * 86'400'000LL;
constexpr int64_t ten_thousand_bps_raw = 10'000LL * fixed_scale; // 100 % in raw bps

void set_error(std::string* error, std::string text) {
  if (error)
    *error = std::move(text);
}

std::optional<double> finite(double x) {
  if (std::isfinite(x))
    return x;
  return std::nullopt;
}

// a / b as a fraction; nullopt when b is not positive.
std::optional<double> ratio(money a, money b) {
  if (!b.is_positive())
    return std::nullopt;
  return finite(a.to_double() / b.to_double());
}

// sum / n, half to even; nullopt when n is 0.
std::optional<money> mean_money(money sum, int64_t n) {
  if (n <= 0)
    return std::nullopt;
  auto raw = mul_div_raw(sum.raw(), 1, n);
  if (!raw)
    return std::nullopt;
  return money::from_raw(*raw);
}

// The price a fill would have had without slippage: its own reference when set, else the one
// `slippage` implies for a taker fill; nullopt when neither (a maker fill, no reference).
std::optional<price> reference_of(const fill& f, bps slippage) {
  if (f.reference_px.is_positive())
    return f.reference_px;
  if (f.role != liquidity::taker || !slippage.is_positive())
    return std::nullopt;
  int64_t den = f.fill_side == side::buy ? ten_thousand_bps_raw + slippage.raw() : ten_thousand_bps_raw - slippage.raw();
  if (den <= 0)
    return std::nullopt;
  auto raw = mul_div_raw(f.px.raw(), ten_thousand_bps_raw, den);
  if (!raw)
    return std::nullopt;
  return price::from_raw(*raw);
}

// Drawdown depth and duration over the points, from a peak that starts at `initial` at `start_ms`.
void measure_drawdown(const std::vector<equity_point>& pts, money initial, int64_t start_ms, int64_t end_ms,
                      performance_metrics& m) {
  money peak = initial;
  int64_t peak_ms = start_ms;
  bool under = false;
  for (auto& p : pts) {
    if (p.equity >= peak) {
      if (under)
        m.max_drawdown_duration_ms = std::max(m.max_drawdown_duration_ms, p.ts_event_ms - peak_ms);
      under = false;
      peak = p.equity;
      peak_ms = p.ts_event_ms;
      continue;
    }
    under = true;
    m.max_drawdown_money = std::max(m.max_drawdown_money, peak - p.equity);
    if (peak.is_positive())
      m.max_drawdown = std::max(m.max_drawdown, (peak - p.equity).to_double() / peak.to_double());
  }
  if (under) {
    m.drawdown_recovered = false;
    m.max_drawdown_duration_ms = std::max(m.max_drawdown_duration_ms, end_ms - peak_ms);
  }
}

// Per-period returns of the step-function curve sampled at start + k·period; nullopt when an
// equity on the grid is not positive (a return is then not defined).
std::optional<std::vector<double>> period_returns(const std::vector<equity_point>& pts, int64_t start_ms,
                                                  int64_t end_ms, int64_t period_ms) {
  std::vector<double> out;
  if (pts.empty() || end_ms <= start_ms)
    return out;
  size_t i = 0;
  // Before the first point the account held its first value (start_ms is at or before it).
  money prev = pts.front().equity;
  for (int64_t t = start_ms + period_ms; t <= end_ms; t += period_ms) {
    while (i + 1 < pts.size() && pts[i + 1].ts_event_ms <= t)
      ++i;
    money e = pts[i].ts_event_ms <= t ? pts[i].equity : pts.front().equity;
    if (!prev.is_positive())
      return std::nullopt;
    out.push_back(e.to_double() / prev.to_double() - 1.0);
    prev = e;
    if (end_ms - t < period_ms)
      break; // the next grid time is past the end; also keeps t from overflowing
  }
  return out;
}

void ratios_from_returns(const std::vector<double>& r, performance_metrics& m) {
  m.returns = static_cast<int64_t>(r.size());
  if (r.size() < 2)
    return;
  double n = static_cast<double>(r.size());
  double sum = 0;
  for (double x : r)
    sum += x;
  double mean = sum / n;
  double ss = 0, downside = 0;
  for (double x : r) {
    ss += (x - mean) * (x - mean);
    if (x < 0)
      downside += x * x;
  }
  double sd = std::sqrt(ss / (n - 1));
  double dd = std::sqrt(downside / n);
  double scale = std::sqrt(m.periods_per_year);
  // A constant series can leave rounding dust in sd; treat it as zero variance.
  constexpr double tiny = 1e-15;
  if (sd > tiny) {
    m.annualized_volatility = finite(sd * scale);
    m.sharpe = finite(mean / sd * scale);
  } else {
    m.annualized_volatility = 0.0;
  }
  if (dd > tiny)
    m.sortino = finite(mean / dd * scale);
}

} // namespace

std::optional<std::vector<round_trip>> round_trips_of(const std::vector<fill>& fills, std::optional<round_trip>* open,
                                                      std::string* error) {
  std::vector<round_trip> out;
  std::optional<round_trip> cur;
  quantity pos;
  for (auto& f : fills) {
    auto value = notional(f.px, f.qty);
    if (!value) {
      set_error(error, "fill " + std::to_string(f.fill_id) + ": notional overflows");
      return std::nullopt;
    }
    if (f.fill_side == side::buy) {
      if (!cur) {
        cur = round_trip{};
        cur->entry_ms = f.ts_event_ms;
      }
      cur->bought_qty += f.qty;
      cur->cost += *value;
      pos += f.qty;
    } else {
      if (!cur || f.qty > pos) {
        set_error(error, "fill " + std::to_string(f.fill_id) + ": sells " + f.qty.to_string() + " holding " +
                           pos.to_string());
        return std::nullopt;
      }
      cur->proceeds += *value;
      pos -= f.qty;
    }
    cur->fees += f.fee;
    ++cur->fills;
    if (pos.is_zero()) {
      cur->exit_ms = f.ts_event_ms;
      cur->gross_pnl = cur->proceeds - cur->cost;
      cur->net_pnl = cur->gross_pnl - cur->fees;
      out.push_back(*cur);
      cur.reset();
    }
  }
  if (open)
    *open = cur;
  return out;
}

std::optional<performance_metrics> compute_performance(const metrics_input& in, std::string* error) {
  if (in.period_ms <= 0) {
    set_error(error, "period_ms must be positive");
    return std::nullopt;
  }
  for (size_t i = 1; i < in.equity.size(); ++i)
    if (in.equity[i].ts_event_ms < in.equity[i - 1].ts_event_ms) {
      set_error(error, "equity points out of time order at index " + std::to_string(i));
      return std::nullopt;
    }
  performance_metrics m;
  m.period_ms = in.period_ms;
  m.periods_per_year = static_cast<double>(year_ms) / static_cast<double>(in.period_ms);
  m.initial_equity = in.initial_cash;

  // The account, replayed with the ledger's own arithmetic.
  ledger account(in.initial_cash);
  for (auto& f : in.fills) {
    auto why = account.apply(f);
    if (why != reject_reason::none) {
      set_error(error, "fill " + std::to_string(f.fill_id) + " rejected by the ledger: " + to_string(why));
      return std::nullopt;
    }
  }
  auto trips = round_trips_of(in.fills, &m.open_trip, error);
  if (!trips)
    return std::nullopt;
  m.trips = std::move(*trips);

  // The window: from the first point or fill to the last point, fill or stated end.
  std::vector<int64_t> starts, ends;
  if (!in.equity.empty()) {
    starts.push_back(in.equity.front().ts_event_ms);
    ends.push_back(in.equity.back().ts_event_ms);
  }
  if (!in.fills.empty()) {
    starts.push_back(in.fills.front().ts_event_ms);
    ends.push_back(in.fills.back().ts_event_ms);
  }
  if (in.end_ms)
    ends.push_back(*in.end_ms);
  m.start_ms = starts.empty() ? in.end_ms.value_or(0) : *std::min_element(starts.begin(), starts.end());
  m.end_ms = ends.empty() ? m.start_ms : std::max(m.start_ms, *std::max_element(ends.begin(), ends.end()));

  // Final account and mark.
  m.cash = account.cash();
  m.position_qty = account.position_qty();
  m.cost_basis = account.cost_basis();
  m.avg_entry_price = account.avg_entry_price();
  m.realized_pnl = account.realized_pnl();
  m.fees = account.fees();
  m.fills = static_cast<int64_t>(in.fills.size());
  std::optional<price> mark = in.end_mark;
  if (!mark && !in.equity.empty() && in.equity.back().mark.is_positive())
    mark = in.equity.back().mark;
  m.mark = mark.value_or(price{});
  if (mark) {
    m.unrealized_pnl = account.unrealized_pnl(*mark);
    m.final_equity = account.equity(*mark).value_or(m.cash);
  } else if (m.position_qty.is_zero()) {
    m.unrealized_pnl = money{};
    m.final_equity = m.cash;
  } else {
    m.final_equity = in.equity.empty() ? m.cash + m.cost_basis : in.equity.back().equity;
  }
  m.net_pnl = m.final_equity - m.initial_equity;
  m.total_return = ratio(m.net_pnl, m.initial_equity);

  // The curve, closed by the final valuation when it is later than the last point.
  std::vector<equity_point> pts = in.equity;
  if (in.end_ms && (pts.empty() || *in.end_ms > pts.back().ts_event_ms))
    pts.push_back(equity_point{*in.end_ms, m.final_equity, m.cash, m.position_qty, m.mark});

  if ((m.end_ms - m.start_ms) / in.period_ms > max_return_periods) {
    set_error(error, "period_ms " + std::to_string(in.period_ms) + " splits the window into more than " +
                       std::to_string(max_return_periods) + " periods");
    return std::nullopt;
  }
  measure_drawdown(pts, m.initial_equity, m.start_ms, m.end_ms, m);
  if (auto r = period_returns(pts, m.start_ms, m.end_ms, in.period_ms))
    ratios_from_returns(*r, m);

  int64_t span_ms = m.end_ms - m.start_ms;
  // CAGR from the curve, like the returns (its last value is the final valuation when end_ms is given).
  money last_equity = pts.empty() ? m.final_equity : pts.back().equity;
  if (span_ms > 0 && m.initial_equity.is_positive() && last_equity.is_positive()) {
    double growth = last_equity.to_double() / m.initial_equity.to_double();
    m.annualized_return = finite(std::pow(growth, static_cast<double>(year_ms) / static_cast<double>(span_ms)) - 1.0);
  }
  if (m.annualized_return && m.max_drawdown > 0)
    m.calmar = finite(*m.annualized_return / m.max_drawdown);

  // Trades.
  m.round_trips = static_cast<int64_t>(m.trips.size());
  for (auto& t : m.trips) {
    if (t.net_pnl.is_positive()) {
      ++m.wins;
      m.gross_profit += t.net_pnl;
    } else {
      ++m.losses;
      m.gross_loss -= t.net_pnl;
    }
  }
  if (m.round_trips > 0) {
    m.win_rate = static_cast<double>(m.wins) / static_cast<double>(m.round_trips);
    m.expectancy = mean_money(m.gross_profit - m.gross_loss, m.round_trips);
  }
  m.profit_factor = ratio(m.gross_profit, m.gross_loss);
  m.average_win = mean_money(m.gross_profit, m.wins);
  m.average_loss = mean_money(-m.gross_loss, m.losses);

  // Exposure: time between a fill that opens a position and the one that closes it.
  if (span_ms > 0) {
    int64_t held_ms = 0, since_ms = 0;
    bool holding = false;
    quantity pos;
    for (auto& f : in.fills) {
      pos += f.fill_side == side::buy ? f.qty : -f.qty;
      if (pos.is_positive() && !holding) {
        holding = true;
        since_ms = f.ts_event_ms;
      } else if (pos.is_zero() && holding) {
        held_ms += f.ts_event_ms - since_ms;
        holding = false;
      }
    }
    if (holding)
      held_ms += m.end_ms - since_ms;
    m.exposure = static_cast<double>(held_ms) / static_cast<double>(span_ms);
  }

  // Turnover and slippage.
  for (auto& f : in.fills) {
    auto value = notional(f.px, f.qty);
    m.traded_notional += value.value_or(money{});
    if (auto ref = reference_of(f, in.slippage_bps)) {
      auto at_ref = notional(*ref, f.qty);
      if (value && at_ref)
        m.slippage_cost += *value > *at_ref ? *value - *at_ref : *at_ref - *value;
    }
  }
  if (!pts.empty()) {
    int64_t span = pts.back().ts_event_ms - pts.front().ts_event_ms;
    if (span > 0) {
      __int128 weighted = 0;
      for (size_t i = 0; i + 1 < pts.size(); ++i)
        weighted += static_cast<__int128>(pts[i].equity.raw()) * (pts[i + 1].ts_event_ms - pts[i].ts_event_ms);
      m.average_equity = money::from_raw(static_cast<int64_t>(weighted / span));
    } else {
      m.average_equity = pts.back().equity;
    }
  } else {
    m.average_equity = m.final_equity;
  }
  m.turnover = ratio(m.traded_notional, m.average_equity);
  return m;
}

} // namespace pt

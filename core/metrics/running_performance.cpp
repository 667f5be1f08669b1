#include "core/metrics/running_performance.hpp"

#include <algorithm>
#include <cmath>

namespace pt {

namespace {

constexpr int64_t year_ms = 365LL * 86'400'000LL;
constexpr int64_t ten_thousand_bps_raw = 10'000LL * fixed_scale; // 100 % in raw bps

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

// The 128-bit sum kept as two 64-bit halves (so the state stays plain integers).
__int128 join(int64_t hi, uint64_t lo) {
  return static_cast<__int128>((static_cast<unsigned __int128>(static_cast<uint64_t>(hi)) << 64) | lo);
}

std::string too_many_periods(int64_t period_ms) {
  return "period_ms " + std::to_string(period_ms) + " splits the window into more than " +
         std::to_string(max_return_periods) + " periods";
}

} // namespace

running_performance::running_performance(money initial_cash, int64_t period_ms, bps slippage, size_t keep_trips)
    : initial_cash_(initial_cash), period_ms_(period_ms), slippage_(slippage), keep_trips_(keep_trips),
      account_{initial_cash, quantity{}, money{}, money{}, money{}}, peak_(initial_cash) {
  if (period_ms <= 0)
    fail("period_ms must be positive");
}

void running_performance::fail(std::string text) {
  if (error_.empty())
    error_ = std::move(text);
}

bool running_performance::touch(int64_t ts) {
  if (!started_) {
    started_ = true;
    start_ms_ = ts;
    peak_ms_ = ts; // the drawdown's peak starts at the initial cash, at the start of the window
  }
  last_ms_ = std::max(last_ms_, ts);
  if ((last_ms_ - start_ms_) / period_ms_ > max_return_periods) {
    fail(too_many_periods(period_ms_));
    return false;
  }
  return true;
}

void running_performance::add_return(money e) {
  if (!prev_value_.is_positive()) {
    returns_undefined_ = true;
  } else {
    double x = e.to_double() / prev_value_.to_double() - 1.0;
    ++returns_;
    sum_ += x;
    double delta = x - mean_;
    mean_ += delta / static_cast<double>(returns_);
    m2_ += delta * (x - mean_);
    if (x < 0)
      downside_ += x * x;
  }
  prev_value_ = e;
}

void running_performance::close_periods_before(int64_t ts) {
  // Before the first point the account held the first point's value; after, the last one's.
  money value = points_ == 0 ? first_.equity : last_.equity;
  while (static_cast<__int128>(start_ms_) + static_cast<__int128>(next_period_) * period_ms_ < ts) {
    add_return(value);
    ++next_period_;
  }
}

void running_performance::close_periods_through(int64_t end) {
  if (points_ == 0)
    return;
  while (static_cast<__int128>(start_ms_) + static_cast<__int128>(next_period_) * period_ms_ <= end) {
    add_return(last_.equity);
    ++next_period_;
  }
}

void running_performance::on_fill(const fill& f) {
  if (!error_.empty() || !touch(f.ts_event_ms))
    return;
  ledger account(initial_cash_, account_);
  auto why = account.apply(f);
  if (why != reject_reason::none) {
    fail("fill " + std::to_string(f.fill_id) + " rejected by the ledger: " + to_string(why));
    return;
  }
  auto value = notional(f.px, f.qty);
  if (!value) {
    fail("fill " + std::to_string(f.fill_id) + ": notional overflows");
    return;
  }
  if (f.fill_side == side::sell && !trip_open_) {
    fail("fill " + std::to_string(f.fill_id) + ": sells " + f.qty.to_string() + " holding " +
         account_.position_qty.to_string());
    return;
  }
  account_ = account.figures();
  ++fills_;

  // The round trip: from flat, through buys (and partial sells), back to flat.
  if (f.fill_side == side::buy) {
    if (!trip_open_) {
      trip_open_ = true;
      trip_ = round_trip{};
      trip_.entry_ms = f.ts_event_ms;
    }
    trip_.bought_qty += f.qty;
    trip_.cost += *value;
  } else {
    trip_.proceeds += *value;
  }
  trip_.fees += f.fee;
  ++trip_.fills;
  if (account_.position_qty.is_zero()) {
    trip_.exit_ms = f.ts_event_ms;
    trip_.gross_pnl = trip_.proceeds - trip_.cost;
    trip_.net_pnl = trip_.gross_pnl - trip_.fees;
    ++round_trips_;
    if (trip_.net_pnl.is_positive()) {
      ++wins_;
      gross_profit_ += trip_.net_pnl;
    } else {
      ++losses_;
      gross_loss_ -= trip_.net_pnl;
    }
    if (keep_trips_ > 0) {
      if (trips_.size() >= keep_trips_)
        trips_.erase(trips_.begin());
      trips_.push_back(trip_);
    }
    trip_open_ = false;
  }

  // Exposure: from the fill that opens a position to the one that closes it.
  if (account_.position_qty.is_positive() && !holding_) {
    holding_ = true;
    holding_since_ms_ = f.ts_event_ms;
  } else if (account_.position_qty.is_zero() && holding_) {
    held_ms_ += f.ts_event_ms - holding_since_ms_;
    holding_ = false;
  }

  // Turnover and slippage.
  traded_notional_ += *value;
  if (auto ref = reference_of(f, slippage_)) {
    auto at_ref = notional(*ref, f.qty);
    if (at_ref)
      slippage_cost_ += *value > *at_ref ? *value - *at_ref : *at_ref - *value;
  }
}

void running_performance::on_equity(const equity_point& p) {
  if (!error_.empty())
    return;
  if (points_ > 0 && p.ts_event_ms < last_.ts_event_ms) {
    fail("equity points out of time order at index " + std::to_string(points_));
    return;
  }
  if (!touch(p.ts_event_ms))
    return;
  if (points_ == 0) {
    first_ = p;
    prev_value_ = p.equity;
  } else {
    // Time-weighted equity: each point holds until the next.
    __int128 w = join(weighted_hi_, weighted_lo_) +
                 static_cast<__int128>(last_.equity.raw()) * (p.ts_event_ms - last_.ts_event_ms);
    auto u = static_cast<unsigned __int128>(w);
    weighted_hi_ = static_cast<int64_t>(static_cast<uint64_t>(u >> 64));
    weighted_lo_ = static_cast<uint64_t>(u);
  }
  close_periods_before(p.ts_event_ms);

  // Drawdown from the running peak (which starts at the initial cash).
  if (p.equity >= peak_) {
    if (under_)
      max_drawdown_duration_ms_ = std::max(max_drawdown_duration_ms_, p.ts_event_ms - peak_ms_);
    under_ = false;
    peak_ = p.equity;
    peak_ms_ = p.ts_event_ms;
  } else {
    under_ = true;
    max_drawdown_money_ = std::max(max_drawdown_money_, peak_ - p.equity);
    if (peak_.is_positive())
      max_drawdown_ = std::max(max_drawdown_, (peak_ - p.equity).to_double() / peak_.to_double());
  }
  last_ = p;
  ++points_;
}

std::optional<performance_metrics> running_performance::result(std::optional<int64_t> end_ms,
                                                               std::optional<price> end_mark,
                                                               std::string* error) const {
  auto failed = [&](const std::string& text) -> std::optional<performance_metrics> {
    if (error)
      *error = text;
    return std::nullopt;
  };
  if (!error_.empty())
    return failed(error_);
  performance_metrics m;
  m.period_ms = period_ms_;
  m.periods_per_year = static_cast<double>(year_ms) / static_cast<double>(period_ms_);
  m.initial_equity = initial_cash_;

  // The window: from the first point or fill to the last point, fill or stated end.
  m.start_ms = started_ ? start_ms_ : end_ms.value_or(0);
  m.end_ms = started_ ? last_ms_ : m.start_ms;
  if (end_ms)
    m.end_ms = std::max(m.end_ms, *end_ms);
  m.end_ms = std::max(m.end_ms, m.start_ms);
  if ((m.end_ms - m.start_ms) / period_ms_ > max_return_periods)
    return failed(too_many_periods(period_ms_));

  // Final account and mark.
  ledger account(initial_cash_, account_);
  m.cash = account.cash();
  m.position_qty = account.position_qty();
  m.cost_basis = account.cost_basis();
  m.avg_entry_price = account.avg_entry_price();
  m.realized_pnl = account.realized_pnl();
  m.fees = account.fees();
  m.fills = fills_;
  std::optional<price> mark = end_mark;
  if (!mark && points_ > 0 && last_.mark.is_positive())
    mark = last_.mark;
  m.mark = mark.value_or(price{});
  if (mark) {
    m.unrealized_pnl = account.unrealized_pnl(*mark);
    m.final_equity = account.equity(*mark).value_or(m.cash);
  } else if (m.position_qty.is_zero()) {
    m.unrealized_pnl = money{};
    m.final_equity = m.cash;
  } else {
    m.final_equity = points_ == 0 ? m.cash + m.cost_basis : last_.equity;
  }
  m.net_pnl = m.final_equity - m.initial_equity;
  m.total_return = ratio(m.net_pnl, m.initial_equity);

  // The curve, closed by the final valuation when it is later than the last point: on a copy.
  running_performance c = *this;
  if (!c.started_) {
    c.started_ = true;
    c.start_ms_ = m.start_ms;
    c.peak_ms_ = m.start_ms;
  }
  if (end_ms && (c.points_ == 0 || *end_ms > c.last_.ts_event_ms)) {
    c.on_equity(equity_point{*end_ms, m.final_equity, m.cash, m.position_qty, m.mark});
    if (!c.error_.empty())
      return failed(c.error_);
  }
  m.max_drawdown = c.max_drawdown_;
  m.max_drawdown_money = c.max_drawdown_money_;
  m.max_drawdown_duration_ms = c.max_drawdown_duration_ms_;
  if (c.under_) {
    m.drawdown_recovered = false;
    m.max_drawdown_duration_ms = std::max(m.max_drawdown_duration_ms, m.end_ms - c.peak_ms_);
  }

  // Returns on the grid up to the end, and the ratios from them.
  if (m.end_ms > m.start_ms)
    c.close_periods_through(m.end_ms);
  if (!c.returns_undefined_) {
    m.returns = c.returns_;
    if (c.returns_ >= 2) {
      double n = static_cast<double>(c.returns_);
      double mean = c.sum_ / n;
      double sd = std::sqrt(c.m2_ / (n - 1));
      double dd = std::sqrt(c.downside_ / n);
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
  }

  int64_t span_ms = m.end_ms - m.start_ms;
  // CAGR from the curve, like the returns (its last value is the final valuation when end_ms is given).
  money last_equity = c.points_ == 0 ? m.final_equity : c.last_.equity;
  if (span_ms > 0 && m.initial_equity.is_positive() && last_equity.is_positive()) {
    double growth = last_equity.to_double() / m.initial_equity.to_double();
    m.annualized_return = finite(std::pow(growth, static_cast<double>(year_ms) / static_cast<double>(span_ms)) - 1.0);
  }
  if (m.annualized_return && m.max_drawdown > 0)
    m.calmar = finite(*m.annualized_return / m.max_drawdown);

  // Trades.
  m.trips = trips_;
  if (trip_open_)
    m.open_trip = trip_;
  m.round_trips = round_trips_;
  m.wins = wins_;
  m.losses = losses_;
  m.gross_profit = gross_profit_;
  m.gross_loss = gross_loss_;
  if (m.round_trips > 0) {
    m.win_rate = static_cast<double>(m.wins) / static_cast<double>(m.round_trips);
    m.expectancy = mean_money(m.gross_profit - m.gross_loss, m.round_trips);
  }
  m.profit_factor = ratio(m.gross_profit, m.gross_loss);
  m.average_win = mean_money(m.gross_profit, m.wins);
  m.average_loss = mean_money(-m.gross_loss, m.losses);

  if (span_ms > 0) {
    int64_t held_ms = held_ms_ + (holding_ ? m.end_ms - holding_since_ms_ : 0);
    m.exposure = static_cast<double>(held_ms) / static_cast<double>(span_ms);
  }

  m.traded_notional = traded_notional_;
  m.slippage_cost = slippage_cost_;
  if (c.points_ > 0) {
    int64_t span = c.last_.ts_event_ms - c.first_.ts_event_ms;
    if (span > 0) {
      __int128 weighted = join(c.weighted_hi_, c.weighted_lo_);
      m.average_equity = money::from_raw(static_cast<int64_t>(weighted / span));
    } else {
      m.average_equity = c.last_.equity;
    }
  } else {
    m.average_equity = m.final_equity;
  }
  m.turnover = ratio(m.traded_notional, m.average_equity);
  return m;
}

} // namespace pt

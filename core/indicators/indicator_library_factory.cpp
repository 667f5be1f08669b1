#include "core/indicators/indicator_library.hpp"

// make_indicator: adapters from the building blocks (core/indicators/indicators*.hpp) to the `indicator`
// interface, one per output shape.

#include <cmath>
#include <functional>
#include <memory>
#include <utility>

#include "core/indicators/indicators.hpp"
#include "core/indicators/momentum.hpp"
#include "core/indicators/trend.hpp"
#include "core/indicators/volume.hpp"

namespace pt {
namespace {

// One-output indicator over the source price: sma, ema, wma, rsi.
template <class Scalar>
class source_indicator final : public indicator {
public:
  source_indicator(Scalar inner, price_source source, size_t warmup)
      : inner_(std::move(inner)), source_(source), warmup_(warmup) {}
  void update(const bar_input& bar) override { inner_.update(price_of(bar, source_)); }
  std::optional<double> value(size_t output) const override {
    return output == 0 ? inner_.value() : std::nullopt;
  }
  size_t warmup_bars() const override { return warmup_; }

private:
  Scalar inner_;
  price_source source_;
  size_t warmup_;
};

// Any indicator whose state is a building block fed from the bar, with outputs read from the
// block's value by `read` (nullopt when the block has none or the index is out of range).
template <class Block>
class block_indicator final : public indicator {
public:
  using feed_fn = std::function<void(Block&, const bar_input&)>;
  using read_fn = std::function<std::optional<double>(const Block&, size_t)>;
  block_indicator(Block block, feed_fn feed, read_fn read, size_t warmup)
      : block_(std::move(block)), feed_(std::move(feed)), read_(std::move(read)), warmup_(warmup) {}
  void update(const bar_input& bar) override { feed_(block_, bar); }
  std::optional<double> value(size_t output) const override { return read_(block_, output); }
  size_t warmup_bars() const override { return warmup_; }

private:
  Block block_;
  feed_fn feed_;
  read_fn read_;
  size_t warmup_;
};

template <class Block, class Feed, class Read>
std::unique_ptr<indicator> make_block(Block block, Feed feed, Read read, size_t warmup) {
  return std::make_unique<block_indicator<Block>>(std::move(block), std::move(feed), std::move(read), warmup);
}

// Reads output `i` of a block whose value() is optional<Struct>, through the member list.
template <class Struct, size_t N>
std::optional<double> pick(const std::optional<Struct>& v, size_t i, double Struct::*const (&members)[N]) {
  if (!v || i >= N)
    return std::nullopt;
  return (*v).*members[i];
}

size_t as_size(int n) { return n > 0 ? static_cast<size_t>(n) : 0; }

} // namespace

std::unique_ptr<indicator> make_indicator(const std::string& type, const std::vector<double>& params,
                                          price_source source) {
  const indicator_type_info* info = find_indicator_type(type);
  if (!info || params.size() != info->params.size())
    return nullptr;
  auto whole = [&](size_t i) { return static_cast<int>(std::lround(params[i])); };

  if (type == "sma")
    return std::make_unique<source_indicator<sma>>(sma(whole(0)), source, as_size(whole(0) - 1));
  if (type == "ema")
    return std::make_unique<source_indicator<ema>>(ema(whole(0)), source, as_size(whole(0) - 1));
  if (type == "wma")
    return std::make_unique<source_indicator<wma>>(wma(whole(0)), source, as_size(whole(0) - 1));
  if (type == "rsi")
    return std::make_unique<source_indicator<rsi>>(rsi(whole(0)), source, as_size(whole(0)));
  if (type == "macd") {
    macd block(whole(0), whole(1), whole(2));
    const size_t warmup = block.lookback();
    static constexpr double macd_value::*members[] = {&macd_value::macd, &macd_value::signal, &macd_value::histogram};
    return make_block(
        std::move(block), [source](macd& b, const bar_input& bar) { b.update(price_of(bar, source)); },
        [](const macd& b, size_t i) { return pick(b.value(), i, members); }, warmup);
  }
  if (type == "bbands") {
    static constexpr double bands_value::*members[] = {&bands_value::middle, &bands_value::upper, &bands_value::lower};
    return make_block(
        bbands(whole(0), params[1]), [source](bbands& b, const bar_input& bar) { b.update(price_of(bar, source)); },
        [](const bbands& b, size_t i) { return pick(b.value(), i, members); }, as_size(whole(0) - 1));
  }
  if (type == "atr")
    return make_block(
        atr(whole(0)), [](atr& b, const bar_input& bar) { b.update(bar.high, bar.low, bar.close); },
        [](const atr& b, size_t i) { return i == 0 ? b.value() : std::nullopt; }, as_size(whole(0)));
  if (type == "stoch") {
    static constexpr double stoch_value::*members[] = {&stoch_value::k, &stoch_value::d};
    return make_block(
        stoch(whole(0), whole(1), whole(2)),
        [](stoch& b, const bar_input& bar) { b.update(bar.high, bar.low, bar.close); },
        [](const stoch& b, size_t i) { return pick(b.value(), i, members); },
        as_size(whole(0) - 1) + as_size(whole(1) - 1) + as_size(whole(2) - 1));
  }
  if (type == "adx")
    return make_block(
        adx(whole(0)), [](adx& b, const bar_input& bar) { b.update(bar.high, bar.low, bar.close); },
        [](const adx& b, size_t i) -> std::optional<double> {
          const adx_value& v = b.value();
          return i == 0 ? v.adx : i == 1 ? v.plus_di : i == 2 ? v.minus_di : std::nullopt;
        },
        as_size(2 * whole(0) - 1));
  if (type == "vwap")
    return make_block(
        vwap(), [](vwap& b, const bar_input& bar) { b.update(bar.open_time_ms, bar.high, bar.low, bar.close, bar.volume); },
        [](const vwap& b, size_t i) { return i == 0 ? b.value() : std::nullopt; }, 0);
  if (type == "obv")
    return make_block(
        obv(), [source](obv& b, const bar_input& bar) { b.update(price_of(bar, source), bar.volume); },
        [](const obv& b, size_t i) { return i == 0 ? b.value() : std::nullopt; }, 0);
  if (type == "donchian") {
    static constexpr double channel_value::*members[] = {&channel_value::upper, &channel_value::lower,
                                                         &channel_value::middle};
    return make_block(
        donchian(whole(0)), [](donchian& b, const bar_input& bar) { b.update(bar.high, bar.low); },
        [](const donchian& b, size_t i) { return pick(b.value(), i, members); }, as_size(whole(0) - 1));
  }
  if (type == "volume_profile") {
    static constexpr double profile_value::*members[] = {&profile_value::poc, &profile_value::vah, &profile_value::val};
    return make_block(
        volume_profile(whole(0), params[1], whole(2)),
        [](volume_profile& b, const bar_input& bar) { b.update(bar.high, bar.low, bar.close, bar.volume); },
        [](const volume_profile& b, size_t i) { return pick(b.value(), i, members); }, as_size(whole(0) - 1));
  }
  return nullptr;
}

} // namespace pt

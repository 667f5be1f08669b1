#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pt {

/// The values of named series (close, ema_fast, rsi, …) for the latest bars, newest first; what
/// a rule reads when it is evaluated (core/strategy/rule_eval.cpp).
/// Each closed bar pushes one row: one optional value per series (nullopt while an indicator is
/// still warming up). `get(i, 0)` is the current bar, `get(i, 1)` the previous one, and so on.
class series_table {
public:
  /// `names` are the series' names in column order; `depth` is how many bars to remember (≥ 1).
  series_table(std::vector<std::string> names, size_t depth);

  /// Appends the row of the newest bar; `row.size()` must equal the number of names.
  void push(std::vector<std::optional<double>> row);

  /// Value of series `index` `offset` bars ago; nullopt if unknown (warm-up or not yet seen).
  std::optional<double> get(size_t index, size_t offset) const;

  /// Column of `name`, or nullopt.
  std::optional<size_t> index_of(std::string_view name) const;

  const std::vector<std::string>& names() const { return names_; }
  size_t depth() const { return depth_; }

private:
  std::vector<std::string> names_;
  size_t depth_;
  std::deque<std::vector<std::optional<double>>> rows_; // front = newest
};

/// A problem found while compiling a rule: where (0-based offset into the rule text) and what.
struct rule_error {
  size_t offset = 0;
  std::string message;
};

/// Resolves a name used in a rule to a series column. `name` is as written before any `@`
/// ("ema_fast", "macd.signal", "close"); `timeframe_ms` is the `@` suffix in ms (`close@1h`), or 0
/// when there is none. Returns the column, or nullopt with `why` saying what is wrong.
using series_resolver =
  std::function<std::optional<size_t>(const std::string& name, int64_t timeframe_ms, std::string& why)>;

/// A compiled boolean rule over named series, e.g.
/// `crosses_above(ema_fast, ema_slow) and rsi < 70` or `close > sma_50 * 1.01`.
///
/// Language: numbers; series names (`rsi`, an indicator output `macd.signal`, a value from
/// another timeframe `sma_200@1h`), optionally with a bar offset `rsi[1]` (previous bar);
/// arithmetic `+ - * /` and parentheses; comparisons `< <= > >= == !=`; `and`, `or`, `not`;
/// `crosses_above(a, b)` (a > b now and a ≤ b on the previous bar) and `crosses_below(a, b)`.
/// A value not known yet (indicator warm-up, too little history, division by zero) makes the
/// comparisons that read it unknown; `and` / `or` / `not` follow three-valued logic (unknown or
/// true is true, unknown and false is false), and a rule that ends unknown is false.
class rule {
public:
  /// Compiles `text` against the series names `known` (resolved to their column). On failure
  /// returns nullopt and appends every problem found to `errors`. (Parser: core/strategy/rule_parser.cpp.)
  static std::optional<rule> compile(std::string_view text, const std::vector<std::string>& known,
                                     std::vector<rule_error>& errors);

  /// Compiles `text`, asking `resolve` for the column of every name it uses (see
  /// `series_resolver`). On failure returns nullopt and appends every problem to `errors`.
  static std::optional<rule> compile(std::string_view text, const series_resolver& resolve,
                                     std::vector<rule_error>& errors);

  /// Evaluates the rule on the table's newest bar (evaluator: core/strategy/rule_eval.cpp).
  bool evaluate(const series_table& table) const;

  /// The deepest bar offset this rule reads (0 = only the current bar).
  size_t max_offset() const { return max_offset_; }

  /// The source text, as compiled.
  const std::string& text() const { return text_; }

  /// Series columns the rule reads, each once, in order of first use (for decision logs).
  const std::vector<size_t>& inputs() const { return inputs_; }

  /// One node of the expression tree: core/strategy/rule_parser.cpp builds it, core/strategy/rule_eval.cpp walks it.
  struct node {
    enum class op { number, series, neg, add, sub, mul, div, lt, le, gt, ge, eq, ne,
                    and_, or_, not_, crosses_above, crosses_below };
    op kind = op::number;
    double number = 0;   ///< for `number`
    size_t series = 0;   ///< column, for `series`
    size_t offset = 0;   ///< bars back, for `series`
    int lhs = -1;        ///< child node index
    int rhs = -1;        ///< child node index
  };

private:
  std::optional<double> eval_number(int node, size_t shift, const series_table& t) const;
  std::optional<bool> eval_bool(int node, size_t shift, const series_table& t) const;

  std::string text_;
  std::vector<node> nodes_;
  int root_ = -1;
  size_t max_offset_ = 0;
  std::vector<size_t> inputs_;
};

} // namespace pt

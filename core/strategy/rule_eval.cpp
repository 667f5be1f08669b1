// The rule evaluator: `series_table` (the values a rule reads) and `rule::evaluate` over the
// expression tree core/strategy/rule_parser.cpp built, in three-valued logic.

#include "core/strategy/rule.hpp"

#include <algorithm>

namespace pt {

series_table::series_table(std::vector<std::string> names, size_t depth)
  : names_(std::move(names)), depth_(depth < 1 ? 1 : depth) {}

void series_table::push(std::vector<std::optional<double>> row) {
  rows_.push_front(std::move(row));
  if (rows_.size() > depth_)
    rows_.pop_back();
}

std::optional<double> series_table::get(size_t index, size_t offset) const {
  if (offset >= rows_.size() || index >= rows_[offset].size())
    return std::nullopt;
  return rows_[offset][index];
}

std::optional<size_t> series_table::index_of(std::string_view name) const {
  auto it = std::find(names_.begin(), names_.end(), name);
  if (it == names_.end())
    return std::nullopt;
  return static_cast<size_t>(it - names_.begin());
}

namespace {

using op = rule::node::op;

} // namespace

bool rule::evaluate(const series_table& table) const {
  if (root_ < 0)
    return false;
  return eval_bool(root_, 0, table).value_or(false);
}

std::optional<double> rule::eval_number(int index, size_t shift, const series_table& t) const {
  const node& n = nodes_[static_cast<size_t>(index)];
  switch (n.kind) {
    case op::number: return n.number;
    case op::series: return t.get(n.series, n.offset + shift);
    case op::neg: {
      auto v = eval_number(n.lhs, shift, t);
      if (!v)
        return std::nullopt;
      return -*v;
    }
    default: break;
  }
  auto a = eval_number(n.lhs, shift, t);
  auto b = eval_number(n.rhs, shift, t);
  if (!a || !b)
    return std::nullopt;
  switch (n.kind) {
    case op::add: return *a + *b;
    case op::sub: return *a - *b;
    case op::mul: return *a * *b;
    case op::div:
      if (*b == 0)
        return std::nullopt;
      return *a / *b;
    default: return std::nullopt;
  }
}

std::optional<bool> rule::eval_bool(int index, size_t shift, const series_table& t) const {
  const node& n = nodes_[static_cast<size_t>(index)];
  switch (n.kind) {
    case op::and_: {
      auto a = eval_bool(n.lhs, shift, t);
      if (a && !*a)
        return false;
      auto b = eval_bool(n.rhs, shift, t);
      if (!a || !b)
        return std::nullopt;
      return *b;
    }
    case op::or_: {
      auto a = eval_bool(n.lhs, shift, t);
      if (a && *a)
        return true;
      auto b = eval_bool(n.rhs, shift, t);
      if (b && *b)
        return true;
      if (!a || !b)
        return std::nullopt;
      return false;
    }
    case op::not_: {
      auto a = eval_bool(n.lhs, shift, t);
      if (!a)
        return std::nullopt;
      return !*a;
    }
    case op::crosses_above:
    case op::crosses_below: {
      auto a0 = eval_number(n.lhs, shift, t), b0 = eval_number(n.rhs, shift, t);
      auto a1 = eval_number(n.lhs, shift + 1, t), b1 = eval_number(n.rhs, shift + 1, t);
      if (!a0 || !b0 || !a1 || !b1)
        return std::nullopt;
      if (n.kind == op::crosses_above)
        return *a0 > *b0 && *a1 <= *b1;
      return *a0 < *b0 && *a1 >= *b1;
    }
    default: break;
  }
  auto a = eval_number(n.lhs, shift, t);
  auto b = eval_number(n.rhs, shift, t);
  if (!a || !b)
    return std::nullopt;
  switch (n.kind) {
    case op::lt: return *a < *b;
    case op::le: return *a <= *b;
    case op::gt: return *a > *b;
    case op::ge: return *a >= *b;
    case op::eq: return *a == *b;
    case op::ne: return *a != *b;
    default: return std::nullopt;
  }
}

} // namespace pt

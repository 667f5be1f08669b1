// The rule parser: rule text → the expression tree of `rule` (tokens, recursive descent, types
// and names checked as it goes). Evaluating the tree is core/strategy/rule_eval.cpp.

#include "core/strategy/rule.hpp"

#include "core/market/candle.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace pt {

namespace {

using op = rule::node::op;

enum class value_type { number, boolean };

struct token {
  enum class kind { end, number, ident, lparen, rparen, lbracket, rbracket, comma, op };
  kind k = kind::end;
  std::string text;
  double number = 0;
  size_t offset = 0;
};

// Recursive-descent parser: tokens → node vector, with types checked as it goes.
class parser {
public:
  parser(std::string_view text, const series_resolver& resolve, std::vector<rule::node>& nodes,
         std::vector<rule_error>& errors)
    : text_(text), resolve_(resolve), nodes_(nodes), errors_(errors) {
    next();
  }

  struct result {
    int node = -1;
    value_type type = value_type::number;
    size_t offset = 0;
  };

  std::optional<int> parse_rule() {
    auto r = parse_or();
    if (!r)
      return std::nullopt;
    if (tok_.k != token::kind::end) {
      fail(tok_.offset, "unexpected '" + tok_.text + "' after the end of the rule");
      return std::nullopt;
    }
    if (r->type != value_type::boolean) {
      fail(r->offset, "a rule must be a condition (a comparison, crosses_above/below, and/or/not), "
                      "not a number");
      return std::nullopt;
    }
    return r->node;
  }

  std::vector<size_t> inputs;

private:
  void fail(size_t offset, std::string message) { errors_.push_back({offset, std::move(message)}); }

  void next() {
    size_t i = pos_;
    while (i < text_.size() && std::isspace(static_cast<unsigned char>(text_[i])))
      ++i;
    tok_ = token{};
    tok_.offset = i;
    if (i >= text_.size()) {
      pos_ = i;
      return;
    }
    char c = text_[i];
    if (std::isdigit(static_cast<unsigned char>(c)) || (c == '.' && i + 1 < text_.size() &&
                                                        std::isdigit(static_cast<unsigned char>(text_[i + 1])))) {
      size_t j = i;
      while (j < text_.size() && (std::isdigit(static_cast<unsigned char>(text_[j])) || text_[j] == '.'))
        ++j;
      tok_.k = token::kind::number;
      tok_.text = std::string(text_.substr(i, j - i));
      char* end = nullptr;
      tok_.number = std::strtod(tok_.text.c_str(), &end);
      if (end != tok_.text.c_str() + tok_.text.size())
        fail(i, "malformed number '" + tok_.text + "'");
      pos_ = j;
      return;
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      // A name: letters, digits, '_' and '.' (indicator outputs), then an optional "@1h".
      size_t j = i;
      auto name_char = [&](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '.'; };
      while (j < text_.size() && name_char(text_[j]))
        ++j;
      if (j < text_.size() && text_[j] == '@') {
        ++j;
        while (j < text_.size() && std::isalnum(static_cast<unsigned char>(text_[j])))
          ++j;
      }
      tok_.k = token::kind::ident;
      tok_.text = std::string(text_.substr(i, j - i));
      pos_ = j;
      return;
    }
    static const char* two_char[] = {"<=", ">=", "==", "!="};
    for (auto op2 : two_char)
      if (text_.substr(i, 2) == op2) {
        tok_.k = token::kind::op;
        tok_.text = op2;
        pos_ = i + 2;
        return;
      }
    pos_ = i + 1;
    tok_.text = std::string(1, c);
    switch (c) {
      case '(': tok_.k = token::kind::lparen; return;
      case ')': tok_.k = token::kind::rparen; return;
      case '[': tok_.k = token::kind::lbracket; return;
      case ']': tok_.k = token::kind::rbracket; return;
      case ',': tok_.k = token::kind::comma; return;
      case '<': case '>': case '+': case '-': case '*': case '/':
        tok_.k = token::kind::op;
        return;
      default:
        tok_.k = token::kind::op; // reported by whoever expects something else
        fail(i, std::string("unexpected character '") + c + "'");
    }
  }

  bool is_op(const char* s) const { return tok_.k == token::kind::op && tok_.text == s; }
  bool is_word(const char* s) const { return tok_.k == token::kind::ident && tok_.text == s; }

  int add(rule::node n) {
    nodes_.push_back(n);
    return static_cast<int>(nodes_.size() - 1);
  }

  int binary(op kind, int lhs, int rhs) {
    rule::node n;
    n.kind = kind;
    n.lhs = lhs;
    n.rhs = rhs;
    return add(n);
  }

  bool expect(value_type want, const result& r, const char* context) {
    if (r.type == want)
      return true;
    fail(r.offset, std::string(context) + (want == value_type::number ? " needs a number, not a condition"
                                                                        : " needs a condition, not a number"));
    return false;
  }

  std::optional<result> parse_or() {
    return parse_level(&parser::parse_and, {{"or", op::or_}}, value_type::boolean, value_type::boolean, true);
  }

  std::optional<result> parse_and() {
    return parse_level(&parser::parse_not, {{"and", op::and_}}, value_type::boolean, value_type::boolean, true);
  }

  std::optional<result> parse_not() {
    if (is_word("not")) {
      size_t at = tok_.offset;
      next();
      auto inner = parse_not();
      if (!inner || !expect(value_type::boolean, *inner, "'not'"))
        return std::nullopt;
      return result{binary(op::not_, inner->node, -1), value_type::boolean, at};
    }
    return parse_comparison();
  }

  std::optional<result> parse_comparison() {
    auto lhs = parse_sum();
    if (!lhs)
      return std::nullopt;
    static const std::pair<const char*, op> ops[] = {{"<", op::lt}, {"<=", op::le}, {">", op::gt},
                                                     {">=", op::ge}, {"==", op::eq}, {"!=", op::ne}};
    for (auto& [text, kind] : ops) {
      if (!is_op(text))
        continue;
      std::string name = text;
      next();
      auto rhs = parse_sum();
      if (!rhs)
        return std::nullopt;
      std::string ctx = "'" + name + "'";
      if (!expect(value_type::number, *lhs, ctx.c_str()) || !expect(value_type::number, *rhs, ctx.c_str()))
        return std::nullopt;
      return result{binary(kind, lhs->node, rhs->node), value_type::boolean, lhs->offset};
    }
    return lhs;
  }

  // One left-associative level of the grammar: operands from `operand`, joined by `ops` (words
  // such as "and", or operators such as "+"), each operand of type `in`, the result of type `out`.
  std::optional<result> parse_level(std::optional<result> (parser::*operand)(),
                                    std::initializer_list<std::pair<const char*, op>> ops, value_type in,
                                    value_type out, bool words) {
    auto lhs = (this->*operand)();
    while (lhs) {
      const std::pair<const char*, op>* found = nullptr;
      for (auto& o : ops)
        if (words ? is_word(o.first) : is_op(o.first))
          found = &o;
      if (found == nullptr)
        break;
      std::string ctx = "'" + tok_.text + "'";
      next();
      auto rhs = (this->*operand)();
      if (!rhs || !expect(in, *lhs, ctx.c_str()) || !expect(in, *rhs, ctx.c_str()))
        return std::nullopt;
      lhs = result{binary(found->second, lhs->node, rhs->node), out, lhs->offset};
    }
    return lhs;
  }

  std::optional<result> parse_sum() {
    return parse_level(&parser::parse_term, {{"+", op::add}, {"-", op::sub}}, value_type::number, value_type::number,
                       false);
  }

  std::optional<result> parse_term() {
    return parse_level(&parser::parse_unary, {{"*", op::mul}, {"/", op::div}}, value_type::number, value_type::number,
                       false);
  }

  std::optional<result> parse_unary() {
    if (is_op("-")) {
      size_t at = tok_.offset;
      next();
      auto inner = parse_unary();
      if (!inner || !expect(value_type::number, *inner, "'-'"))
        return std::nullopt;
      return result{binary(op::neg, inner->node, -1), value_type::number, at};
    }
    return parse_primary();
  }

  std::optional<result> parse_primary() {
    size_t at = tok_.offset;
    switch (tok_.k) {
      case token::kind::number: {
        rule::node n;
        n.number = tok_.number;
        next();
        return result{add(n), value_type::number, at};
      }
      case token::kind::lparen: {
        next();
        auto inner = parse_or();
        if (!inner)
          return std::nullopt;
        if (tok_.k != token::kind::rparen) {
          fail(tok_.offset, "expected ')' to close the '(' at column " + std::to_string(at + 1));
          return std::nullopt;
        }
        next();
        inner->offset = at;
        return inner;
      }
      case token::kind::ident:
        return parse_name();
      case token::kind::end:
        fail(at, "the rule ends where a value was expected");
        return std::nullopt;
      default:
        fail(at, "expected a value, found '" + tok_.text + "'");
        return std::nullopt;
    }
  }

  std::optional<result> parse_name() {
    size_t at = tok_.offset;
    std::string name = tok_.text;
    next();
    if (name == "crosses_above" || name == "crosses_below") {
      if (tok_.k != token::kind::lparen) {
        fail(tok_.offset, "expected '(' after " + name);
        return std::nullopt;
      }
      next();
      auto a = parse_sum();
      if (!a)
        return std::nullopt;
      if (tok_.k != token::kind::comma) {
        fail(tok_.offset, name + " takes two values: expected ','");
        return std::nullopt;
      }
      next();
      auto b = parse_sum();
      if (!b)
        return std::nullopt;
      if (tok_.k != token::kind::rparen) {
        fail(tok_.offset, name + " takes two values: expected ')'");
        return std::nullopt;
      }
      next();
      if (!expect(value_type::number, *a, name.c_str()) || !expect(value_type::number, *b, name.c_str()))
        return std::nullopt;
      op kind = name == "crosses_above" ? op::crosses_above : op::crosses_below;
      return result{binary(kind, a->node, b->node), value_type::boolean, at};
    }
    if (name == "and" || name == "or" || name == "not") {
      fail(at, "'" + name + "' needs a condition on its left");
      return std::nullopt;
    }
    std::string base = name;
    int64_t timeframe_ms = 0;
    if (auto at_sign = name.find('@'); at_sign != std::string::npos) {
      base = name.substr(0, at_sign);
      auto tf = parse_timeframe_ms(name.substr(at_sign + 1));
      if (!tf) {
        fail(at + at_sign + 1, "'" + name.substr(at_sign + 1) + "' is not a timeframe (use 1m, 15m, 1h, 4h, 1d …)");
        return std::nullopt;
      }
      timeframe_ms = *tf;
    }
    std::string why;
    auto column = resolve_(base, timeframe_ms, why);
    if (!column) {
      fail(at, why.empty() ? "unknown name '" + name + "'" : why);
      return std::nullopt;
    }
    rule::node n;
    n.kind = op::series;
    n.series = *column;
    if (tok_.k == token::kind::lbracket) {
      next();
      if (tok_.k != token::kind::number || tok_.number != static_cast<double>(static_cast<size_t>(tok_.number)) ||
          tok_.number > 500) {
        fail(tok_.offset, "a bar offset is a whole number from 0 to 500, e.g. " + name + "[1]");
        return std::nullopt;
      }
      n.offset = static_cast<size_t>(tok_.number);
      next();
      if (tok_.k != token::kind::rbracket) {
        fail(tok_.offset, "expected ']'");
        return std::nullopt;
      }
      next();
    }
    if (std::find(inputs.begin(), inputs.end(), n.series) == inputs.end())
      inputs.push_back(n.series);
    return result{add(n), value_type::number, at};
  }

  std::string_view text_;
  const series_resolver& resolve_;
  std::vector<rule::node>& nodes_;
  std::vector<rule_error>& errors_;
  size_t pos_ = 0;
  token tok_;
};

} // namespace

std::optional<rule> rule::compile(std::string_view text, const std::vector<std::string>& known,
                                  std::vector<rule_error>& errors) {
  series_resolver resolve = [&known](const std::string& name, int64_t timeframe_ms,
                                     std::string& why) -> std::optional<size_t> {
    auto it = std::find(known.begin(), known.end(), name);
    if (it != known.end() && timeframe_ms == 0)
      return static_cast<size_t>(it - known.begin());
    std::string list;
    for (auto& k : known)
      list += (list.empty() ? "" : ", ") + k;
    why = timeframe_ms != 0 ? "values from another timeframe ('@') are not available here"
                            : "unknown name '" + name + "' (known: " + list + ")";
    return std::nullopt;
  };
  return compile(text, resolve, errors);
}

std::optional<rule> rule::compile(std::string_view text, const series_resolver& known,
                                  std::vector<rule_error>& errors) {
  rule r;
  r.text_ = std::string(text);
  size_t before = errors.size();
  parser p(r.text_, known, r.nodes_, errors);
  auto root = p.parse_rule();
  if (!root || errors.size() != before)
    return std::nullopt;
  r.root_ = *root;
  // crosses_* also reads the bar before each of its inputs.
  size_t deepest = 0;
  for (auto& n : r.nodes_)
    if (n.kind == op::series)
      deepest = std::max(deepest, n.offset);
  bool has_cross = std::any_of(r.nodes_.begin(), r.nodes_.end(), [](const node& n) {
    return n.kind == op::crosses_above || n.kind == op::crosses_below;
  });
  r.max_offset_ = deepest + (has_cross ? 1 : 0);
  r.inputs_ = std::move(p.inputs);
  return r;
}

} // namespace pt

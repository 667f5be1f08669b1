#pragma once

// RapidJSON helpers for the API's answers: every figure of money, price or quantity is a
// decimal string with 8 decimals (DESIGN decision 4), never a JSON number. Every text value is
// written as UTF-8 (invalid bytes become U+FFFD), so no answer is invalid JSON whatever it echoes.

#include <cstdint>
#include <string>
#include <string_view>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/fixed_point.hpp"
#include "web/http/utf8.hpp"

namespace pt {

/// A JSON document being written: a RapidJSON writer and its buffer.
class json_out {
public:
  json_out() : w_(buf_) {}
  rapidjson::Writer<rapidjson::StringBuffer>& w() { return w_; }

  /// Writes an object key.
  json_out& key(const char* k) {
    w_.Key(k);
    return *this;
  }
  /// `"k": "v"`; `v` made valid UTF-8 first (`to_valid_utf8`).
  json_out& str(const char* k, std::string_view v) {
    w_.Key(k);
    return string(v);
  }
  /// A string value (in an array, or after `key`), made valid UTF-8 first.
  json_out& string(std::string_view v) {
    if (valid_utf8(v)) {
      w_.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
    } else {
      auto clean = to_valid_utf8(v);
      w_.String(clean.data(), static_cast<rapidjson::SizeType>(clean.size()));
    }
    return *this;
  }
  /// `"k": n`.
  json_out& i64(const char* k, int64_t v) {
    w_.Key(k);
    w_.Int64(v);
    return *this;
  }
  /// `"k": x`.
  json_out& dbl(const char* k, double v) {
    w_.Key(k);
    w_.Double(v);
    return *this;
  }
  /// `"k": true|false`.
  json_out& boolean(const char* k, bool v) {
    w_.Key(k);
    w_.Bool(v);
    return *this;
  }
  /// `"k": "12.34000000"` from raw units of 1e-8.
  json_out& decimal(const char* k, int64_t raw) { return str(k, format_decimal_raw(raw)); }
  /// `"k": null`.
  json_out& null(const char* k) {
    w_.Key(k);
    w_.Null();
    return *this;
  }

  /// The text written so far.
  std::string text() const { return buf_.GetString(); }

private:
  rapidjson::StringBuffer buf_;
  rapidjson::Writer<rapidjson::StringBuffer> w_;
};

} // namespace pt

#include "web/http/utf8.hpp"

#include <rapidjson/encodings.h>

namespace pt {

namespace {

// A RapidJSON input stream over [p, end) that reads '\0' past the end instead of past the buffer:
// a sequence cut short fails validation ('\0' is no continuation byte).
struct bounded_stream {
  using Ch = char;
  const char* p;
  const char* end;
  Ch Peek() const { return p < end ? *p : '\0'; }
  Ch Take() { return p < end ? *p++ : '\0'; }
  size_t Tell() const { return 0; }
};

// Discards what the validator copies.
struct null_stream {
  using Ch = char;
  void Put(Ch) {}
};

// The length of the well-formed sequence at `p`, or 0 when none starts there.
size_t sequence_length(const char* p, const char* end) {
  if (static_cast<unsigned char>(*p) < 0x80)
    return 1;
  bounded_stream in{p, end};
  null_stream out;
  if (!rapidjson::UTF8<char>::Validate(in, out) || in.p > end)
    return 0;
  return static_cast<size_t>(in.p - p);
}

} // namespace

bool valid_utf8(std::string_view text) {
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    size_t n = sequence_length(p, end);
    if (n == 0)
      return false;
    p += n;
  }
  return true;
}

std::string to_valid_utf8(std::string_view text) {
  if (valid_utf8(text))
    return std::string(text);
  std::string out;
  out.reserve(text.size() + 8);
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    size_t n = sequence_length(p, end);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++p;
      continue;
    }
    out.append(p, n);
    p += n;
  }
  return out;
}

} // namespace pt

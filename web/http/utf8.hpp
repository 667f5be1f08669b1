#pragma once

// UTF-8 checks for what the API reads and writes: input that is not UTF-8 is refused (400
// `invalid_utf8`), and text echoed into an answer is made UTF-8 first, so every JSON answer and
// WebSocket text frame is valid UTF-8 whatever a client sent or the database holds.

#include <string>
#include <string_view>

namespace pt {

/// True when `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
/// above U+10FFFF); an empty text is. Checked with RapidJSON's UTF-8 validator.
bool valid_utf8(std::string_view text);

/// `text` with each byte that does not start a well-formed UTF-8 sequence replaced by U+FFFD
/// (the replacement character, bytes EF BF BD); `text` itself when it is valid.
std::string to_valid_utf8(std::string_view text);

} // namespace pt

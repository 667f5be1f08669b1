// The token a browser sends in `Sec-WebSocket-Protocol` (web/api/ws_protocols.hpp).

#include "web/api/ws_protocols.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace pt {
namespace {

TEST(WsProtocols, TheDashboardsOfferCarriesItsToken) {
  auto offer = parse_ws_offer("papertrader.v1, papertrader.bearer.YnJvd3Nlci10ZXN0LWFkbWluLXRva2Vu");
  EXPECT_TRUE(offer.protocol);
  ASSERT_TRUE(offer.token);
  EXPECT_EQ(*offer.token, "browser-test-admin-token");
}

TEST(WsProtocols, EncodingRoundTripsAnyTokenBytes) {
  std::vector<std::string> tokens{"a", "ab", "abc", "abcd", "x/y+z=", "tok en,with;odd\"bytes", std::string("\xff\x00\x01", 3)};
  for (const auto& token : tokens) {
    auto entry = ws_token_protocol(token);
    EXPECT_EQ(entry.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_."),
              std::string::npos)
      << entry; // only characters valid in a subprotocol name
    auto offer = parse_ws_offer(std::string(ws_protocol) + "," + entry);
    ASSERT_TRUE(offer.token) << entry;
    EXPECT_EQ(*offer.token, token);
  }
}

TEST(WsProtocols, OddOffersGiveNoToken) {
  EXPECT_FALSE(parse_ws_offer("").token);
  EXPECT_FALSE(parse_ws_offer("").protocol);
  EXPECT_FALSE(parse_ws_offer("chat, superchat").protocol);
  EXPECT_FALSE(parse_ws_offer("papertrader.bearer.").token);
  EXPECT_FALSE(parse_ws_offer("papertrader.bearer.a").token);      // no length encodes 1 char
  EXPECT_FALSE(parse_ws_offer("papertrader.bearer.ab$c").token);   // outside the alphabet
  EXPECT_FALSE(parse_ws_offer("papertrader.bearer.YWJj=").token);  // padding is not base64url
  EXPECT_TRUE(parse_ws_offer("  papertrader.v1  ").protocol);
}

} // namespace
} // namespace pt

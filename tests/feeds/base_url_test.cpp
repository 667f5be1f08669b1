#include "feeds/base_url.hpp"

#include <stdexcept>

#include <gtest/gtest.h>

namespace pt {
namespace {

TEST(BaseUrl, SchemesHostsAndDefaultPorts) {
  auto live = parse_base_url("wss://stream.binance.com:9443", "ws", "wss");
  EXPECT_TRUE(live.tls);
  EXPECT_EQ(live.host, "stream.binance.com");
  EXPECT_EQ(live.port, "9443");
  auto local = parse_base_url("ws://127.0.0.1:8765/", "ws", "wss");
  EXPECT_FALSE(local.tls);
  EXPECT_EQ(local.port, "8765");
  EXPECT_EQ(parse_base_url("https://api.binance.com", "http", "https").port, "443");
  EXPECT_EQ(parse_base_url("http://localhost", "http", "https").port, "80");
}

TEST(BaseUrl, RejectsWhatItCannotUse) {
  for (const char* bad : {"ftp://x", "stream.binance.com:9443", "ws://", "ws://host:port", "ws://host:80/stream",
                          "https://api.binance.com"})
    EXPECT_THROW(parse_base_url(bad, "ws", "wss"), std::invalid_argument) << bad;
}

} // namespace
} // namespace pt

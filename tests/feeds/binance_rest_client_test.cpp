// Parsing Binance REST answers: klines into candles (closed ones only), and what is not klines.

#include "feeds/binance/rest_client.hpp"

#include <gtest/gtest.h>

namespace pt::test {
namespace {

// Two real BTCUSDT 1h klines (2024-08-08 21:00 and 22:00) and the 23:00 one, still forming at 23:54.
const std::string body =
  R"([[1723150800000,"59506.30000000","61355.66000000","59500.00000000","61173.69000000","2520.68689000",)"
  R"(1723154399999,"152291925.41414750",123988,"1676.31494000","101254370.90257920","0"],)"
  R"([1723154400000,"61170.44000000","62530.00000000","60621.22000000","62332.00000000","4551.00737000",)"
  R"(1723157999999,"279729397.35029380",207619,"2655.36065000","163313010.29221780","0"],)"
  R"([1723158000000,"62332.00000000","62745.14000000","61583.22000000","61685.99000000","3588.39624000",)"
  R"(1723161599999,"222995529.21373470",178768,"1844.29687000","114629388.79076570","0"]])";

TEST(ParseKlines, KeepsTheKlinesClosedByTheGivenTime) {
  auto bars = parse_klines(body, 1'723'161'253'936);
  ASSERT_EQ(bars.size(), 2u);
  EXPECT_EQ(bars[0].open_time_ms, 1'723'150'800'000);
  EXPECT_EQ(bars[1].close_time_ms, 1'723'157'999'999);
  EXPECT_EQ(bars[1].open.to_string(), "61170.44000000");
  EXPECT_EQ(bars[1].high.to_string(), "62530.00000000");
  EXPECT_EQ(bars[1].low.to_string(), "60621.22000000");
  EXPECT_EQ(bars[1].close.to_string(), "62332.00000000");
  EXPECT_EQ(bars[1].volume.to_string(), "4551.00737000");
  EXPECT_EQ(parse_klines(body, 1'723'161'599'999).size(), 3u);
  EXPECT_TRUE(parse_klines("[]", 0).empty());
}

TEST(ParseKlines, SomethingElseIsARestError) {
  EXPECT_THROW(parse_klines(R"({"code":-1121,"msg":"Invalid symbol."})", 0), rest_error);
  EXPECT_THROW(parse_klines("[[1,2,3]]", 0), rest_error);
  EXPECT_THROW(parse_klines(R"([[1,"x","1","1","1","1",2,"0",0,"0","0","0"]])", 10), rest_error);
  EXPECT_THROW(parse_klines("not json", 0), rest_error);
}

} // namespace
} // namespace pt::test

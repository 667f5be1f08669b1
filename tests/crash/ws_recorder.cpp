// pt_ws_recorder PORT TOKEN OUT: a WebSocket client of `papertrader run` for the crash test
// (scripts/crash_test.sh). It subscribes to every session's summary and appends, for each one it
// is sent, a line "count SESSION_ID FILLS" to OUT (flushed at once: the process it listens to may
// be killed any moment). It ends when the connection closes. Exit status 2 if it cannot connect.

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

#include <rapidjson/document.h>

#include "tests/support/ws_client.hpp"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: pt_ws_recorder PORT TOKEN OUT\n";
    return 2;
  }
  auto port = static_cast<uint16_t>(std::strtoul(argv[1], nullptr, 10));
  std::string token = argv[2];
  std::ofstream out(argv[3], std::ios::app);
  pt::test::ws_client ws;
  if (!ws.connect(port, "/api/v1/ws", token) || !ws.send(R"({"op": "subscribe", "channels": ["sessions"]})")) {
    std::cerr << "pt_ws_recorder: " << ws.error() << '\n';
    return 2;
  }
  int64_t told = 0;
  while (ws.open()) {
    auto msg = ws.read(std::chrono::seconds(1));
    if (!msg)
      continue;
    rapidjson::Document d;
    d.Parse(msg->c_str(), msg->size());
    if (d.HasParseError() || !d.IsObject() || !d.HasMember("type") || !d["type"].IsString() ||
        std::string(d["type"].GetString()) != "session" || !d.HasMember("session") || !d["session"].IsObject())
      continue;
    const auto& s = d["session"];
    if (!s.HasMember("id") || !s["id"].IsInt64() || !s.HasMember("fills") || !s["fills"].IsInt64())
      continue;
    out << "count " << s["id"].GetInt64() << ' ' << s["fills"].GetInt64() << std::endl;
    ++told;
  }
  std::cerr << "pt_ws_recorder: connection closed after " << told << " session messages\n";
  return 0;
}

// The session lifecycle vocabulary: every value's text (what SQLite, REST and pushes carry) parses
// back to it, and nothing else parses.

#include "core/session/session_status.hpp"

#include <optional>
#include <string>
#include <utility>

#include <gtest/gtest.h>

namespace pt::test {
namespace {

TEST(SessionStatus, TextsAreTheStoredOnesAndParseBack) {
  const std::pair<session_status, std::string> all[] = {
    {session_status::starting, "starting"}, {session_status::running, "running"},
    {session_status::paused, "paused"},     {session_status::restarting, "restarting"},
    {session_status::stopped, "stopped"},   {session_status::finished, "finished"},
    {session_status::failed, "failed"}};
  for (auto& [status, text] : all) {
    EXPECT_EQ(to_string(status), text);
    EXPECT_EQ(parse_session_status(text), std::optional<session_status>(status)) << text;
  }
  EXPECT_FALSE(parse_session_status("Running"));
  EXPECT_FALSE(parse_session_status(""));
  EXPECT_FALSE(parse_session_status("stopping"));
}

TEST(SessionStatus, OnlyFinishedStoppedAndFailedHaveEnded) {
  EXPECT_TRUE(has_ended(session_status::finished));
  EXPECT_TRUE(has_ended(session_status::stopped));
  EXPECT_TRUE(has_ended(session_status::failed));
  EXPECT_FALSE(has_ended(session_status::starting));
  EXPECT_FALSE(has_ended(session_status::running));
  EXPECT_FALSE(has_ended(session_status::paused));
  EXPECT_FALSE(has_ended(session_status::restarting));
}

TEST(SessionCommand, TextsParseBack) {
  for (auto c : {session_command::pause, session_command::resume, session_command::stop})
    EXPECT_EQ(parse_session_command(to_string(c)), std::optional<session_command>(c)) << to_string(c);
  EXPECT_EQ(std::string(to_string(session_command::pause)), "pause");
  EXPECT_EQ(std::string(to_string(session_command::resume)), "resume");
  EXPECT_EQ(std::string(to_string(session_command::stop)), "stop");
  EXPECT_FALSE(parse_session_command("halt"));
}

} // namespace
} // namespace pt::test

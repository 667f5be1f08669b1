-- Each session's position in the feed: how many market events it had processed when its latest
-- outputs were committed (written in the same transaction as those orders and fills), and the
-- pause/resume commands with the position at which each took effect. Restore at start-up feeds
-- a session again up to that position with its outputs suppressed (docs/operations.md).

ALTER TABLE sessions ADD COLUMN feed_events INTEGER NOT NULL DEFAULT 0;

CREATE TABLE session_commands (
  session_id   INTEGER NOT NULL REFERENCES sessions(session_id),
  feed_events  INTEGER NOT NULL,
  command      TEXT    NOT NULL CHECK (command IN ('pause', 'resume'))
);

CREATE INDEX session_commands_by_session ON session_commands (session_id, feed_events);

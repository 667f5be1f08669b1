-- Restart policy and restore of sessions created over the API (docs/operations.md):
-- `feed_start_events`: where a session joined its symbol's feed (market events of that symbol the
-- broadcaster had passed on before its first one; NULL = not recorded, rows from before this
-- migration). Restore feeds a session created over the API again from there.
-- `restarts`: how often the restart policy started the session again after a failure; a
-- restarted session is not rebuilt by a re-feed at start-up (its restarts broke the sequence).
-- `restart_max`, `restart_backoff_ms`, `restart_max_backoff_ms`: its restart policy (0 = off).

ALTER TABLE sessions ADD COLUMN feed_start_events INTEGER;
ALTER TABLE sessions ADD COLUMN restarts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN restart_max INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN restart_backoff_ms INTEGER NOT NULL DEFAULT 1000;
ALTER TABLE sessions ADD COLUMN restart_max_backoff_ms INTEGER NOT NULL DEFAULT 60000;

-- The decision log: every time a rule fired (or a risk exit triggered) and what was done about
-- it — the "why" behind each order, kept per session.

CREATE TABLE decisions (
  session_id   INTEGER NOT NULL REFERENCES sessions(session_id),
  ts_event_ms  INTEGER NOT NULL,
  rule         TEXT    NOT NULL,
  inputs       TEXT    NOT NULL,
  action       TEXT    NOT NULL,
  order_id     INTEGER
);

CREATE INDEX decisions_by_session ON decisions (session_id, ts_event_ms);

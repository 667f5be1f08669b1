-- Settings a restored session must keep, beside its fees and fill settings (docs/operations.md,
-- "Restore"): before this migration a session created over the API was restored with the
-- config's defaults of the day for them.
-- `qty_step_raw`: its order quantity step (lot size), fixed point 1e-8.
-- `price_tick_raw`: its limit/stop price tick, fixed point 1e-8.
-- `equity_interval_ms`: its equity sampling (and the metrics' return period), ms of event time.
-- NULL = not recorded (rows stored before this migration): restore takes the config's then.

ALTER TABLE sessions ADD COLUMN qty_step_raw INTEGER;
ALTER TABLE sessions ADD COLUMN price_tick_raw INTEGER;
ALTER TABLE sessions ADD COLUMN equity_interval_ms INTEGER;

-- Equity points older than the full-resolution window, downsampled (docs/operations.md,
-- "Retention"): one row per session and bucket of event time, OHLC of equity plus the largest
-- drawdown inside the bucket, so the max drawdown over buckets and points stays exact.
-- Money, prices and quantities are raw int64 at 1e-8, like every other table.
-- `bucket_start_ms`: the bucket's start, a multiple of `bucket_ms` (ms of event time).
-- `first_ms`, `last_ms`: event times of the first and last point the bucket stands for.
-- `max_drawdown_raw`: the largest fall from a peak inside the bucket, a fraction at 1e-8.
-- `cash_raw`, `position_qty_raw`, `mark_price_raw`: the account at the bucket's last point.
-- `points`: how many equity points were folded into the bucket.

CREATE TABLE equity_buckets (
  session_id        INTEGER NOT NULL REFERENCES sessions(session_id),
  bucket_start_ms   INTEGER NOT NULL,
  bucket_ms         INTEGER NOT NULL CHECK (bucket_ms > 0),
  first_ms          INTEGER NOT NULL,
  last_ms           INTEGER NOT NULL,
  open_raw          INTEGER NOT NULL,
  high_raw          INTEGER NOT NULL,
  low_raw           INTEGER NOT NULL,
  close_raw         INTEGER NOT NULL,
  max_drawdown_raw  INTEGER NOT NULL,
  cash_raw          INTEGER NOT NULL,
  position_qty_raw  INTEGER NOT NULL,
  mark_price_raw    INTEGER NOT NULL,
  points            INTEGER NOT NULL,
  PRIMARY KEY (session_id, bucket_start_ms)
) WITHOUT ROWID;

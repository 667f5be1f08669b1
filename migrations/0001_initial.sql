-- Sessions, orders, fills and equity points. Money, prices and quantities are raw int64 at
-- scale 1e-8 (column names end in _raw); times are ms since the epoch (UTC).

CREATE TABLE sessions (
  session_id           INTEGER PRIMARY KEY,
  name                 TEXT    NOT NULL,
  strategy_name        TEXT    NOT NULL,
  strategy_file        TEXT    NOT NULL,
  strategy_yaml        TEXT    NOT NULL,
  symbol               TEXT    NOT NULL,
  status               TEXT    NOT NULL,
  initial_cash_raw     INTEGER NOT NULL,
  taker_fee_bps_raw    INTEGER NOT NULL,
  slippage_bps_raw     INTEGER NOT NULL,
  cash_raw             INTEGER NOT NULL,
  position_qty_raw     INTEGER NOT NULL DEFAULT 0,
  cost_basis_raw       INTEGER NOT NULL DEFAULT 0,
  realized_pnl_raw     INTEGER NOT NULL DEFAULT 0,
  fees_raw             INTEGER NOT NULL DEFAULT 0,
  mark_price_raw       INTEGER NOT NULL DEFAULT 0,
  equity_raw           INTEGER NOT NULL,
  last_event_ms        INTEGER NOT NULL DEFAULT 0,
  created_at_ms        INTEGER NOT NULL,
  updated_at_ms        INTEGER NOT NULL
);

CREATE TABLE orders (
  session_id     INTEGER NOT NULL REFERENCES sessions(session_id),
  order_id       INTEGER NOT NULL,
  side           TEXT    NOT NULL CHECK (side IN ('buy', 'sell')),
  type           TEXT    NOT NULL,
  qty_raw        INTEGER NOT NULL,
  status         TEXT    NOT NULL,
  reject_reason  TEXT,
  created_ms     INTEGER NOT NULL,
  updated_ms     INTEGER NOT NULL,
  PRIMARY KEY (session_id, order_id)
);

CREATE TABLE fills (
  session_id     INTEGER NOT NULL REFERENCES sessions(session_id),
  fill_id        INTEGER NOT NULL,
  order_id       INTEGER NOT NULL,
  ts_event_ms    INTEGER NOT NULL,
  side           TEXT    NOT NULL CHECK (side IN ('buy', 'sell')),
  price_raw      INTEGER NOT NULL,
  qty_raw        INTEGER NOT NULL,
  fee_raw        INTEGER NOT NULL,
  liquidity      TEXT    NOT NULL CHECK (liquidity IN ('maker', 'taker')),
  PRIMARY KEY (session_id, fill_id)
);

CREATE TABLE equity_points (
  session_id        INTEGER NOT NULL REFERENCES sessions(session_id),
  ts_event_ms       INTEGER NOT NULL,
  equity_raw        INTEGER NOT NULL,
  cash_raw          INTEGER NOT NULL,
  position_qty_raw  INTEGER NOT NULL,
  mark_price_raw    INTEGER NOT NULL
);

CREATE INDEX equity_points_by_session ON equity_points (session_id, ts_event_ms);

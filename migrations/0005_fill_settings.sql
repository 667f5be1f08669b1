-- Fill settings and execution reports (docs/execution.md, docs/api.md).
-- sessions.fill_settings: the session's fill profile, maker fee and per-parameter overrides as
--   JSON text ({"profile": "optimistic", "maker_fee_bps": "10.00000000", "overrides": {...}},
--   wire/fill_settings_json.hpp); NULL for sessions stored before it was kept.
-- fills.reference_px_raw: the price before slippage the fill was priced from; NULL when unknown.
-- orders.*: the order's fill report (core/execution/order.hpp `fill_report`); every column NULL when the
--   order has none. exec_status is the report's Binance status name, set whenever a report is.

ALTER TABLE sessions ADD COLUMN fill_settings TEXT;

ALTER TABLE fills ADD COLUMN reference_px_raw INTEGER;

ALTER TABLE orders ADD COLUMN exec_status TEXT;
ALTER TABLE orders ADD COLUMN arrival_px_raw INTEGER;
ALTER TABLE orders ADD COLUMN avg_px_raw INTEGER;
ALTER TABLE orders ADD COLUMN slippage_bps REAL;
ALTER TABLE orders ADD COLUMN filled_qty_raw INTEGER;
ALTER TABLE orders ADD COLUMN maker_qty_raw INTEGER;
ALTER TABLE orders ADD COLUMN taker_qty_raw INTEGER;
ALTER TABLE orders ADD COLUMN report_fees_raw INTEGER;
ALTER TABLE orders ADD COLUMN time_to_fill_ms INTEGER;
ALTER TABLE orders ADD COLUMN queue_at_placement_raw INTEGER;

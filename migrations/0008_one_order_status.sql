-- One order vocabulary (docs/execution.md, "Order status"; docs/api.md, "Orders").
-- orders.status becomes the order's one status, Binance's names: PENDING_NEW, NEW, TRIGGERED,
--   PARTIALLY_FILLED, FILLED, CANCELED, REJECTED, EXPIRED, plus DENIED (refused by the session
--   before the venue). It replaces the old pair: status ('accepted', 'filled', 'rejected',
--   'canceled') beside exec_status (the report's Binance status, NULL before migration 0005).
-- orders.reject_reason takes the reasons' Binance-like names (LOT_SIZE, INSUFFICIENT_BALANCE, …,
--   ZERO_QUANTITY); NULL when the order was not refused, as before.
-- orders.exec_status is dropped; a row has a report when filled_qty_raw is not NULL.
--
-- Existing rows keep their meaning:
-- - 'rejected' → DENIED when the session's own sizing refused it: zero_quantity, or no_price on an
--   order with a report and no arrival price (nothing to price it from when it was sent; rows
--   without a report cannot tell and stay REJECTED); every other 'rejected' → REJECTED.
--   (An old insufficient_cash cannot tell a zero budget from the venue's balance check: REJECTED.)
-- - 'filled' → FILLED; 'canceled' → EXPIRED when its report said so, else CANCELED.
-- - 'accepted' → its report's open status (PENDING_NEW, TRIGGERED, PARTIALLY_FILLED, NEW), NEW
--   without one.
-- - reasons: insufficient_cash and insufficient_position → INSUFFICIENT_BALANCE (Binance's one
--   name for both; the side tells which); zero_quantity, no_price, overflow, would_match,
--   would_trigger → upper case; the old catch-all exchange_rule (which filter refused it was not
--   stored) → INVALID_ORDER.
-- Every right-hand side below reads the row as it was before this UPDATE.

UPDATE orders SET
  status = CASE
    WHEN status = 'rejected' AND (reject_reason = 'zero_quantity' OR
                                  (reject_reason = 'no_price' AND exec_status IS NOT NULL AND arrival_px_raw IS NULL))
      THEN 'DENIED'
    WHEN status = 'rejected' THEN 'REJECTED'
    WHEN status = 'filled' THEN 'FILLED'
    WHEN status = 'canceled' THEN CASE WHEN exec_status = 'EXPIRED' THEN 'EXPIRED' ELSE 'CANCELED' END
    WHEN status = 'accepted' THEN
      CASE WHEN exec_status IN ('PENDING_NEW', 'NEW', 'TRIGGERED', 'PARTIALLY_FILLED') THEN exec_status ELSE 'NEW' END
    ELSE status
  END,
  reject_reason = CASE reject_reason
    WHEN 'insufficient_cash' THEN 'INSUFFICIENT_BALANCE'
    WHEN 'insufficient_position' THEN 'INSUFFICIENT_BALANCE'
    WHEN 'zero_quantity' THEN 'ZERO_QUANTITY'
    WHEN 'no_price' THEN 'NO_PRICE'
    WHEN 'overflow' THEN 'OVERFLOW'
    WHEN 'would_match' THEN 'WOULD_MATCH'
    WHEN 'would_trigger' THEN 'WOULD_TRIGGER'
    WHEN 'exchange_rule' THEN 'INVALID_ORDER'
    ELSE reject_reason
  END;

ALTER TABLE orders DROP COLUMN exec_status;

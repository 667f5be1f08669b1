-- What each order was sent as (docs/api.md, "Orders"): its type was always stored as 'market'
-- before this migration; those rows keep 'market' and NULL in the new columns.
-- time_in_force: 'GTC' / 'IOC' / 'FOK' for the types that rest at a limit price (limit,
--   limit_maker, stop_loss_limit, take_profit_limit); NULL for the others.
-- limit_px_raw: the limit price of those types; NULL otherwise.
-- stop_px_raw: the trigger of stop_loss*, take_profit* and the activation price of a
--   trailing_stop; NULL otherwise (and for a trailing stop active at once).
-- callback_bps_raw: a trailing stop's callback rate in bps (raw, scale 1e-8); NULL otherwise.
-- list_id, linked_order_id: the OCO list the order is a leg of (a bracket's exits, exchange-side
--   protection) and that list's other leg; NULL when it is in none.

ALTER TABLE orders ADD COLUMN time_in_force TEXT;
ALTER TABLE orders ADD COLUMN limit_px_raw INTEGER;
ALTER TABLE orders ADD COLUMN stop_px_raw INTEGER;
ALTER TABLE orders ADD COLUMN callback_bps_raw INTEGER;
ALTER TABLE orders ADD COLUMN list_id INTEGER;
ALTER TABLE orders ADD COLUMN linked_order_id INTEGER;

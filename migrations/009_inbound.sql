-- Inbound customer messages (issue 13). conversation_mappings learns when the customer last wrote (the 24-hour
-- customer service window is counted from it) and the customer's business-scoped identifiers, from
-- InboundPostedToGenesys; both stay NULL for conversations no inbound message has reached yet.
ALTER TABLE conversation_mappings
  ADD COLUMN last_inbound_at   timestamptz,
  ADD COLUMN customer_user_id  text,
  ADD COLUMN customer_username text;

-- migrate: no-transaction
-- The customer direction by business-scoped user id (011_business_scoped_customers.sql): Genesys names an Opaque
-- customer by the BSUID we gave it (`channel.to.id`), and the State Manager's customer route takes one. Partial:
-- rows of customers with no BSUID (all of them before 2026) need no entry. Built CONCURRENTLY: the mapping
-- projection writes this table all the time, and a plain build would hold its writes until it ends.
CREATE INDEX CONCURRENTLY IF NOT EXISTS conversation_mappings_by_customer_user_id
  ON conversation_mappings (tenant_id, customer_user_id)
  WHERE customer_user_id IS NOT NULL;

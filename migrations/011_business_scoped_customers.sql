-- Customers known only by a business-scoped user id (issue 13, Meta 2026: a customer with a username may hide their
-- phone number, and Meta then names them by BSUID alone). Such a customer's conversation is linked by
-- ConversationLinked v2 with a userId and no waId, so wa_id may now be NULL; a row must still name its customer
-- somehow, or no reply could ever be addressed.
ALTER TABLE conversation_mappings
  ALTER COLUMN wa_id DROP NOT NULL,
  ADD CONSTRAINT conversation_mappings_names_customer CHECK (wa_id IS NOT NULL OR customer_user_id IS NOT NULL);

-- The customer direction by BSUID: Genesys names an Opaque customer by the BSUID we gave it (`channel.to.id`), and
-- the State Manager's customer route takes one. Partial: most rows of older tenants have no BSUID.
CREATE INDEX conversation_mappings_by_customer_user_id
  ON conversation_mappings (tenant_id, customer_user_id)
  WHERE customer_user_id IS NOT NULL;

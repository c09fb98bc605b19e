-- Customers known only by a business-scoped user id (issue 13, Meta 2026: a customer with a username may hide their
-- phone number, and Meta then names them by BSUID alone). Such a customer's conversation is linked by
-- ConversationLinked v2 with a userId and no waId, so wa_id may now be NULL; a row must still name its customer
-- somehow, or no reply could ever be addressed.
--
-- NOT VALID: every row already here has a wa_id (the column was NOT NULL until this statement), so the check holds
-- for them by construction; validating would scan the whole table under this ALTER's exclusive lock, holding up the
-- projection for nothing. New and updated rows are checked all the same.
ALTER TABLE conversation_mappings
  ALTER COLUMN wa_id DROP NOT NULL,
  ADD CONSTRAINT conversation_mappings_names_customer
    CHECK (wa_id IS NOT NULL OR customer_user_id IS NOT NULL) NOT VALID;

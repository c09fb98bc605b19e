-- Dead letters can be retried (`bridge dead-letters retry`): the stored event is handed to its processor again.
-- retried_at is set once a retry succeeded (the row stays, for the record); a failed retry keeps the row open and
-- says why. A row whose retry succeeded is reopened if the same event is dead-lettered again.
ALTER TABLE dead_letters
  ADD COLUMN retried_at       timestamptz,
  ADD COLUMN retry_attempts   integer NOT NULL DEFAULT 0,
  ADD COLUMN last_retry_at    timestamptz,
  ADD COLUMN last_retry_error text;

CREATE INDEX dead_letters_open ON dead_letters (id) WHERE retried_at IS NULL;

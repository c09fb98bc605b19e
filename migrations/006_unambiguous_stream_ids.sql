-- Unambiguous stream ids (src/events/schemas/stream-ids.ts). `outbound-{tenantId}-{genesysMessageId}` let tenants
-- `demo` and `demo-eu` with messages `eu-m1` and `m1` share `outbound-demo-eu-m1`. The tenant part is now escaped
-- (`%` → `%25`, then `-` → `%2D`), so the first `-` after the prefix ends it. Tenants whose id has neither character
-- keep their stream ids; the stored ids of the others are rewritten here, in every table that holds stream ids.
-- `events` has no immutability trigger (only the AFTER INSERT index trigger of 004, which an UPDATE does not fire).

-- The tenant part of a stream id; keep in step with escapeTenantId in stream-ids.ts.
CREATE FUNCTION stream_id_tenant(p_tenant_id text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN replace(replace(p_tenant_id, '%', '%25'), '-', '%2D');

-- 004's trigger with the escaped prefix: the Genesys message id is the rest after `outbound-{tenant}-`. 004's
-- backfill query rebuilds meta_message_index with `'outbound-' || stream_id_tenant(e.tenant_id) || '-'` in place
-- of `'outbound-' || e.tenant_id || '-'`.
CREATE OR REPLACE FUNCTION index_meta_message() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_prefix text := 'outbound-' || stream_id_tenant(NEW.tenant_id) || '-';
BEGIN
  IF left(NEW.stream_id, length(v_prefix)) = v_prefix AND coalesce(NEW.data ->> 'wamid', '') <> '' THEN
    INSERT INTO meta_message_index (wamid, stream_id, tenant_id, genesys_message_id, part_index)
    VALUES (NEW.data ->> 'wamid', NEW.stream_id, NEW.tenant_id, substr(NEW.stream_id, length(v_prefix) + 1),
            coalesce((NEW.data ->> 'partIndex')::integer, 0))
    ON CONFLICT (wamid) DO NOTHING;
  END IF;
  RETURN NULL;
END;
$$;

-- Writers wait until the rewrite commits (readers do not): an append to an old id in between would be stranded.
-- Processes of the previous version still build old ids; stop them before this migration runs.
LOCK TABLE streams, events IN EXCLUSIVE MODE;

-- Old id → new id, from the events themselves: their tenant_id says whose stream it is. Only tenants with `-` or
-- `%` in their id change.
CREATE TEMPORARY TABLE stream_id_rewrites ON COMMIT DROP AS
SELECT DISTINCT e.stream_id AS old_id,
       f.family || stream_id_tenant(e.tenant_id) || '-' || substr(e.stream_id, length(f.family || e.tenant_id) + 2)
         AS new_id
  FROM events e
  JOIN (VALUES ('outbound-'), ('conversation-')) AS f (family)
    ON left(e.stream_id, length(f.family || e.tenant_id) + 1) = f.family || e.tenant_id || '-'
 WHERE stream_id_tenant(e.tenant_id) <> e.tenant_id
   AND length(e.stream_id) > length(f.family || e.tenant_id) + 1;

-- A stream holding events of two tenants is the collision this migration fixes having happened: which events go
-- where is a decision for a person, not for a migration.
DO $$
DECLARE
  v_mixed text;
BEGIN
  SELECT string_agg(r.old_id, ', ') INTO v_mixed
    FROM stream_id_rewrites r
   WHERE (SELECT count(DISTINCT e.tenant_id) FROM events e WHERE e.stream_id = r.old_id) > 1
      OR EXISTS (SELECT 1 FROM streams s WHERE s.stream_id = r.new_id);
  IF v_mixed IS NOT NULL THEN
    RAISE EXCEPTION 'Streams shared by several tenants or whose new id is taken, split them by hand first: %', v_mixed;
  END IF;
END;
$$;
CREATE UNIQUE INDEX ON stream_id_rewrites (old_id);

UPDATE events e SET stream_id = r.new_id FROM stream_id_rewrites r WHERE e.stream_id = r.old_id;
UPDATE streams s SET stream_id = r.new_id FROM stream_id_rewrites r WHERE s.stream_id = r.old_id;
UPDATE projection_positions p SET stream_id = r.new_id FROM stream_id_rewrites r WHERE p.stream_id = r.old_id;
UPDATE meta_message_index i SET stream_id = r.new_id FROM stream_id_rewrites r WHERE i.stream_id = r.old_id;
UPDATE dead_letters d
   SET stream_id = r.new_id,
       payload = CASE WHEN d.payload ->> 'streamId' = r.old_id
                      THEN jsonb_set(d.payload, '{streamId}', to_jsonb(r.new_id)) ELSE d.payload END
  FROM stream_id_rewrites r
 WHERE d.stream_id = r.old_id;

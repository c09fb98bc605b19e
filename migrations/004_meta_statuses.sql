-- Meta delivery statuses: which outbound message a wamid belongs to, and statuses that arrived before we knew.

-- wamid → the outbound message stream that sent it. Filled in the SAME transaction as the MessageSent append, by a
-- trigger on `events` rather than by application code: append_to_stream is one round trip and the only writer of
-- `events`, so a trigger covers every writer (handlers, CLI, tests, a replay) without wrapping each append in a
-- transaction of its own, and the index can never be behind a committed MessageSent. The table is derived data:
-- rebuild it with the backfill query at the end of this file.
CREATE TABLE meta_message_index (
  wamid              text PRIMARY KEY,
  stream_id          text NOT NULL,
  tenant_id          text NOT NULL,
  genesys_message_id text NOT NULL,
  part_index         integer NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now()
);

-- The Genesys message id is the rest of the stream id after `outbound-{tenantId}-` (src/events/schemas/stream-ids.ts);
-- MessageSent itself carries only the wamid and the part. A wamid is Meta's and unique; should one ever be recorded
-- twice, the first mapping stands (ON CONFLICT DO NOTHING) instead of failing the append.
CREATE FUNCTION index_meta_message() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_prefix text := 'outbound-' || NEW.tenant_id || '-';
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

CREATE TRIGGER events_index_meta_message
  AFTER INSERT ON events
  FOR EACH ROW WHEN (NEW.type = 'MessageSent')
  EXECUTE FUNCTION index_meta_message();

-- Statuses for a wamid no MessageSent names yet (Meta's webhook can beat our own write of the send result). Kept,
-- never dropped, and applied once the MessageSent lands. One row per (wamid, status, Meta timestamp): a redelivered
-- webhook parks nothing twice.
CREATE TABLE parked_meta_statuses (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  wamid          text NOT NULL,
  status         text NOT NULL,
  meta_timestamp bigint NOT NULL,
  payload        jsonb NOT NULL,
  parked_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (wamid, status, meta_timestamp)
);
CREATE INDEX parked_meta_statuses_by_age ON parked_meta_statuses (parked_at);

-- Check-and-park and apply-parked must not interleave: a parker that found no index row, then a MessageSent path
-- that found no parked row, then the parker's insert, would leave a status parked forever. Both sides take a
-- transaction advisory lock per wamid (key space 0x4D455441 'META', apart from the stream locks 'EVST'), and both
-- are VOLATILE plpgsql functions, so each statement after the lock sees what was committed while waiting for it.
-- The MessageSent path only runs after its MessageSent committed (it reads it from Kafka), so whichever side takes
-- the lock second sees the other's write.

-- Parks every status whose wamid is not indexed and answers the index rows of the others, all under the locks.
-- Locks are taken in ascending key order, so two parkers with overlapping wamids cannot deadlock.
CREATE FUNCTION park_meta_statuses(p_statuses jsonb)
RETURNS TABLE (wamid text, stream_id text, tenant_id text, genesys_message_id text)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
  v_key integer;
BEGIN
  FOR v_key IN
    SELECT DISTINCT hashtext(s ->> 'wamid') FROM jsonb_array_elements(p_statuses) AS s ORDER BY 1
  LOOP
    PERFORM pg_advisory_xact_lock(1296389185, v_key);
  END LOOP;

  INSERT INTO parked_meta_statuses (wamid, status, meta_timestamp, payload)
  SELECT s ->> 'wamid', s ->> 'status', (s ->> 'timestamp')::bigint, s
    FROM jsonb_array_elements(p_statuses) AS s
   WHERE NOT EXISTS (SELECT 1 FROM meta_message_index i WHERE i.wamid = s ->> 'wamid')
  ON CONFLICT (wamid, status, meta_timestamp) DO NOTHING;

  RETURN QUERY
  SELECT i.wamid, i.stream_id, i.tenant_id, i.genesys_message_id
    FROM meta_message_index i
   WHERE i.wamid IN (SELECT s ->> 'wamid' FROM jsonb_array_elements(p_statuses) AS s);
END;
$$;

-- The statuses parked for one wamid, oldest Meta time first, read under the wamid's lock. The caller applies them
-- and then deletes them by id; a crash in between re-applies them, which the outbound decider ignores.
CREATE FUNCTION parked_meta_statuses_for(p_wamid text)
RETURNS TABLE (id bigint, payload jsonb)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
BEGIN
  PERFORM pg_advisory_xact_lock(1296389185, hashtext(p_wamid));
  RETURN QUERY
  SELECT p.id, p.payload FROM parked_meta_statuses p WHERE p.wamid = p_wamid ORDER BY p.meta_timestamp, p.id;
END;
$$;

-- Backfill: MessageSent events stored before this migration.
INSERT INTO meta_message_index (wamid, stream_id, tenant_id, genesys_message_id, part_index)
SELECT e.data ->> 'wamid', e.stream_id, e.tenant_id,
       substr(e.stream_id, length('outbound-' || e.tenant_id || '-') + 1),
       coalesce((e.data ->> 'partIndex')::integer, 0)
  FROM events e
 WHERE e.type = 'MessageSent'
   AND left(e.stream_id, length('outbound-' || e.tenant_id || '-')) = 'outbound-' || e.tenant_id || '-'
   AND coalesce(e.data ->> 'wamid', '') <> ''
 ORDER BY e.global_position
ON CONFLICT (wamid) DO NOTHING;

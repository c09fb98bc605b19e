-- The event store (source of truth), the relay's and projections' bookkeeping, and the dead-letter table.

CREATE TABLE streams (
  stream_id text PRIMARY KEY,
  position  bigint NOT NULL CHECK (position > 0)
);

-- No foreign key to streams: append_to_stream is the only writer and keeps both in step; a key check per row
-- would only slow appends down.
CREATE TABLE events (
  global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- The writing transaction's id. $all is read in (transaction_id, global_position) order and only below the
  -- oldest running transaction, so an event whose sequence number was drawn early but committed late is never
  -- skipped (see readAll in src/events/store/queries.ts).
  transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
  stream_id       text NOT NULL,
  stream_position bigint NOT NULL CHECK (stream_position > 0),
  event_id        uuid NOT NULL UNIQUE,
  type            text NOT NULL,
  version         integer NOT NULL,
  tenant_id       text NOT NULL,
  conversation_id text,
  occurred_at     timestamptz NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  data            jsonb NOT NULL,
  metadata        jsonb NOT NULL DEFAULT '{}'::jsonb,
  UNIQUE (stream_id, stream_position)
);
CREATE INDEX events_in_commit_order ON events (transaction_id, global_position);
CREATE INDEX events_by_conversation ON events (tenant_id, conversation_id, global_position);

-- Appends events to one stream in one round trip. Returns the stream's new position and the events' global
-- positions; `duplicate` is true when every event id was already stored in this stream (nothing is written and the
-- original positions come back). p_expected: NULL = any, 0 = the stream must not exist, n = its position must be n.
--
-- SQLSTATEs (mapped to typed errors by src/events/store/pg-errors.ts):
--   EV409 expected position mismatch; DETAIL is the actual position.
--   EV422 some (not all) event ids are stored already, or stored in another stream.
--
-- The stream's advisory lock is taken before anything is written, i.e. before this transaction has an xid. Two
-- appends to one stream therefore get their xids in the order they take the lock, and the stream's positions
-- increase in the same order as (transaction_id, global_position), the order $all is read and relayed in.
-- Without it, a writer could draw its xid, lose the race for the stream row, and write position n+1 with a smaller
-- xid than position n: consumers that skip "older or equal" positions would then drop position n.
-- That guarantee only holds when this function performs the first write of its transaction.
CREATE FUNCTION append_to_stream(
  p_stream_id text,
  p_expected bigint,
  p_events jsonb,
  p_metadata jsonb DEFAULT '{}'::jsonb,
  OUT next_position bigint,
  OUT global_positions bigint[],
  OUT duplicate boolean
) LANGUAGE plpgsql AS $$
DECLARE
  v_count integer := jsonb_array_length(p_events);
  v_found integer;
  v_elsewhere boolean;
  v_actual bigint;
BEGIN
  IF v_count = 0 THEN
    RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value', MESSAGE = 'append_to_stream: no events';
  END IF;
  -- 0x45565354 = 'EVST': the key space of stream locks (two-int form, apart from single-bigint advisory locks).
  PERFORM pg_advisory_xact_lock(1163285332, hashtext(p_stream_id));

  -- Idempotency first: a retried append (same event ids) answers with the original positions even though the
  -- expected position no longer matches.
  SELECT count(*), coalesce(bool_or(e.stream_id <> p_stream_id), false),
         array_agg(e.global_position ORDER BY x.ord), max(e.stream_position)
    INTO v_found, v_elsewhere, global_positions, next_position
    FROM jsonb_array_elements(p_events) WITH ORDINALITY AS x(ev, ord)
    JOIN events e ON e.event_id = (x.ev ->> 'eventId')::uuid;
  IF v_found > 0 THEN
    IF v_found = v_count AND NOT v_elsewhere THEN
      duplicate := true;
      RETURN;
    END IF;
    RAISE EXCEPTION USING ERRCODE = 'EV422',
      MESSAGE = format('Stream %s: %s of %s event ids are already stored%s', p_stream_id, v_found, v_count,
                       CASE WHEN v_elsewhere THEN ' (some in another stream)' ELSE '' END);
  END IF;
  duplicate := false;

  IF p_expected IS NULL THEN
    INSERT INTO streams AS s (stream_id, position) VALUES (p_stream_id, v_count)
      ON CONFLICT (stream_id) DO UPDATE SET position = s.position + v_count
      RETURNING s.position INTO next_position;
  ELSIF p_expected = 0 THEN
    INSERT INTO streams (stream_id, position) VALUES (p_stream_id, v_count)
      ON CONFLICT (stream_id) DO NOTHING
      RETURNING position INTO next_position;
  ELSE
    UPDATE streams SET position = position + v_count
      WHERE stream_id = p_stream_id AND position = p_expected
      RETURNING position INTO next_position;
  END IF;
  IF next_position IS NULL THEN
    SELECT coalesce(max(position), 0) INTO v_actual FROM streams WHERE stream_id = p_stream_id;
    RAISE EXCEPTION USING ERRCODE = 'EV409',
      MESSAGE = format('Stream %s: expected position %s, actual %s', p_stream_id, p_expected, v_actual),
      DETAIL = v_actual::text;
  END IF;

  WITH inserted AS (
    INSERT INTO events (stream_id, stream_position, event_id, type, version, tenant_id, conversation_id,
                        occurred_at, data, metadata)
    SELECT p_stream_id, next_position - v_count + x.ord, (x.ev ->> 'eventId')::uuid, x.ev ->> 'type',
           (x.ev ->> 'version')::integer, x.ev ->> 'tenantId', x.ev ->> 'conversationId',
           coalesce((x.ev ->> 'occurredAt')::timestamptz, now()), x.ev -> 'data', p_metadata
      FROM jsonb_array_elements(p_events) WITH ORDINALITY AS x(ev, ord)
     ORDER BY x.ord
    RETURNING stream_position, global_position
  )
  SELECT array_agg(global_position ORDER BY stream_position) INTO global_positions FROM inserted;

  -- Wakes the relay when it sleeps; it also polls, so a missing notification only costs latency.
  -- A NOTIFY is not free: its transaction holds a cluster-wide lock from before its commit record is flushed until
  -- after, which serialises the commits of concurrent appends and defeats group commit (measured here: roughly
  -- half the append rate with 8 writers). So only notify while a relay announces that it sleeps, by holding the
  -- exclusive advisory lock (0x57414954 = 'WAIT', 0); while it is busy it takes the next page without being told.
  -- The shared lock taken here is held until commit, so a relay can only announce itself once every append that
  -- saw "busy" has committed, and it reads $all once more after announcing: no event waits for the poll for that.
  IF NOT pg_try_advisory_xact_lock_shared(1463896404, 0) THEN
    PERFORM pg_notify('bridge_events', '');
  END IF;
END;
$$;

-- Where the relay has got to in $all (one row per relay name; advanced only after Kafka acknowledged).
CREATE TABLE relay_checkpoints (
  name            text PRIMARY KEY,
  transaction_id  xid8 NOT NULL,
  global_position bigint NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Where a projection reading the event store directly (rebuilds) has got to in $all.
CREATE TABLE projection_checkpoints (
  name            text PRIMARY KEY,
  transaction_id  xid8 NOT NULL,
  global_position bigint NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now()
);

-- The last stream position each projection applied, per stream: an event at or below it is a redelivery and is
-- skipped. Written in the same transaction as the read-model change.
CREATE TABLE projection_positions (
  projection text NOT NULL,
  stream_id  text NOT NULL,
  position   bigint NOT NULL,
  PRIMARY KEY (projection, stream_id)
);

-- Events a projection or processor could not apply. They are recorded and skipped so one bad event never blocks a
-- partition; event columns are NULL when the message could not even be parsed as an event.
CREATE TABLE dead_letters (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source          text NOT NULL,
  event_id        uuid,
  global_position bigint,
  stream_id       text,
  stream_position bigint,
  event_type      text,
  error           text NOT NULL,
  payload         jsonb,
  created_at      timestamptz NOT NULL DEFAULT now()
);
-- A redelivered or replayed poison event is recorded once per source.
CREATE UNIQUE INDEX dead_letters_once_per_source ON dead_letters (source, event_id) WHERE event_id IS NOT NULL;

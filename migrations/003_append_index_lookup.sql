-- append_to_stream, with an idempotency lookup whose plan does not depend on the size of `events`.
--
-- 002 looked the event ids up by joining jsonb_array_elements(p_events) to events. The planner takes a set-returning
-- function for 100 rows, so until events holds tens of thousands of rows a hash join with a sequential scan of the
-- whole table looks cheaper than 100 index probes: every append of a young deployment read all of events (measured:
-- append latency several times that of a plain INSERT at 4,000 events, growing with the table), and plpgsql keeps
-- that plan for the life of the connection. `event_id = ANY (array)` is estimated by the array's size, so the unique
-- index is used from the first few rows on. Everything else is unchanged; see 002 for the function's contract.

CREATE OR REPLACE FUNCTION append_to_stream(
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
  v_ids uuid[];
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
  v_ids := ARRAY(SELECT (x.ev ->> 'eventId')::uuid
                    FROM jsonb_array_elements(p_events) WITH ORDINALITY AS x(ev, ord) ORDER BY x.ord);
  SELECT count(*), coalesce(bool_or(e.stream_id <> p_stream_id), false),
         array_agg(e.global_position ORDER BY array_position(v_ids, e.event_id)), max(e.stream_position)
    INTO v_found, v_elsewhere, global_positions, next_position
    FROM events e
   WHERE e.event_id = ANY (v_ids);
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

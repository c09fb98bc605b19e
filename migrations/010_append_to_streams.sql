-- Group commit: several appends, each to its own stream, in one transaction and one round trip
-- (src/events/store/group-commit.ts gathers the appends of concurrent webhook requests into one call).
--
-- p_appends: [{ "streamId", "expected" (null = any), "events", "metadata" }, …], every streamId distinct.
-- One row per append, `ord` its 1-based place in p_appends: either append_to_stream's answer, or the error that
-- append raised (SQLSTATE, message, detail, constraint). A failing append is rolled back alone (its own
-- subtransaction) and never fails another; the caller answers each append only after the COMMIT.
--
-- Ordering: append_to_stream takes its stream lock before the transaction has an xid, so that a stream's positions
-- grow with transaction ids (see 002). In a batch only the first append could do so; so every stream lock of the
-- batch is taken here first, before any write, in key order (two batches sharing streams cannot deadlock). The
-- locks taken again inside append_to_stream are already held and cost nothing.
--
-- The subtransactions of a batch stay in the backend's cache of 64 subtransaction ids only if the batch is smaller
-- than that: callers keep batches well below (an overflowed cache slows every other session's snapshots).
CREATE FUNCTION append_to_streams(p_appends jsonb)
RETURNS TABLE (
  ord              integer,
  next_position    bigint,
  global_positions bigint[],
  duplicate        boolean,
  error_code       text,
  error_message    text,
  error_detail     text,
  error_constraint text
) LANGUAGE plpgsql AS $$
DECLARE
  v_key integer;
  v_append jsonb;
  v_ord bigint;
BEGIN
  FOR v_key IN
    SELECT DISTINCT hashtext(a ->> 'streamId') FROM jsonb_array_elements(p_appends) AS a ORDER BY 1
  LOOP
    PERFORM pg_advisory_xact_lock(1163285332, v_key);
  END LOOP;

  FOR v_append, v_ord IN SELECT a, n FROM jsonb_array_elements(p_appends) WITH ORDINALITY AS x(a, n) ORDER BY n
  LOOP
    ord := v_ord;
    error_code := NULL;
    error_message := NULL;
    error_detail := NULL;
    error_constraint := NULL;
    BEGIN
      SELECT r.next_position, r.global_positions, r.duplicate
        INTO next_position, global_positions, duplicate
        FROM append_to_stream(v_append ->> 'streamId', (v_append ->> 'expected')::bigint, v_append -> 'events',
                              coalesce(v_append -> 'metadata', '{}'::jsonb)) AS r;
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS error_code = RETURNED_SQLSTATE, error_message = MESSAGE_TEXT,
                              error_detail = PG_EXCEPTION_DETAIL, error_constraint = CONSTRAINT_NAME;
      next_position := NULL;
      global_positions := NULL;
      duplicate := NULL;
    END;
    RETURN NEXT;
  END LOOP;
END;
$$;

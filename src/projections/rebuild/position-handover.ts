import type { Pool, PoolClient } from 'pg';

/** The rows of projection_positions that hold a rebuild's positions until the swap hands them to the projection. */
export const stagingName = (projection: string) => `${projection}@rebuild`;

const CHUNK = 20_000;

/** Writes (or raises) staged positions; `unnest` keeps it one statement per chunk instead of one per stream. */
export const stagePositions = async (
  db: Pool | PoolClient,
  projection: string,
  positions: ReadonlyMap<string, number>,
  streams: Iterable<string> = positions.keys(),
): Promise<void> => {
  const ids = [...streams];
  for (let start = 0; start < ids.length; start += CHUNK) {
    const chunk = ids.slice(start, start + CHUNK);
    await db.query(
      `INSERT INTO projection_positions AS p (projection, stream_id, position)
       SELECT $1, s.stream_id, s.position FROM unnest($2::text[], $3::bigint[]) AS s (stream_id, position)
       ON CONFLICT (projection, stream_id) DO UPDATE SET position = EXCLUDED.position`,
      [stagingName(projection), chunk, chunk.map((stream) => positions.get(stream) ?? 0)],
    );
  }
};

export const clearStagedPositions = async (db: Pool | PoolClient, projection: string): Promise<void> => {
  await db.query('DELETE FROM projection_positions WHERE projection = $1', [stagingName(projection)]);
};

/**
 * Before the swap's lock, read-only: the streams whose live position differs from the staged one (or exists on one
 * side only). Under the lock only these, and the streams the shadow moved since they were staged, can differ: a
 * live position that moved after this query moved because the live runner applied an event, and every such event
 * is read by the swap's final catch-up too, which moves (and marks) the shadow's position for that stream.
 */
export const differingStreams = async (pool: Pool, projection: string): Promise<string[]> =>
  (
    await pool.query<{ stream_id: string }>(
      `SELECT stream_id
         FROM (SELECT stream_id, position FROM projection_positions WHERE projection = $1) l
         FULL JOIN (SELECT stream_id, position FROM projection_positions WHERE projection = $2) s USING (stream_id)
        WHERE l.position IS DISTINCT FROM s.position`,
      [projection, stagingName(projection)],
    )
  ).rows.map((row) => row.stream_id);

/**
 * Under the swap's lock: the projection's positions of `streams` become exactly the staged ones (rows the shadow
 * has no position for are removed). Work in proportion to what differs, not to the number of streams, so the
 * lock is short even over millions of streams.
 */
export const handOverPositions = async (
  tx: PoolClient,
  projection: string,
  streams: readonly string[],
): Promise<void> => {
  for (let start = 0; start < streams.length; start += CHUNK) {
    const chunk = streams.slice(start, start + CHUNK);
    await tx.query('DELETE FROM projection_positions WHERE projection = $1 AND stream_id = ANY($2::text[])', [
      projection,
      chunk,
    ]);
    await tx.query(
      `INSERT INTO projection_positions (projection, stream_id, position)
       SELECT $1, stream_id, position FROM projection_positions WHERE projection = $2 AND stream_id = ANY($3::text[])`,
      [projection, stagingName(projection), chunk],
    );
  }
};

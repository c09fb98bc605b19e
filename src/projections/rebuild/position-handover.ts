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
 * Under the swap's lock: make the projection's positions exactly the staged ones. Only the differences are
 * written (after a catch-up nearly every stream already agrees), which keeps the time under the lock to three
 * index-ordered scans rather than a rewrite of every row.
 */
export const handOverPositions = async (tx: PoolClient, projection: string): Promise<void> => {
  const staged = stagingName(projection);
  await tx.query(
    `DELETE FROM projection_positions l
      WHERE l.projection = $1
        AND NOT EXISTS (SELECT 1 FROM projection_positions s WHERE s.projection = $2 AND s.stream_id = l.stream_id)`,
    [projection, staged],
  );
  await tx.query(
    `UPDATE projection_positions l SET position = s.position
       FROM projection_positions s
      WHERE l.projection = $1 AND s.projection = $2 AND s.stream_id = l.stream_id AND l.position <> s.position`,
    [projection, staged],
  );
  await tx.query(
    `INSERT INTO projection_positions (projection, stream_id, position)
     SELECT $1, s.stream_id, s.position FROM projection_positions s
      WHERE s.projection = $2
        AND NOT EXISTS (SELECT 1 FROM projection_positions l WHERE l.projection = $1 AND l.stream_id = s.stream_id)`,
    [projection, staged],
  );
};

-- migrate: no-transaction
-- The message_tracking projection takes a message's media (type, URL) from the last MediaStored event of its stream
-- when it applies MessageSent. Through the stream index that lookup visits every event of the stream to check its
-- type; most messages carry no media, so it mostly finds nothing, slowly. This partial index holds only the media
-- events: a message without media costs one probe of a small index and no heap visit. Measured on 300,000 events
-- (3 per stream), a batch of 3,333 MessageSent: the lookups took 13.7 ms through the stream index (17,029 buffers)
-- and 2.9 ms through this one (6,666 buffers); real streams hold more events, so the gap is wider.
-- Built CONCURRENTLY: `events` takes every append, and a plain build would hold them all until it ends.
CREATE INDEX CONCURRENTLY IF NOT EXISTS events_media_stored ON events (stream_id, stream_position)
  WHERE type = 'MediaStored';

-- Less work for the server per stored post, and two batches of a bulk import stored at once (bulk.py).

-- A match named its post twice, by (channel_id, message_id) and by post_id (0004), and each reference was
-- a foreign key checked row by row: with some two matches a post, those checks were a quarter of a bulk
-- import's time on the server. post_id alone now says which post a match belongs to, and must: older
-- matches get theirs here, and none may lack it (a writer that gives no post_id still gets it from the
-- trigger of 0004, and an error when the post does not exist, as before).
UPDATE matches AS m SET post_id = p.id
FROM posts AS p WHERE m.post_id IS NULL AND p.channel_id = m.channel_id AND p.message_id = m.message_id;
ALTER TABLE matches ALTER COLUMN post_id SET NOT NULL;
ALTER TABLE matches DROP CONSTRAINT matches_channel_id_message_id_fkey;

-- A long text was compressed with pglz, the slowest step of copying it in (a tenth of the server's time);
-- lz4 compresses about as well many times faster. Only new values are written with it; a server built
-- without lz4 keeps pglz.
DO $$
BEGIN
    ALTER TABLE posts ALTER COLUMN text SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'lz4 is not available on this server: post texts stay compressed with pglz';
END $$;

-- Two transactions adding posts of the same days and channels update the same count rows; each now
-- takes those rows in one order (ORDER BY), so they wait for each other instead of deadlocking.
CREATE OR REPLACE FUNCTION post_counts_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO post_counts AS pc (day, channel_id, lang, conflicts, posts, deleted, edited)
    SELECT left(n.date, 10), n.channel_id, coalesce(n.lang, ''), coalesce(n.conflicts, '[]'),
           count(*), count(n.deleted_at), 0
    FROM new_rows AS n GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (day, channel_id, lang, conflicts) DO UPDATE SET posts = pc.posts + excluded.posts,
        deleted = pc.deleted + excluded.deleted, edited = pc.edited + excluded.edited;
    RETURN NULL;
END $$;

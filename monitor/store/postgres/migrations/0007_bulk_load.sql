-- Less work for the server per stored post, and two batches of a bulk import stored at once (bulk.py).

-- A match named its post twice, by (channel_id, message_id) and by post_id (0004), and each reference was
-- a foreign key checked row by row (a query planned and run for each): with some two matches a post,
-- those checks were a quarter of a bulk import's time on the server. post_id alone now says which post
-- a match belongs to, and must: older matches get theirs here, none may lack it (a writer that gives no
-- post_id still gets it from the trigger of 0004), and it is checked once per statement, for all its
-- rows in one query. What the foreign key did besides, and this does not: lock the post until the
-- match's transaction ends, against a post deleted meanwhile. The monitor never deletes a post, and a
-- delete of posts that matches still name is refused as before; post ids (and a post's channel, below)
-- are never changed.
UPDATE matches AS m SET post_id = p.id
FROM posts AS p WHERE m.post_id IS NULL AND p.channel_id = m.channel_id AND p.message_id = m.message_id;
ALTER TABLE matches ALTER COLUMN post_id SET NOT NULL;
ALTER TABLE matches DROP CONSTRAINT matches_channel_id_message_id_fkey;
ALTER TABLE matches DROP CONSTRAINT matches_post_id_fkey;

CREATE FUNCTION matches_name_posts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM new_rows AS n WHERE NOT EXISTS (SELECT 1 FROM posts AS p WHERE p.id = n.post_id))
    THEN
        RAISE foreign_key_violation USING MESSAGE = 'a match names a post that is not stored';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER matches_name_posts AFTER INSERT ON matches REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION matches_name_posts();
CREATE TRIGGER matches_name_posts_on_update AFTER UPDATE ON matches REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION matches_name_posts();

CREATE FUNCTION posts_keep_their_matches() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM old_rows AS o JOIN matches AS m ON m.post_id = o.id) THEN
        RAISE foreign_key_violation USING MESSAGE = 'a deleted post still has matches';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER posts_keep_their_matches AFTER DELETE ON posts REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION posts_keep_their_matches();

-- The same for a post's channel (a tenth of the server's time): checked once per statement and channel,
-- not once per post. The monitor never deletes a channel; a delete of channels with posts is refused.
ALTER TABLE posts DROP CONSTRAINT posts_channel_id_fkey;

CREATE FUNCTION posts_name_channels() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM (SELECT DISTINCT channel_id FROM new_rows) AS n
               WHERE NOT EXISTS (SELECT 1 FROM channels AS c WHERE c.id = n.channel_id)) THEN
        RAISE foreign_key_violation USING MESSAGE = 'a post names a channel that is not stored';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER posts_name_channels AFTER INSERT ON posts REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION posts_name_channels();

CREATE FUNCTION channels_keep_their_posts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM old_rows AS o JOIN posts AS p ON p.channel_id = o.id) THEN
        RAISE foreign_key_violation USING MESSAGE = 'a deleted channel still has posts';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER channels_keep_their_posts AFTER DELETE ON channels REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION channels_keep_their_posts();

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

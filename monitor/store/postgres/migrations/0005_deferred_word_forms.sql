-- Bulk imports store posts first and index their word forms afterwards (postgres/upkeep.py): a post whose
-- stems are NULL waits for that index, and the partial index finds the waiting ones at once, so a build
-- resumes wherever it stopped and search (postgres/search.py) checks their text meanwhile. A writer
-- that indexes inline still writes the stems with the text, as before.
-- Without a default, a post written without its stems (bulk.py's COPY) waits rather than never matching.
ALTER TABLE posts ALTER COLUMN stems DROP NOT NULL;
ALTER TABLE posts ALTER COLUMN stems DROP DEFAULT;
CREATE INDEX posts_stems_pending ON posts (id) WHERE stems IS NULL;

-- The post id triggers of 0004 run per row; a writer that gives post_id itself (the save path does, from
-- the posts it joins anyway) now skips them, so a batch of matches costs no function call per row.
DROP TRIGGER matches_post_id ON matches;
DROP TRIGGER revisions_post_id ON revisions;
DROP TRIGGER engagement_post_id ON engagement;
DROP TRIGGER alerts_post_id ON alerts;
CREATE TRIGGER matches_post_id BEFORE INSERT ON matches
    FOR EACH ROW WHEN (NEW.post_id IS NULL) EXECUTE FUNCTION fill_post_id();
CREATE TRIGGER revisions_post_id BEFORE INSERT ON revisions
    FOR EACH ROW WHEN (NEW.post_id IS NULL) EXECUTE FUNCTION fill_post_id();
CREATE TRIGGER engagement_post_id BEFORE INSERT ON engagement
    FOR EACH ROW WHEN (NEW.post_id IS NULL) EXECUTE FUNCTION fill_post_id();
CREATE TRIGGER alerts_post_id BEFORE INSERT ON alerts
    FOR EACH ROW WHEN (NEW.post_id IS NULL) EXECUTE FUNCTION fill_post_id();

-- The GIN index of the stems leaves out the posts still waiting: it would otherwise hold a placeholder
-- for each NULL (a fifth of a bulk-imported post's cost on the server). Searches ask `stems @@ ...`,
-- which implies `stems IS NOT NULL`, so the planner uses the partial index as it used the whole one.
DROP INDEX posts_stems;
CREATE INDEX posts_stems ON posts USING gin (stems) WHERE stems IS NOT NULL;

-- A post just inserted has no revision (revisions name an existing post), so counting it as edited needs
-- no look-up per row: the insert trigger of 0004 without it.
CREATE OR REPLACE FUNCTION post_counts_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO post_counts AS pc (day, channel_id, lang, conflicts, posts, deleted, edited)
    SELECT left(n.date, 10), n.channel_id, coalesce(n.lang, ''), coalesce(n.conflicts, '[]'),
           count(*), count(n.deleted_at), 0
    FROM new_rows AS n GROUP BY 1, 2, 3, 4
    ON CONFLICT (day, channel_id, lang, conflicts) DO UPDATE SET posts = pc.posts + excluded.posts,
        deleted = pc.deleted + excluded.deleted, edited = pc.edited + excluded.edited;
    RETURN NULL;
END $$;

-- The archive for analysts: tables linked by post id, a channel's posts in date order, counts kept per day
-- so `monitor stats` adds up a few rows instead of reading every post, and views for the usual questions.
-- The counterpart of the SQLite archive's 0004; its triggers run once per statement over the rows the
-- statement changed (transition tables), so a batch of a thousand posts updates each count row once.

-- 1. Links: matches, revisions, engagement and alerts name their post by (channel_id, message_id); each
-- also gets post_id, filled on insert by a trigger, so every writer keeps it without knowing of it.
ALTER TABLE matches ADD COLUMN post_id BIGINT REFERENCES posts (id);
ALTER TABLE revisions ADD COLUMN post_id BIGINT REFERENCES posts (id);
ALTER TABLE engagement ADD COLUMN post_id BIGINT REFERENCES posts (id);
ALTER TABLE alerts ADD COLUMN post_id BIGINT REFERENCES posts (id);
CREATE INDEX matches_post_id ON matches (post_id);
CREATE INDEX revisions_post_id ON revisions (post_id);
CREATE INDEX engagement_post_id ON engagement (post_id);
CREATE INDEX alerts_post_id ON alerts (post_id);

CREATE FUNCTION fill_post_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.post_id IS NULL THEN
        NEW.post_id := (SELECT p.id FROM posts AS p
                        WHERE p.channel_id = NEW.channel_id AND p.message_id = NEW.message_id);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER matches_post_id BEFORE INSERT ON matches FOR EACH ROW EXECUTE FUNCTION fill_post_id();
CREATE TRIGGER revisions_post_id BEFORE INSERT ON revisions FOR EACH ROW EXECUTE FUNCTION fill_post_id();
CREATE TRIGGER engagement_post_id BEFORE INSERT ON engagement FOR EACH ROW EXECUTE FUNCTION fill_post_id();
CREATE TRIGGER alerts_post_id BEFORE INSERT ON alerts FOR EACH ROW EXECUTE FUNCTION fill_post_id();

-- 2. A channel's posts in date order, so exporting one channel reads it page by page without sorting.
CREATE INDEX posts_channel_date ON posts (channel_id, date, message_id);

-- 3. Counts per day, channel, language and set of conflicts. lang '' stands for none and conflicts '[]'
-- for no conflict (NULL would defeat the unique key).
CREATE TABLE post_counts (
    day TEXT COLLATE "C" NOT NULL,     -- YYYY-MM-DD of the post's date (UTC)
    channel_id BIGINT NOT NULL REFERENCES channels (id),
    lang TEXT NOT NULL,
    conflicts TEXT NOT NULL,           -- the posts' conflicts column, as stored
    posts BIGINT NOT NULL,
    deleted BIGINT NOT NULL,           -- of those, tombstoned
    edited BIGINT NOT NULL,            -- of those, with at least one revision
    PRIMARY KEY (day, channel_id, lang, conflicts)
);

-- Alerts per status, by their post's day, channel and language and their own conflict.
CREATE TABLE alert_counts (
    day TEXT COLLATE "C" NOT NULL,
    channel_id BIGINT NOT NULL REFERENCES channels (id),
    lang TEXT NOT NULL,
    conflict TEXT NOT NULL,
    status TEXT NOT NULL,
    alerts BIGINT NOT NULL,
    PRIMARY KEY (day, channel_id, lang, conflict, status)
);

CREATE FUNCTION post_edited(channel BIGINT, message BIGINT) RETURNS INTEGER LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN EXISTS (SELECT 1 FROM revisions AS r WHERE r.channel_id = channel
                             AND r.message_id = message) THEN 1 ELSE 0 END
$$;

CREATE FUNCTION post_counts_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO post_counts AS pc (day, channel_id, lang, conflicts, posts, deleted, edited)
    SELECT left(n.date, 10), n.channel_id, coalesce(n.lang, ''), coalesce(n.conflicts, '[]'),
           count(*), count(n.deleted_at), sum(post_edited(n.channel_id, n.message_id))
    FROM new_rows AS n GROUP BY 1, 2, 3, 4
    ON CONFLICT (day, channel_id, lang, conflicts) DO UPDATE SET posts = pc.posts + excluded.posts,
        deleted = pc.deleted + excluded.deleted, edited = pc.edited + excluded.edited;
    RETURN NULL;
END $$;
CREATE TRIGGER post_counts_insert AFTER INSERT ON posts REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION post_counts_insert();

CREATE FUNCTION post_counts_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO post_counts AS pc (day, channel_id, lang, conflicts, posts, deleted, edited)
    SELECT left(o.date, 10), o.channel_id, coalesce(o.lang, ''), coalesce(o.conflicts, '[]'),
           -count(*), -count(o.deleted_at), -sum(post_edited(o.channel_id, o.message_id))
    FROM old_rows AS o GROUP BY 1, 2, 3, 4
    ON CONFLICT (day, channel_id, lang, conflicts) DO UPDATE SET posts = pc.posts + excluded.posts,
        deleted = pc.deleted + excluded.deleted, edited = pc.edited + excluded.edited;
    RETURN NULL;
END $$;
CREATE TRIGGER post_counts_delete AFTER DELETE ON posts REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION post_counts_delete();

-- A post whose day, language, conflicts or tombstone changes moves from one count row to another, and
-- its alerts move with it when their row (day, channel, language) changes. Rows that moved nowhere (an
-- engagement update) cost one comparison each.
CREATE FUNCTION post_counts_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH pairs AS (
        SELECT o.channel_id AS old_channel, o.message_id AS old_message, left(o.date, 10) AS old_day,
               coalesce(o.lang, '') AS old_lang, coalesce(o.conflicts, '[]') AS old_conflicts,
               (o.deleted_at IS NOT NULL)::int AS old_deleted,
               n.channel_id AS new_channel, n.message_id AS new_message, left(n.date, 10) AS new_day,
               coalesce(n.lang, '') AS new_lang, coalesce(n.conflicts, '[]') AS new_conflicts,
               (n.deleted_at IS NOT NULL)::int AS new_deleted
        FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id
    ), moved AS (
        SELECT old_channel AS channel_id, old_message AS message_id, old_day AS day, old_lang AS lang,
               old_conflicts AS conflicts, old_deleted AS deleted, -1 AS change,
               (old_day, old_channel, old_lang) <> (new_day, new_channel, new_lang) AS alerts_move
        FROM pairs
        WHERE (old_day, old_channel, old_lang, old_conflicts, old_deleted)
           <> (new_day, new_channel, new_lang, new_conflicts, new_deleted)
        UNION ALL
        SELECT new_channel, new_message, new_day, new_lang, new_conflicts, new_deleted, 1,
               (old_day, old_channel, old_lang) <> (new_day, new_channel, new_lang)
        FROM pairs
        WHERE (old_day, old_channel, old_lang, old_conflicts, old_deleted)
           <> (new_day, new_channel, new_lang, new_conflicts, new_deleted)
    ), counted AS (
        INSERT INTO post_counts AS pc (day, channel_id, lang, conflicts, posts, deleted, edited)
        SELECT m.day, m.channel_id, m.lang, m.conflicts, sum(m.change), sum(m.change * m.deleted),
               sum(m.change * post_edited(m.channel_id, m.message_id))
        FROM moved AS m GROUP BY 1, 2, 3, 4
        ON CONFLICT (day, channel_id, lang, conflicts) DO UPDATE SET posts = pc.posts + excluded.posts,
            deleted = pc.deleted + excluded.deleted, edited = pc.edited + excluded.edited
    )
    INSERT INTO alert_counts AS ac (day, channel_id, lang, conflict, status, alerts)
    SELECT m.day, m.channel_id, m.lang, a.conflict, a.status, sum(m.change)
    FROM moved AS m JOIN alerts AS a ON a.channel_id = m.channel_id AND a.message_id = m.message_id
    WHERE m.alerts_move
    GROUP BY 1, 2, 3, 4, 5 HAVING sum(m.change) <> 0
    ON CONFLICT (day, channel_id, lang, conflict, status) DO UPDATE SET alerts = ac.alerts + excluded.alerts;
    RETURN NULL;
END $$;
CREATE TRIGGER post_counts_update AFTER UPDATE ON posts
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION post_counts_update();

-- A post's first revision makes it edited.
CREATE FUNCTION post_counts_edited() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE post_counts AS pc SET edited = pc.edited + first.posts
    FROM (SELECT left(p.date, 10) AS day, p.channel_id, coalesce(p.lang, '') AS lang,
                 coalesce(p.conflicts, '[]') AS conflicts, count(*) AS posts
          FROM (SELECT DISTINCT channel_id, message_id FROM new_rows) AS k
          JOIN posts AS p ON p.channel_id = k.channel_id AND p.message_id = k.message_id
          WHERE NOT EXISTS (SELECT 1 FROM revisions AS r
                            WHERE r.channel_id = k.channel_id AND r.message_id = k.message_id
                              AND r.id NOT IN (SELECT id FROM new_rows))
          GROUP BY 1, 2, 3, 4) AS first
    WHERE (pc.day, pc.channel_id, pc.lang, pc.conflicts) = (first.day, first.channel_id, first.lang, first.conflicts);
    RETURN NULL;
END $$;
CREATE TRIGGER post_counts_edited AFTER INSERT ON revisions REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION post_counts_edited();

-- Alerts counted by their post's day, channel and language; a change of status or conflict moves them.
CREATE FUNCTION alert_counts_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO alert_counts AS ac (day, channel_id, lang, conflict, status, alerts)
    SELECT left(p.date, 10), p.channel_id, coalesce(p.lang, ''), n.conflict, n.status, count(*)
    FROM new_rows AS n JOIN posts AS p ON p.channel_id = n.channel_id AND p.message_id = n.message_id
    GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT (day, channel_id, lang, conflict, status) DO UPDATE SET alerts = ac.alerts + excluded.alerts;
    RETURN NULL;
END $$;
CREATE TRIGGER alert_counts_insert AFTER INSERT ON alerts REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION alert_counts_insert();

CREATE FUNCTION alert_counts_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO alert_counts AS ac (day, channel_id, lang, conflict, status, alerts)
    SELECT left(p.date, 10), p.channel_id, coalesce(p.lang, ''), o.conflict, o.status, -count(*)
    FROM old_rows AS o JOIN posts AS p ON p.channel_id = o.channel_id AND p.message_id = o.message_id
    GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT (day, channel_id, lang, conflict, status) DO UPDATE SET alerts = ac.alerts + excluded.alerts;
    RETURN NULL;
END $$;
CREATE TRIGGER alert_counts_delete AFTER DELETE ON alerts REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION alert_counts_delete();

CREATE FUNCTION alert_counts_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO alert_counts AS ac (day, channel_id, lang, conflict, status, alerts)
    SELECT left(p.date, 10), p.channel_id, coalesce(p.lang, ''), c.conflict, c.status, sum(c.change)
    FROM (SELECT o.channel_id, o.message_id, o.conflict, o.status, -1 AS change
          FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id
          WHERE o.status <> n.status OR o.conflict <> n.conflict
          UNION ALL
          SELECT n.channel_id, n.message_id, n.conflict, n.status, 1
          FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id
          WHERE o.status <> n.status OR o.conflict <> n.conflict) AS c
    JOIN posts AS p ON p.channel_id = c.channel_id AND p.message_id = c.message_id
    GROUP BY 1, 2, 3, 4, 5 HAVING sum(c.change) <> 0
    ON CONFLICT (day, channel_id, lang, conflict, status) DO UPDATE SET alerts = ac.alerts + excluded.alerts;
    RETURN NULL;
END $$;
CREATE TRIGGER alert_counts_update AFTER UPDATE ON alerts
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION alert_counts_update();

-- 4. Views for analysts (the same as the SQLite archive's).

-- Flagged posts with their channel, a t.me link, the conflicts and the words that matched, as written.
CREATE VIEW flagged_posts AS
SELECT p.id AS post_id, p.date, c.username AS channel, c.title AS channel_title, p.channel_id,
       p.message_id,
       CASE WHEN c.username IS NOT NULL THEN 'https://t.me/' || c.username || '/' || p.message_id
            ELSE 'https://t.me/c/' || p.channel_id || '/' || p.message_id END AS url,
       p.conflicts,
       (SELECT json_agg(DISTINCT substr(p.text, m.start + 1, m."end" - m.start))
        FROM matches AS m WHERE m.channel_id = p.channel_id AND m.message_id = p.message_id) AS matched_words,
       p.lang, p.text, p.deleted_at IS NOT NULL AS deleted
FROM posts AS p JOIN channels AS c ON c.id = p.channel_id
WHERE p.conflicts IS NOT NULL;

-- Every alert with its state and its post.
CREATE VIEW alert_states AS
SELECT a.id AS alert_id, a.post_id, a.conflict, k.name AS conflict_name, a.status,
       a.created_at, a.sent_at, a.late_seconds, a.attempts, a.last_error, a.suppressed_reason,
       a.digest, a.needs_update > 0 AS needs_update, p.date, c.username AS channel,
       CASE WHEN c.username IS NOT NULL THEN 'https://t.me/' || c.username || '/' || p.message_id
            ELSE 'https://t.me/c/' || p.channel_id || '/' || p.message_id END AS url,
       p.text
FROM alerts AS a
JOIN posts AS p ON p.channel_id = a.channel_id AND p.message_id = a.message_id
JOIN channels AS c ON c.id = p.channel_id
LEFT JOIN conflicts AS k ON k.id = a.conflict;

-- Flagged posts per day, conflict and channel (deleted posts included: they were published).
CREATE VIEW daily_mentions AS
SELECT pc.day, j.value AS conflict, pc.channel_id, c.username AS channel, c.title AS channel_title,
       sum(pc.posts) AS posts
FROM post_counts AS pc
CROSS JOIN LATERAL jsonb_array_elements_text(pc.conflicts::jsonb) AS j (value)
JOIN channels AS c ON c.id = pc.channel_id
GROUP BY pc.day, j.value, pc.channel_id, c.username, c.title
HAVING sum(pc.posts) > 0;

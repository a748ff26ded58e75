-- The archive for analysts: datasette finds the full-text index and links the tables, views answer the
-- usual questions, search follows word forms, and counts stay fast however large the archive grows.
-- stem_text(text) is a function the archive registers on its connection (monitor/store/stems.py): a
-- tool without it (sqlite3, datasette) can read everything but cannot change a post's text, which keeps
-- the stemmed index true.

-- 1. datasette recognises a table's full-text index by `content="posts"` in its definition, written with
-- double quotes; 0002 wrote single quotes. The same index, declared so datasette's `?_search=` uses it.
DROP TABLE posts_fts;
CREATE VIRTUAL TABLE posts_fts USING fts5 (
    text,
    content="posts",
    content_rowid="id",
    tokenize="unicode61 remove_diacritics 2"
);
INSERT INTO posts_fts (posts_fts) VALUES ('rebuild');

-- 2. Search by word forms. A contentless index of stems (the text lives once, in posts) whose rowid is a
-- search key: seconds since 2010-01-01 in the high bits, the post's id in the low 32 bits. FTS5 reads
-- its matches in rowid order, so `ORDER BY rowid DESC LIMIT 50` reads the newest 50 and stops.
-- New posts are indexed by the archive code per batch (see 0002); edits and removals by the triggers.
CREATE VIRTUAL TABLE post_stems USING fts5 (
    text,
    content = '',
    columnsize = 0,
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO post_stems (rowid, text)
SELECT (min(max(coalesce(CAST(strftime('%s', date) AS INTEGER), 0) - 1262304000, 0), 2147483647) << 32) | id,
       stem_text(text)
FROM posts;

CREATE TRIGGER post_stems_delete AFTER DELETE ON posts BEGIN
    INSERT INTO post_stems (post_stems, rowid, text) VALUES (
        'delete',
        (min(max(coalesce(CAST(strftime('%s', old.date) AS INTEGER), 0) - 1262304000, 0), 2147483647) << 32)
            | old.id,
        stem_text(old.text)
    );
END;

CREATE TRIGGER post_stems_update AFTER UPDATE OF text, date ON posts BEGIN
    INSERT INTO post_stems (post_stems, rowid, text) VALUES (
        'delete',
        (min(max(coalesce(CAST(strftime('%s', old.date) AS INTEGER), 0) - 1262304000, 0), 2147483647) << 32)
            | old.id,
        stem_text(old.text)
    );
    INSERT INTO post_stems (rowid, text) VALUES (
        (min(max(coalesce(CAST(strftime('%s', new.date) AS INTEGER), 0) - 1262304000, 0), 2147483647) << 32)
            | new.id,
        stem_text(new.text)
    );
END;

-- 3. Links datasette can follow: matches, revisions, engagement and alerts name their post by
-- (channel_id, message_id), a two-column key that datasette does not link. Each also gets post_id,
-- filled on insert by a trigger, so every writer keeps it without knowing of it.
ALTER TABLE matches ADD COLUMN post_id INTEGER REFERENCES posts (id);
ALTER TABLE revisions ADD COLUMN post_id INTEGER REFERENCES posts (id);
ALTER TABLE engagement ADD COLUMN post_id INTEGER REFERENCES posts (id);
ALTER TABLE alerts ADD COLUMN post_id INTEGER REFERENCES posts (id);

UPDATE matches SET post_id = (SELECT p.id FROM posts AS p
    WHERE p.channel_id = matches.channel_id AND p.message_id = matches.message_id);
UPDATE revisions SET post_id = (SELECT p.id FROM posts AS p
    WHERE p.channel_id = revisions.channel_id AND p.message_id = revisions.message_id);
UPDATE engagement SET post_id = (SELECT p.id FROM posts AS p
    WHERE p.channel_id = engagement.channel_id AND p.message_id = engagement.message_id);
UPDATE alerts SET post_id = (SELECT p.id FROM posts AS p
    WHERE p.channel_id = alerts.channel_id AND p.message_id = alerts.message_id);

CREATE INDEX matches_post_id ON matches (post_id);
CREATE INDEX revisions_post_id ON revisions (post_id);
CREATE INDEX engagement_post_id ON engagement (post_id);
CREATE INDEX alerts_post_id ON alerts (post_id);

CREATE TRIGGER matches_post_id AFTER INSERT ON matches WHEN new.post_id IS NULL BEGIN
    UPDATE matches SET post_id = (SELECT p.id FROM posts AS p
        WHERE p.channel_id = new.channel_id AND p.message_id = new.message_id) WHERE id = new.id;
END;
CREATE TRIGGER revisions_post_id AFTER INSERT ON revisions WHEN new.post_id IS NULL BEGIN
    UPDATE revisions SET post_id = (SELECT p.id FROM posts AS p
        WHERE p.channel_id = new.channel_id AND p.message_id = new.message_id) WHERE id = new.id;
END;
CREATE TRIGGER engagement_post_id AFTER INSERT ON engagement WHEN new.post_id IS NULL BEGIN
    UPDATE engagement SET post_id = (SELECT p.id FROM posts AS p
        WHERE p.channel_id = new.channel_id AND p.message_id = new.message_id) WHERE rowid = new.rowid;
END;
CREATE TRIGGER alerts_post_id AFTER INSERT ON alerts WHEN new.post_id IS NULL BEGIN
    UPDATE alerts SET post_id = (SELECT p.id FROM posts AS p
        WHERE p.channel_id = new.channel_id AND p.message_id = new.message_id) WHERE id = new.id;
END;

-- 4. A channel's posts in date order, so exporting one channel reads it page by page without sorting.
CREATE INDEX posts_channel_date ON posts (channel_id, date, message_id);

-- 5. Counts per day, channel, language and set of conflicts, kept by triggers: `monitor stats` and the
-- daily_mentions view add up these rows instead of reading every post. lang '' stands for none and
-- conflicts '[]' for no conflict (NULL would defeat the unique key).
CREATE TABLE post_counts (
    day TEXT NOT NULL,                 -- YYYY-MM-DD of the post's date (UTC)
    channel_id INTEGER NOT NULL REFERENCES channels (id),
    lang TEXT NOT NULL,
    conflicts TEXT NOT NULL,           -- the posts' conflicts column, as stored
    posts INTEGER NOT NULL,
    deleted INTEGER NOT NULL,          -- of those, tombstoned
    edited INTEGER NOT NULL,           -- of those, with at least one revision
    PRIMARY KEY (day, channel_id, lang, conflicts)
);

-- Alerts per status, by their post's day, channel and language and their own conflict.
CREATE TABLE alert_counts (
    day TEXT NOT NULL,
    channel_id INTEGER NOT NULL REFERENCES channels (id),
    lang TEXT NOT NULL,
    conflict TEXT NOT NULL,
    status TEXT NOT NULL,
    alerts INTEGER NOT NULL,
    PRIMARY KEY (day, channel_id, lang, conflict, status)
);

INSERT INTO post_counts (day, channel_id, lang, conflicts, posts, deleted, edited)
SELECT substr(p.date, 1, 10), p.channel_id, coalesce(p.lang, ''), coalesce(p.conflicts, '[]'),
       count(*), count(p.deleted_at),
       sum(EXISTS (SELECT 1 FROM revisions AS r
                   WHERE r.channel_id = p.channel_id AND r.message_id = p.message_id))
FROM posts AS p GROUP BY 1, 2, 3, 4;

INSERT INTO alert_counts (day, channel_id, lang, conflict, status, alerts)
SELECT substr(p.date, 1, 10), p.channel_id, coalesce(p.lang, ''), a.conflict, a.status, count(*)
FROM alerts AS a JOIN posts AS p ON p.channel_id = a.channel_id AND p.message_id = a.message_id
GROUP BY 1, 2, 3, 4, 5;

CREATE TRIGGER post_counts_insert AFTER INSERT ON posts BEGIN
    INSERT INTO post_counts (day, channel_id, lang, conflicts, posts, deleted, edited)
    VALUES (substr(new.date, 1, 10), new.channel_id, coalesce(new.lang, ''), coalesce(new.conflicts, '[]'),
            1, new.deleted_at IS NOT NULL, 0)
    ON CONFLICT (day, channel_id, lang, conflicts)
    DO UPDATE SET posts = posts + 1, deleted = deleted + excluded.deleted;
END;

CREATE TRIGGER post_counts_delete AFTER DELETE ON posts BEGIN
    UPDATE post_counts SET posts = posts - 1, deleted = deleted - (old.deleted_at IS NOT NULL),
        edited = edited - EXISTS (SELECT 1 FROM revisions AS r
                                  WHERE r.channel_id = old.channel_id AND r.message_id = old.message_id)
    WHERE day = substr(old.date, 1, 10) AND channel_id = old.channel_id
      AND lang = coalesce(old.lang, '') AND conflicts = coalesce(old.conflicts, '[]');
END;

-- A post whose day, language, conflicts or tombstone changes moves from one row to another, and so do
-- its alerts when their row (day, channel, language) changes.
CREATE TRIGGER post_counts_update AFTER UPDATE OF date, channel_id, lang, conflicts, deleted_at ON posts
WHEN substr(old.date, 1, 10) IS NOT substr(new.date, 1, 10) OR old.channel_id IS NOT new.channel_id
  OR old.lang IS NOT new.lang OR old.conflicts IS NOT new.conflicts
  OR (old.deleted_at IS NULL) IS NOT (new.deleted_at IS NULL)
BEGIN
    UPDATE post_counts SET posts = posts - 1, deleted = deleted - (old.deleted_at IS NOT NULL),
        edited = edited - EXISTS (SELECT 1 FROM revisions AS r
                                  WHERE r.channel_id = old.channel_id AND r.message_id = old.message_id)
    WHERE day = substr(old.date, 1, 10) AND channel_id = old.channel_id
      AND lang = coalesce(old.lang, '') AND conflicts = coalesce(old.conflicts, '[]');
    INSERT INTO post_counts (day, channel_id, lang, conflicts, posts, deleted, edited)
    VALUES (substr(new.date, 1, 10), new.channel_id, coalesce(new.lang, ''), coalesce(new.conflicts, '[]'),
            1, new.deleted_at IS NOT NULL,
            EXISTS (SELECT 1 FROM revisions AS r
                    WHERE r.channel_id = new.channel_id AND r.message_id = new.message_id))
    ON CONFLICT (day, channel_id, lang, conflicts)
    DO UPDATE SET posts = posts + 1, deleted = deleted + excluded.deleted, edited = edited + excluded.edited;
    INSERT INTO alert_counts (day, channel_id, lang, conflict, status, alerts)
    SELECT moved.day, moved.channel, moved.lang, a.conflict, a.status, moved.change
    FROM alerts AS a,
         (SELECT substr(old.date, 1, 10) AS day, old.channel_id AS channel,
                 coalesce(old.lang, '') AS lang, -1 AS change
          UNION ALL
          SELECT substr(new.date, 1, 10), new.channel_id, coalesce(new.lang, ''), 1) AS moved
    WHERE a.channel_id = old.channel_id AND a.message_id = old.message_id
      AND (substr(old.date, 1, 10) IS NOT substr(new.date, 1, 10) OR old.channel_id IS NOT new.channel_id
           OR old.lang IS NOT new.lang)
    ON CONFLICT (day, channel_id, lang, conflict, status) DO UPDATE SET alerts = alerts + excluded.alerts;
END;

CREATE TRIGGER post_counts_edited AFTER INSERT ON revisions
WHEN NOT EXISTS (SELECT 1 FROM revisions AS r
                 WHERE r.channel_id = new.channel_id AND r.message_id = new.message_id AND r.id <> new.id)
BEGIN
    UPDATE post_counts SET edited = edited + 1
    WHERE (day, channel_id, lang, conflicts) =
          (SELECT substr(p.date, 1, 10), p.channel_id, coalesce(p.lang, ''), coalesce(p.conflicts, '[]')
           FROM posts AS p WHERE p.channel_id = new.channel_id AND p.message_id = new.message_id);
END;

CREATE TRIGGER alert_counts_insert AFTER INSERT ON alerts BEGIN
    INSERT INTO alert_counts (day, channel_id, lang, conflict, status, alerts)
    SELECT substr(p.date, 1, 10), p.channel_id, coalesce(p.lang, ''), new.conflict, new.status, 1
    FROM posts AS p WHERE p.channel_id = new.channel_id AND p.message_id = new.message_id
    ON CONFLICT (day, channel_id, lang, conflict, status) DO UPDATE SET alerts = alerts + 1;
END;

CREATE TRIGGER alert_counts_delete AFTER DELETE ON alerts BEGIN
    UPDATE alert_counts SET alerts = alerts - 1
    WHERE conflict = old.conflict AND status = old.status AND (day, channel_id, lang) =
          (SELECT substr(p.date, 1, 10), p.channel_id, coalesce(p.lang, '')
           FROM posts AS p WHERE p.channel_id = old.channel_id AND p.message_id = old.message_id);
END;

CREATE TRIGGER alert_counts_update AFTER UPDATE OF status, conflict ON alerts
WHEN old.status IS NOT new.status OR old.conflict IS NOT new.conflict
BEGIN
    INSERT INTO alert_counts (day, channel_id, lang, conflict, status, alerts)
    SELECT substr(p.date, 1, 10), p.channel_id, coalesce(p.lang, ''), change.conflict, change.status,
           change.alerts
    FROM posts AS p,
         (SELECT old.conflict AS conflict, old.status AS status, -1 AS alerts
          UNION ALL SELECT new.conflict, new.status, 1) AS change
    WHERE p.channel_id = new.channel_id AND p.message_id = new.message_id
    ON CONFLICT (day, channel_id, lang, conflict, status) DO UPDATE SET alerts = alerts + excluded.alerts;
END;

-- 6. Views for analysts.

-- Flagged posts with their channel, a t.me link, the conflicts and the words that matched, as written.
CREATE VIEW flagged_posts AS
SELECT p.id AS post_id, p.date, c.username AS channel, c.title AS channel_title, p.channel_id,
       p.message_id,
       CASE WHEN c.username IS NOT NULL THEN 'https://t.me/' || c.username || '/' || p.message_id
            ELSE 'https://t.me/c/' || p.channel_id || '/' || p.message_id END AS url,
       p.conflicts,
       (SELECT json_group_array(DISTINCT substr(p.text, m.start + 1, m.end - m.start))
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
FROM post_counts AS pc JOIN json_each(pc.conflicts) AS j JOIN channels AS c ON c.id = pc.channel_id
GROUP BY pc.day, j.value, pc.channel_id
HAVING sum(pc.posts) > 0;

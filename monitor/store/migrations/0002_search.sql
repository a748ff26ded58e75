-- Full-text search over post text. External content: the text lives once, in posts.
-- New posts are indexed by the archive code with one INSERT ... SELECT per batch rather than by a row
-- trigger: FTS5 flushes its pending index at every statement, so a per-row trigger halves import speed.
-- Triggers keep the index in step when a text is replaced or a row removed. Deletion in Telegram only
-- tombstones a post, so deleted posts stay searchable. After inserting posts by hand, run
--   INSERT INTO posts_fts (posts_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE posts_fts USING fts5 (
    text,
    content = 'posts',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN
    INSERT INTO posts_fts (posts_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;

CREATE TRIGGER posts_fts_update AFTER UPDATE OF text ON posts BEGIN
    INSERT INTO posts_fts (posts_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO posts_fts (rowid, text) VALUES (new.id, new.text);
END;

INSERT INTO posts_fts (posts_fts) VALUES ('rebuild');

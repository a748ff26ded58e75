-- The archive: every post of the watched channels, what analysis found in it, and the alert outbox.
-- Dates are ISO-8601 UTC text (e.g. 2024-05-01T12:34:56+00:00): readable and sortable as text.
-- JSON columns hold arrays/objects readable in sqlite3 and datasette.

PRAGMA application_id = 1297043022;  -- 'MONN': marks this file as a monitor archive

CREATE TABLE channels (
    id INTEGER PRIMARY KEY,            -- bare positive Telegram channel id
    username TEXT,                     -- without '@'; NULL for private channels
    title TEXT,                        -- NULL until the channel has been resolved
    access_hash INTEGER,               -- kept so restarts need no username look-up
    first_seen TEXT NOT NULL
);
CREATE INDEX channels_username ON channels (username COLLATE NOCASE);

-- Each configured reference (username, t.me link, numeric id, invite link) and the channel it resolved to.
CREATE TABLE channel_refs (
    ref TEXT PRIMARY KEY,
    channel_id INTEGER NOT NULL REFERENCES channels (id)
);

-- id is a stable rowid for the full-text index; (channel_id, message_id) is the post's identity.
CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL REFERENCES channels (id),
    message_id INTEGER NOT NULL,
    date TEXT NOT NULL,
    text TEXT NOT NULL,
    edit_date TEXT,
    views INTEGER,
    forwards INTEGER,
    replies INTEGER,
    reactions TEXT,                    -- JSON object {"emoji": count}
    forward_origin TEXT,
    media_kind TEXT,
    links TEXT,                        -- JSON array of URLs
    grouped_id INTEGER,                -- album id
    deleted_at TEXT,                   -- tombstone: the text stays
    first_stored_at TEXT NOT NULL,
    lang TEXT,                         -- ISO 639-1 or 'und'
    lang_confidence REAL,
    conflicts TEXT,                    -- JSON array of flagged conflict ids
    watchlist_version TEXT,
    UNIQUE (channel_id, message_id)
);
CREATE INDEX posts_date ON posts (date, channel_id, message_id);

-- Every watchlist hit; start/end index the post text (Python string offsets).
CREATE TABLE matches (
    id INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    conflict TEXT NOT NULL,
    term TEXT NOT NULL,
    lang TEXT NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    FOREIGN KEY (channel_id, message_id) REFERENCES posts (channel_id, message_id)
);
CREATE INDEX matches_post ON matches (channel_id, message_id);

-- Every earlier text of an edited post: the text, the edit date it carried, and when it was replaced.
CREATE TABLE revisions (
    id INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    text TEXT NOT NULL,
    edit_date TEXT,
    replaced_at TEXT NOT NULL,
    FOREIGN KEY (channel_id, message_id) REFERENCES posts (channel_id, message_id)
);
CREATE INDEX revisions_post ON revisions (channel_id, message_id);

-- Views, forwards, replies and reactions of a post over time.
CREATE TABLE engagement (
    channel_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    at TEXT NOT NULL,
    views INTEGER,
    forwards INTEGER,
    replies INTEGER,
    reactions TEXT,
    PRIMARY KEY (channel_id, message_id, at),
    FOREIGN KEY (channel_id, message_id) REFERENCES posts (channel_id, message_id)
);

-- Display facts of the conflicts, as last configured.
CREATE TABLE conflicts (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    severity TEXT NOT NULL
);

-- The alert outbox: one row per (post, conflict). A row is claimed with a random_id before it is sent,
-- so a send interrupted by a crash is repeated with the same random_id and Telegram drops the duplicate.
CREATE TABLE alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    channel_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    conflict TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'suppressed')),
    created_at TEXT NOT NULL,
    late_seconds REAL,                 -- set when the post was recovered late (reconciler, backfill)
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,              -- NULL: due now
    last_error TEXT,
    random_id INTEGER,
    claimed_at TEXT,
    sent_at TEXT,
    sent_chat_id INTEGER,
    sent_message_id INTEGER,
    digest INTEGER NOT NULL DEFAULT 0, -- 1: delivered inside a digest message
    needs_update INTEGER NOT NULL DEFAULT 0, -- changes (edit, deletion) not yet shown in the sent alert
    suppressed_reason TEXT,
    UNIQUE (channel_id, message_id, conflict),
    FOREIGN KEY (channel_id, message_id) REFERENCES posts (channel_id, message_id)
);
CREATE INDEX alerts_open ON alerts (status, next_attempt_at) WHERE status IN ('pending', 'sending');
CREATE INDEX alerts_needing_update ON alerts (id) WHERE needs_update > 0;

-- Per-channel ingest progress (backfill position, last reconcile ...), a JSON object.
CREATE TABLE sync_state (
    channel_id INTEGER PRIMARY KEY REFERENCES channels (id),
    state TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Conflicts muted from the analyst chat, until the given time.
CREATE TABLE mutes (
    conflict TEXT PRIMARY KEY,
    until TEXT NOT NULL
);

-- Small facts about the running daemon (e.g. heartbeat).
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

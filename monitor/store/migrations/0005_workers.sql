-- Several workers on one archive, each reading with its own Telegram account. Times are UTC ISO-8601
-- text with milliseconds (one fixed width, so text order is time order); the SQL stays plain so that
-- the same tables and statements serve PostgreSQL (docs/workers.md).

-- A worker as it last renewed: the account it reads with, until when its leases hold, what it spends.
CREATE TABLE workers (
    name TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    pid INTEGER NOT NULL,
    host TEXT NOT NULL DEFAULT '',
    started_at TEXT NOT NULL,
    renewed_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    stopped_at TEXT,
    state TEXT NOT NULL DEFAULT '{}'
);

-- One lease per channel: the one worker that reads it, until `expires_at` unless renewed. A free
-- channel has no worker; an expired lease may be claimed by any worker (a takeover, counted).
CREATE TABLE channel_leases (
    channel_id INTEGER PRIMARY KEY,
    worker TEXT,
    account TEXT,
    expires_at TEXT NOT NULL DEFAULT '',
    claimed_at TEXT,
    takeovers INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX channel_leases_by_worker ON channel_leases (worker);

-- What each account knows of each channel: its own access hash (hashes differ per account) and
-- whether it has joined. Leases go first to the account that joined and resolved a channel.
CREATE TABLE account_channels (
    account TEXT NOT NULL,
    channel_id INTEGER NOT NULL,
    access_hash INTEGER,
    joined INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (account, channel_id)
);

-- Leases of one job for the whole fleet, by name: 'sender' is the one worker that delivers alerts.
CREATE TABLE job_leases (
    name TEXT PRIMARY KEY,
    worker TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    claimed_at TEXT NOT NULL,
    takeovers INTEGER NOT NULL DEFAULT 0
);

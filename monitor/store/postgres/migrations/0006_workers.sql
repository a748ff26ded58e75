-- Several workers on one archive, each reading with its own Telegram account: the tables of the SQLite
-- archive's 0005_workers.sql, so that the same conditions (store/lease_terms.py) decide on both. Times are
-- UTC ISO-8601 text with milliseconds, compared byte by byte (COLLATE "C"): text order is time order.
-- (Number 5 of this directory is the deferred word-form index of bulk imports.)

-- A worker as it last renewed: the account it reads with, until when its leases hold, what it spends.
CREATE TABLE workers (
    name TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    pid INTEGER NOT NULL,
    host TEXT NOT NULL DEFAULT '',
    started_at TEXT COLLATE "C" NOT NULL,
    renewed_at TEXT COLLATE "C" NOT NULL,
    expires_at TEXT COLLATE "C" NOT NULL,
    stopped_at TEXT COLLATE "C",
    state TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX workers_by_account ON workers (account);

-- One lease per channel: the one worker that reads it, until `expires_at` unless renewed. A free
-- channel has no worker; an expired lease may be claimed by any worker (a takeover, counted). Claims
-- lock the rows they take and skip those another worker's claim holds (postgres/leases.py).
CREATE TABLE channel_leases (
    channel_id BIGINT PRIMARY KEY,
    worker TEXT,
    account TEXT,
    expires_at TEXT COLLATE "C" NOT NULL DEFAULT '',
    claimed_at TEXT COLLATE "C",
    takeovers INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX channel_leases_by_worker ON channel_leases (worker);

-- What each account knows of each channel: its own access hash (hashes differ per account) and
-- whether it has joined (0 or 1, as on SQLite). Leases go first to the account that joined and resolved.
CREATE TABLE account_channels (
    account TEXT NOT NULL,
    channel_id BIGINT NOT NULL,
    access_hash BIGINT,
    joined INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (account, channel_id)
);
CREATE INDEX account_channels_by_channel ON account_channels (channel_id);

-- Leases of one job for the whole fleet, by name: 'sender' is the one worker that delivers alerts.
CREATE TABLE job_leases (
    name TEXT PRIMARY KEY,
    worker TEXT NOT NULL,
    expires_at TEXT COLLATE "C" NOT NULL,
    claimed_at TEXT COLLATE "C" NOT NULL,
    takeovers INTEGER NOT NULL DEFAULT 0
);

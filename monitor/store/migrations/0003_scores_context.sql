-- Scores and the evidence behind them, the post a post answers, and what is learned of each channel.

-- Every conflict with any evidence in the post: [{"conflict", "score", "threshold", "evidence":
-- [{"kind", "text", "points", "detail"}]}]; a conflict is flagged when its score reaches its threshold.
-- NULL for posts analysed before scores existed.
ALTER TABLE posts ADD COLUMN scores TEXT;

-- The message id (same channel) a post replies to, so its context can come from the post it answers.
ALTER TABLE posts ADD COLUMN reply_to INTEGER;

-- Context learned per channel: per conflict, the share of its recent posts flagged ({"id": 0.8}), over
-- how many posts, and up to which message. Posts at or below `reset_after` (set by `monitor context
-- reset`) are not learned from. A missing or unreadable row is rebuilt from the posts.
CREATE TABLE channel_context (
    channel_id INTEGER PRIMARY KEY REFERENCES channels (id),
    priors TEXT NOT NULL,
    posts INTEGER NOT NULL,
    through_message_id INTEGER NOT NULL,
    reset_after INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
);

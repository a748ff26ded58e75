-- Scores and the evidence behind them, the post a post answers, and what is learned of each channel.

-- Every conflict with any evidence in the post: [{"conflict", "score", "threshold", "evidence":
-- [{"kind", "text", "points", "detail"}]}]; NULL for posts analysed before scores existed.
ALTER TABLE posts ADD COLUMN scores TEXT;

-- The message id (same channel) a post replies to, so its context can come from the post it answers.
ALTER TABLE posts ADD COLUMN reply_to BIGINT;

-- Context learned per channel: per conflict, the share of its recent posts flagged ({"id": 0.8}), over
-- how many posts, and up to which message. Posts at or below `reset_after` are not learned from.
CREATE TABLE channel_context (
    channel_id BIGINT PRIMARY KEY REFERENCES channels (id),
    priors TEXT NOT NULL,
    posts INTEGER NOT NULL,
    through_message_id BIGINT NOT NULL,
    reset_after BIGINT NOT NULL DEFAULT 0,
    updated_at TEXT COLLATE "C" NOT NULL
);

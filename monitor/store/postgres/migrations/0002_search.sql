-- Full-text search by word forms. PostgreSQL has a Russian configuration but no Ukrainian one, so the
-- archive indexes its own stems (monitor/store/stems.py: Russian, Ukrainian and English word forms) as a
-- tsvector of the 'simple' configuration, which takes each stem as it is. The writer fills `stems` with
-- to_tsvector('simple', <stems of the text>) whenever it writes a text: a post changed by hand keeps the
-- stems of its earlier text until the archive writes it again.
-- A column rather than an expression index, so ANALYZE keeps per-word statistics and the planner can
-- read a common word's newest matches along the date index instead of collecting them all.

ALTER TABLE posts ADD COLUMN stems tsvector NOT NULL DEFAULT ''::tsvector;
CREATE INDEX posts_stems ON posts USING gin (stems);
-- Statistics of ten times the usual number of stems: with the default, a word in one post of a thousand
-- was taken for four times as common, and its search walked 50,000 posts by date (355 ms at 1,000,000
-- posts) instead of reading its 1,000 matches from the index (39 ms).
ALTER TABLE posts ALTER COLUMN stems SET STATISTICS 1000;

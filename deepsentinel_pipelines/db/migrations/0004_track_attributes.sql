-- Per-track attributes from the optional attribute stage (e.g. age and gender estimates).
ALTER TABLE tracks ADD COLUMN attributes jsonb NOT NULL DEFAULT '{}'::jsonb;

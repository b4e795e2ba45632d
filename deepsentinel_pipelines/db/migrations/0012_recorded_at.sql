-- When each video was recorded, and events, tracks and occupancy at their clock time.
-- recorded_at is NULL when no source knew it (ingest/recorded_at.py lists the sources);
-- recorded_at_source names the source that did.
ALTER TABLE videos
    ADD COLUMN recorded_at timestamptz,
    ADD COLUMN recorded_at_source text;
CREATE INDEX videos_camera_recorded ON videos (camera, recorded_at);

-- New columns go at the end: CREATE OR REPLACE keeps the reader's grants on the old ones.
-- The clock columns are NULL while the video's time is unknown.
CREATE OR REPLACE VIEW qa.videos AS
    SELECT video_id, camera, duration_s, fps, width, height, people_count, summary, created_at,
           recorded_at
    FROM public.videos v
    WHERE v.current_analysis_id IS NOT NULL
       OR NOT EXISTS (SELECT 1 FROM public.analyses a WHERE a.video_id = v.video_id);

CREATE OR REPLACE VIEW qa.events AS
    SELECT e.event_id, e.video_id, e.event_type, e.start_s, e.end_s, e.track_id, e.zone,
           e.confidence, e.attributes, e.description, e.highlight_key, e.embedding, e.search_text,
           v.recorded_at + e.start_s * interval '1 second' AS started_at,
           v.recorded_at + e.end_s * interval '1 second' AS ended_at,
           v.camera
    FROM public.events e
    JOIN public.videos v ON v.video_id = e.video_id
    WHERE e.analysis_id IS NOT DISTINCT FROM v.current_analysis_id;

CREATE OR REPLACE VIEW qa.tracks AS
    SELECT t.video_id, t.track_id, t.class_name, t.first_s, t.last_s, t.n_frames, t.mean_score,
           v.recorded_at + t.first_s * interval '1 second' AS started_at,
           v.recorded_at + t.last_s * interval '1 second' AS ended_at
    FROM public.tracks t
    JOIN public.videos v ON v.video_id = t.video_id
    WHERE t.analysis_id IS NOT DISTINCT FROM v.current_analysis_id;

CREATE OR REPLACE VIEW qa.occupancy AS
    SELECT o.video_id, o.zone, o.second, o.people, o.mean_people,
           v.recorded_at + o.second * interval '1 second' AS at
    FROM public.occupancy o
    JOIN public.videos v ON v.video_id = o.video_id
    WHERE o.analysis_id IS NOT DISTINCT FROM v.current_analysis_id;

-- qa.events is granted column by column (0005); videos, tracks and occupancy as whole views,
-- which covers their new columns. Granted explicitly all the same, so the reader keeps them
-- should a later migration narrow those grants to columns.
GRANT SELECT (started_at, ended_at, camera) ON qa.events TO deepsentinel_reader;
GRANT SELECT (recorded_at) ON qa.videos TO deepsentinel_reader;
GRANT SELECT (started_at, ended_at) ON qa.tracks TO deepsentinel_reader;
GRANT SELECT (at) ON qa.occupancy TO deepsentinel_reader;

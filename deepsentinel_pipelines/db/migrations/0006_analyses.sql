-- Analyses: each run writes its rows under a new analysis id; a video shows one, its current.
-- Rows without an analysis id (written before this migration, or by hand) belong to a video
-- without a current analysis, so they stay visible until the video is analysed again.
CREATE TABLE analyses (
    analysis_id  bigserial PRIMARY KEY,
    video_id     text NOT NULL REFERENCES videos (video_id) ON DELETE CASCADE,
    run_key      text NOT NULL UNIQUE,  -- the root Dagster run id: a retried run continues it
    s3_etag      text NOT NULL,         -- the object version analysed
    video        jsonb NOT NULL DEFAULT '{}'::jsonb,  -- videos columns it publishes
    created_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz
);
CREATE INDEX analyses_video ON analyses (video_id);

ALTER TABLE videos
    ADD COLUMN current_analysis_id bigint REFERENCES analyses (analysis_id) ON DELETE SET NULL,
    ADD COLUMN s3_etag text;

ALTER TABLE detections
    ADD COLUMN analysis_id bigint REFERENCES analyses (analysis_id) ON DELETE CASCADE;
ALTER TABLE events
    ADD COLUMN analysis_id bigint REFERENCES analyses (analysis_id) ON DELETE CASCADE;
ALTER TABLE tracks
    ADD COLUMN analysis_id bigint REFERENCES analyses (analysis_id) ON DELETE CASCADE;
ALTER TABLE tracks DROP CONSTRAINT tracks_pkey;
CREATE UNIQUE INDEX tracks_analysis_track ON tracks (video_id, analysis_id, track_id)
    NULLS NOT DISTINCT;
CREATE INDEX detections_analysis_frame ON detections (analysis_id, frame_idx);
CREATE INDEX events_analysis ON events (analysis_id);

-- The question-answering views read only the current analysis of each video. CREATE OR REPLACE
-- keeps the views' grants (the reader role's column grants), as the columns do not change.
CREATE OR REPLACE VIEW qa.videos AS
    SELECT video_id, camera, duration_s, fps, width, height, people_count, summary, created_at
    FROM public.videos v
    WHERE v.current_analysis_id IS NOT NULL
       OR NOT EXISTS (SELECT 1 FROM public.analyses a WHERE a.video_id = v.video_id);

CREATE OR REPLACE VIEW qa.events AS
    SELECT e.event_id, e.video_id, e.event_type, e.start_s, e.end_s, e.track_id, e.zone,
           e.confidence, e.attributes, e.description, e.highlight_key, e.embedding, e.search_text
    FROM public.events e
    JOIN public.videos v ON v.video_id = e.video_id
    WHERE e.analysis_id IS NOT DISTINCT FROM v.current_analysis_id;

CREATE OR REPLACE VIEW qa.tracks AS
    SELECT t.video_id, t.track_id, t.class_name, t.first_s, t.last_s, t.n_frames, t.mean_score
    FROM public.tracks t
    JOIN public.videos v ON v.video_id = t.video_id
    WHERE t.analysis_id IS NOT DISTINCT FROM v.current_analysis_id;

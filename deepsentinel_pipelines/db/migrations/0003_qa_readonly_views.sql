-- Read-only views for the question-answering path and a role that can read only them.
CREATE SCHEMA qa;

CREATE VIEW qa.videos AS
    SELECT video_id, camera, duration_s, fps, width, height, people_count, summary, created_at
    FROM public.videos;

CREATE VIEW qa.events AS
    SELECT event_id, video_id, event_type, start_s, end_s, track_id, zone, confidence,
           attributes, description, highlight_key, embedding, search_text
    FROM public.events;

CREATE VIEW qa.tracks AS
    SELECT video_id, track_id, class_name, first_s, last_s, n_frames, mean_score
    FROM public.tracks;

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'deepsentinel_reader') THEN
        CREATE ROLE deepsentinel_reader NOLOGIN;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA qa TO deepsentinel_reader;
GRANT SELECT ON qa.videos, qa.events, qa.tracks TO deepsentinel_reader;

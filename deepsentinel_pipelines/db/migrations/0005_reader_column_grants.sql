-- The reader login may read the qa views' columns an answer cites, never the stored embedding
-- or the full-text vector (those are read by the application's own narrow, code-written search
-- statements). Column grants belong to the view: a migration that DROPs and re-creates a qa
-- view must repeat the grants below; CREATE OR REPLACE VIEW keeps them.
REVOKE ALL ON qa.events, qa.videos, qa.tracks FROM deepsentinel_reader;
GRANT SELECT (event_id, video_id, event_type, start_s, end_s, track_id, zone, confidence,
              attributes, description, highlight_key)
    ON qa.events TO deepsentinel_reader;
GRANT SELECT ON qa.videos, qa.tracks TO deepsentinel_reader;

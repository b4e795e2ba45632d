-- What the operator's review page lists (`deepsentinel review`, which reads as the reader):
-- every registered video, also before its first analysis is published (qa.videos leaves those
-- out), with its thumbnail and its current analysis's figures. The SQL guard does not list this
-- view, so question SQL cannot read it; thumbnails are presigned when a page asks for them.
CREATE VIEW qa.video_overview AS
    SELECT v.video_id, v.camera, v.duration_s, v.recorded_at, v.thumbnail_key, v.people_count,
           v.frames_analyzed, v.analysis_fps, v.summary, v.width, v.height, v.created_at,
           v.current_analysis_id IS NOT NULL AS published
    FROM public.videos v;

GRANT SELECT ON qa.video_overview TO deepsentinel_reader;

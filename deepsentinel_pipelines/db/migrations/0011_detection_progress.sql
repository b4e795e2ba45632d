-- Long videos are detected in chunks: each chunk's detections are committed with this row, so a
-- retried or re-launched step resumes after the last chunk instead of at frame 0. One row per
-- analysis; it goes with the analysis (a published analysis's row is kept as its record).
CREATE TABLE detection_progress (
    analysis_id     bigint PRIMARY KEY REFERENCES analyses (analysis_id) ON DELETE CASCADE,
    video_id        text NOT NULL,
    s3_etag         text NOT NULL,
    recipe          text NOT NULL,          -- model, device, rate, gating: what the rows depend on
    next_frame_idx  integer NOT NULL,       -- the first source frame not analysed yet
    frames_done     integer NOT NULL,       -- sampled frames analysed so far
    frames_detected integer NOT NULL,       -- of those, frames the model ran on
    frames_skipped  integer NOT NULL,       -- of those, frames the motion gate skipped
    chunks          integer NOT NULL,
    tracker_state   bytea NOT NULL,         -- ByteTrack and motion gate after the last frame
    finished        boolean NOT NULL DEFAULT false,
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX detection_progress_video ON detection_progress (video_id, s3_etag);

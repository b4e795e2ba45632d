"""The pure video core (no Dagster): decoding, detection and tracking, events, clips, drawing."""

"""Text (no Dagster): secrets redacted, outside text escaped per surface, video times written."""

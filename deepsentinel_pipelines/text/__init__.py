"""Text that crosses a boundary (no Dagster): secrets redacted, outside text escaped per surface."""

"""SQL on the application tables (no Dagster): the migrations and one module per group of rows."""

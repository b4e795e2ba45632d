"""Question answering over the stored events (no Dagster): parse, plan, run, compose.

The ports the pipeline needs (embedder, language model, reranker) are in ``ports``; one module
per question kind under ``kinds/``.
"""

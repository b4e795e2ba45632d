"""Ops and op jobs that are not asset materializations (question answering)."""

from deepsentinel_pipelines.ops.rag_query import rag_query, rag_query_job

__all__ = ["rag_query", "rag_query_job"]

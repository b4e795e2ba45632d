"""Ops of the op jobs in jobs.py: question answering and retention."""

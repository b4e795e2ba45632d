"""Keeping the stored data in shape: retention of old objects, incidents of failed runs."""

"""The operator's review and ask pages (`deepsentinel review`): videos, timelines, answers."""

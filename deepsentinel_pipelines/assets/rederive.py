"""Automation that re-derives a video's events and what follows after a camera rules edit.

``events``, ``occupancy`` and the assets below carry the rules' code version (code_versions.py).
When an operator edits the camera rules file, ``events`` and ``occupancy`` (zones) are derived
again from the stored detections for every video that has them, and highlights, clips, alerts,
embeddings and the summary follow in the same run; ``detections`` (the GPU step) has no
condition and is never re-run by it.
"""

from dagster import AssetSelection, AutomationCondition

#: The attribute stage is never materialized while it is off (no model): it holds nothing up.
_OPTIONAL = AssetSelection.assets("person_attributes")

_READY = (
    ~AutomationCondition.any_deps_missing().ignore(_OPTIONAL)
    & ~AutomationCondition.any_deps_in_progress()
    & ~AutomationCondition.in_progress()
)

#: On ``events`` and ``occupancy``: the rules changed since this video's events were derived.
RULES_CHANGED = (
    AutomationCondition.code_version_changed().since_last_handled()
    & ~AutomationCondition.missing()
    & _READY
).with_label("camera rules changed")

#: Below ``events``: an input was re-derived (or is being requested this tick).
INPUTS_REDERIVED = (
    AutomationCondition.any_deps_updated().since_last_handled() & _READY
).with_label("inputs re-derived")

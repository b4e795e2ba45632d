"""Questions the footage cannot answer: colours, faces, age and gender, vehicles, sound, plates."""

from __future__ import annotations

import re

from deepsentinel_pipelines.rag.plan import Operation, QueryPlan
from deepsentinel_pipelines.rag.question import ParsedQuestion

NAME = "cannot_tell"
EXAMPLES = (
    "what colour was the jacket of the man who fell?",
    "can you see the face of person 3?",
    "how old was the woman at the entrance?",
    "how many cars drove past?",
    "did anyone shout?",
    "what was the licence plate of the van?",
    "was the person carrying a bag?",
    "what was the guy wearing?",
    "how tall was the person?",
    "did anyone drive through?",
)

#: (pattern, what cannot be told) in the order they are tried.
_UNMEASURED: tuple[tuple[str, str], ...] = (
    (r"\b(?:licen[cs]e|number|registration)\s+plates?\b|\bplates?\b|\bregistration\b",
     "licence plates"),
    (r"\b(?:cars?|vehicles?|trucks?|vans?|lorr(?:y|ies)|bus(?:es)?|taxis?|bikes?|bicycles?"
     r"|cyclists?|motor\w*|scooters?|parked|drove|driving|drivers?)\b"
     r"|(?<!foot )\btraffic\b(?!\s+of\s+people)", "vehicles (only people are tracked)"),
    (r"\b(?:colou?rs?|red|blue|green|yellow|black|white|gr[ae]y|orange|purple|pink|brown"
     r"|wearing|wore|dressed|clothes|clothing|jackets?|shirts?|t-shirts?|coats?|hats?|caps?"
     r"|hoodies?|trousers|jeans|dress|skirts?|shoes|uniforms?|outfits?)\b",
     "colours or clothing"),
    (r"\b(?:his|her|their|the|a|any|your|its)\s+faces?\b(?!\s+(?:the\s+)?(?:camera|away|left|right))"
     r"|\bfaces\b(?!\s+(?:the\s+)?(?:camera|away|left|right))|\bfacial\b|\brecogni[sz]\w*\b"
     r"|\bidentif\w*\b|\bidentity\b|\bwho\s+(?:is|was)\s+(?:he|she|that|it|this|person|track)\b"
     r"|\bnames?\s+of\b|\bwhat(?:\s+is|\s+was|'s|s)\s+(?:his|her|their|its)\s+name\b"
     r"|\b(?:his|her|their)\s+names?\b", "faces or identities"),
    (r"\bhow\s+old\b|\bages?\b|\baged\b|\belderly\b|\bteen\w*\b|\bchild(?:ren)?\b|\bkids?\b"
     r"|\bboys?\b|\bgirls?\b|\badults?\b|\bgender\b|\bmales?\b|\bfemales?\b"
     r"|\b(?:how\s+many|were\s+there\s+(?:any\s+)?|any)\s*(?:men|women|ladies)\b"
     r"|\bman\s+or\s+(?:a\s+)?woman\b|\bwoman\s+or\s+(?:a\s+)?man\b",
     "age or gender (the attributes stage is off)"),
    (r"\bsounds?\b|\bnois\w*\b|\bhear\w*\b|\bloud\w*\b|\bshout\w*\b|\bscream\w*\b|\byell\w*\b"
     r"|\btalk\w*\b|\bspeak\w*\b|\bspoke\b|\bsaid\b|\bvoices?\b|\bmusic\b|\balarms?\b"
     r"|\bbangs?\b|\baudio\b", "sound (the footage has no audio analysis)"),
    (r"\bbags?\b|\bbackpacks?\b|\bluggage\b|\bsuitcases?\b|\bphones?\b|\bumbrellas?\b"
     r"|\bdogs?\b|\banimals?\b|\bpets?\b|\bweapons?\b|\bguns?\b|\bknif\w*\b|\bcarry\w*\b"
     r"|\bcarried\b|\bholding\b|\bsmok\w*\b|\bdrinking\b|\beating\b|\bpackages?\b|\bparcels?\b",
     "objects people carry or hold"),
    (r"\bweather\b|\brain\w*\b|\bsunny\b|\bsnow\w*\b|\btemperature\b", "the weather"),
    (r"\bhappy\b|\bangry\b|\bsad\b|\bmoods?\b|\bemotions?\b|\bupset\b|\bsmil\w*\b",
     "moods or expressions"),
    (r"\btall\b|\bheight\b|\bshort\s+(?:man|woman|person)\b|\bweight\b|\bfat\b|\bthin\b",
     "people's height or build"),
)  # fmt: skip


def plan(q: ParsedQuestion, forced: bool = False) -> QueryPlan | None:
    """A cannot-tell plan when the question asks for something the footage does not record."""
    for pattern, what in _UNMEASURED:
        if re.search(pattern, q.norm):
            return QueryPlan(NAME, Operation.CANNOT_TELL, cannot_tell=what, words=(what,))
    if forced:
        return QueryPlan(NAME, Operation.CANNOT_TELL, cannot_tell="that")
    return None

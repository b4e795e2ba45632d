"""The fallback: a question no pattern knows goes to the kind of its nearest example (MiniLM)."""

from deepsentinel_pipelines.rag.kinds import KINDS
from deepsentinel_pipelines.rag.nearest_kind import MIN_SIMILARITY, nearest_kind


def test_unknown_wording_finds_its_kind_and_nonsense_finds_none(embedder) -> None:
    def kind_of(question: str) -> str | None:
        found = nearest_kind(embedder.embed([question])[0], embedder, KINDS)
        return None if found is None else found[0].NAME

    # none of these words is a pattern of any kind
    assert kind_of("tell me the story of the recording") == "summary"
    assert kind_of("i need the lowdown on todays footage") == "summary"
    assert kind_of("did anything kick off at the door") == "existence"
    assert kind_of("the quarterly tax return of the company") is None
    assert 0 < MIN_SIMILARITY < 1


def test_every_kind_has_examples_that_its_own_patterns_plan() -> None:
    from deepsentinel_pipelines.rag.question import parse_question

    for kind in KINDS:
        assert kind.EXAMPLES, kind.NAME
        forced = [kind.plan(parse_question(q), forced=True) for q in kind.EXAMPLES]
        assert all(plan is not None and plan.kind == kind.NAME for plan in forced), kind.NAME

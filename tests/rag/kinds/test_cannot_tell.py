import pytest

from deepsentinel_pipelines.rag.kinds import cannot_tell
from deepsentinel_pipelines.rag.plan import Operation
from tests.rag.kinds.helpers import parsed, plan_of


@pytest.mark.parametrize(
    ("question", "what"),
    [
        ("what colour was the jacket of person 23?", "colours or clothing"),
        ("was the man in red the one who fell?", "colours or clothing"),
        ("can you see his face?", "faces or identities"),
        ("who is person 25?", "faces or identities"),
        ("how old was the woman at the entrance?", "age or gender"),
        ("how many women walked by?", "age or gender"),
        ("were there kids on the walkway?", "age or gender"),
        ("how many cars went past?", "vehicles"),
        ("did a cyclist go through?", "vehicles"),
        ("did anyone shout?", "sound"),
        ("what's the number plate of the van?", "licence plates"),
        ("was anyone carrying a bag?", "objects"),
        ("was it raining?", "the weather"),
    ],
)
def test_what_the_footage_does_not_record_is_not_counted(question: str, what: str) -> None:
    plan = plan_of(question)
    assert plan is not None and plan.operation is Operation.CANNOT_TELL
    assert plan.cannot_tell.startswith(what)


@pytest.mark.parametrize(
    "question",
    [
        "how many people faced the camera?",  # orientation is recorded
        "which direction did people face on the walkway?",
        "how much foot traffic was there?",
        "how many people walked in?",
    ],
)
def test_recorded_things_are_not_refused(question: str) -> None:
    assert cannot_tell.plan(parsed(question)) is None

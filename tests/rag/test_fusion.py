import pytest

from deepsentinel_pipelines.rag.fusion import reciprocal_rank_fusion


def test_scores_follow_the_formula() -> None:
    fused = dict(reciprocal_rank_fusion([[1, 2, 3], [3, 1]], k=60))
    assert fused[1] == pytest.approx(1 / 61 + 1 / 62)
    assert fused[2] == pytest.approx(1 / 62)
    assert fused[3] == pytest.approx(1 / 63 + 1 / 61)


def test_best_first() -> None:
    fused = reciprocal_rank_fusion([[1, 2, 3], [3, 1], [1]])
    assert [item for item, _ in fused] == [1, 3, 2]
    scores = [score for _, score in fused]
    assert scores == sorted(scores, reverse=True)


def test_ties_keep_first_seen_order() -> None:
    assert [i for i, _ in reciprocal_rank_fusion([[1, 2], [2, 1]])] == [1, 2]
    assert [i for i, _ in reciprocal_rank_fusion([[2, 1], [1, 2]])] == [2, 1]
    assert [i for i, _ in reciprocal_rank_fusion([[5], [6], [7]])] == [5, 6, 7]


def test_tie_is_exact_whatever_the_summation_order() -> None:
    fused = dict(reciprocal_rank_fusion([[1, 2, 3], [2, 3, 1], [3, 1, 2]], k=1))
    assert fused[1] == fused[2] == fused[3]


def test_duplicates_within_a_ranking_count_once() -> None:
    fused = dict(reciprocal_rank_fusion([[1, 1, 2]]))
    assert fused[1] == pytest.approx(1 / 61)
    assert fused[2] == pytest.approx(1 / 63)


@pytest.mark.parametrize("rankings", [[], [[]], [[], []]])
def test_empty(rankings: list[list[int]]) -> None:
    assert reciprocal_rank_fusion(rankings) == []


def test_k_zero_and_negative() -> None:
    assert reciprocal_rank_fusion([[4]], k=0) == [(4, 1.0)]
    with pytest.raises(ValueError):
        reciprocal_rank_fusion([[1]], k=-1)


def test_deterministic_and_inputs_untouched() -> None:
    rankings = [[3, 1, 2], [2, 3], (9, 1)]
    first = reciprocal_rank_fusion(rankings)
    assert reciprocal_rank_fusion(rankings) == first
    assert rankings == [[3, 1, 2], [2, 3], (9, 1)]

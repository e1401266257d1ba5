import pytest

from alerts.correlation.domain.bcubed import bcubed

TRUTH = {1: 1, 2: 1, 3: 1, 4: 2, 5: 2, 6: 3}


@pytest.mark.parametrize(
    ("predicted", "precision", "recall"),
    [
        (TRUTH, 1.0, 1.0),
        ({1: 9, 2: 9, 3: 9, 4: 8, 5: 8, 6: 7}, 1.0, 1.0),  # cluster names do not matter
        ({item: 0 for item in TRUTH}, (9 + 4 + 1) / 36, 1.0),  # everything merged
        ({item: item for item in TRUTH}, 1.0, (3 * 1 / 3 + 2 * 1 / 2 + 1) / 6),  # all split
        # Two attacks merged: items 1-5 together, 6 alone.
        ({1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 3}, (3 * 3 / 5 + 2 * 2 / 5 + 1) / 6, 1.0),
        # One stray report: 3 joined the second attack.
        ({1: 1, 2: 1, 3: 2, 4: 2, 5: 2, 6: 3}, (1 + 1 + 1 / 3 + 2 / 3 + 2 / 3 + 1) / 6,
         (2 / 3 + 2 / 3 + 1 / 3 + 1 + 1 + 1) / 6),
    ],
)  # fmt: skip
def test_bcubed(predicted: dict[int, int], precision: float, recall: float) -> None:
    p, r, f1 = bcubed(predicted, TRUTH)
    assert (p, r) == (pytest.approx(precision), pytest.approx(recall))
    assert f1 == pytest.approx(2 * precision * recall / (precision + recall))


def test_only_items_in_both_count() -> None:
    assert bcubed({1: 1, 2: 1, 99: 5}, {1: 1, 2: 1, 3: 2}) == (1.0, 1.0, 1.0)
    assert bcubed({}, TRUTH) == (0.0, 0.0, 0.0)

"""B-cubed precision and recall of a clustering against the truth.

Per item, not per cluster: precision is the share of an item's predicted
cluster that truly belongs with it, recall the share of its true cluster
that was predicted with it, each averaged over items. A merged pair of
attacks costs precision for every report in it; a split attack costs
recall; one stray report costs about one report's worth.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping


def bcubed(predicted: Mapping[int, int], truth: Mapping[int, int]) -> tuple[float, float, float]:
    """(precision, recall, F1) over the items both mappings hold (item -> cluster).

    Linear in the number of items: counts of (predicted, true) pairs, not pairs of items.
    """
    items = [item for item in truth if item in predicted]
    if not items:
        return 0.0, 0.0, 0.0
    both = Counter((predicted[item], truth[item]) for item in items)
    by_predicted = Counter(predicted[item] for item in items)
    by_truth = Counter(truth[item] for item in items)
    precision = recall = 0.0
    for (cluster, true_cluster), shared in both.items():
        # Each of the `shared` items sees `shared` correct companions.
        precision += shared * shared / by_predicted[cluster]
        recall += shared * shared / by_truth[true_cluster]
    precision /= len(items)
    recall /= len(items)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1

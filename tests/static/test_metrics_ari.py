"""Adjusted Rand index against contingency tables worked out by hand."""

from __future__ import annotations

import pytest

from analyzer.static.metrics import adjusted_rand_index


def labels(*values: str) -> dict[str, str]:
    """Item i -> values[i]."""
    return {f"f{i}": v for i, v in enumerate(values)}


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        # cells (0,0)=2 (1,1)=1 (1,2)=1: index 1; rows 1+1 = 2; cols 1+0+0 = 1; C(4,2) = 6
        # expected 2*1/6 = 1/3; max 3/2 -> (1 - 1/3) / (3/2 - 1/3) = 4/7
        (labels("0", "0", "1", "1"), labels("0", "0", "1", "2"), 4 / 7),
        # every cell holds one item: index 0; rows 2, cols 2; expected 4/6; max 2 -> (-2/3) / (4/3) = -1/2
        (labels("0", "0", "1", "1"), labels("0", "1", "0", "1"), -0.5),
        # one cluster against singletons: index 0; rows 6, cols 0; expected 0; max 3 -> 0
        (labels("0", "0", "0", "0"), labels("0", "1", "2", "3"), 0.0),
        # cells (A,x)=2 (A,y)=1 (B,y)=1 (B,z)=2: index 2; rows 3+3 = 6; cols 1+1+1 = 3; C(6,2) = 15
        # expected 6*3/15 = 6/5; max 9/2 -> (2 - 6/5) / (9/2 - 6/5) = 8/33
        (labels("A", "A", "A", "B", "B", "B"), labels("x", "x", "y", "y", "z", "z"), 8 / 33),
        # one item moved: cells (A,p)=3 (A,q)=1 (B,q)=3 (C,r)=2 -> index 3+0+3+1 = 7
        # rows C(4,2)+C(3,2)+C(2,2) = 6+3+1 = 10; cols C(3,2)+C(4,2)+C(2,2) = 3+6+1 = 10; C(9,2) = 36
        # expected 100/36 = 25/9; max 10 -> (7 - 25/9) / (10 - 25/9) = (38/9) / (65/9) = 38/65
        (
            labels("A", "A", "A", "A", "B", "B", "B", "C", "C"),
            labels("p", "p", "p", "q", "q", "q", "q", "r", "r"),
            38 / 65,
        ),
    ],
)
def test_ari_by_hand(a, b, expected):
    assert adjusted_rand_index(a, b) == pytest.approx(expected, abs=1e-12)
    assert adjusted_rand_index(b, a) == pytest.approx(expected, abs=1e-12)


def test_identical_groupings_score_one_whatever_the_label_names():
    a = labels("catalog", "catalog", "billing", "shared", "shared")
    b = labels("x", "x", "y", "z", "z")
    assert adjusted_rand_index(a, b) == 1.0


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (labels("a", "b", "c"), labels("x", "y", "z")),  # both all singletons
        (labels("a", "a", "a"), labels("x", "x", "x")),  # both one cluster
        (labels("a"), labels("x")),  # a single item
        ({}, {}),  # nothing to compare
    ],
)
def test_degenerate_identical_partitions_score_one(a, b):
    assert adjusted_rand_index(a, b) == 1.0


def test_different_items_are_rejected():
    with pytest.raises(ValueError, match="different items"):
        adjusted_rand_index({"a": "1", "b": "1"}, {"a": "1", "c": "1"})

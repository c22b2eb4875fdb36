"""Erlang C against the textbook formula in exact arithmetic, and the staffing search."""

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exdesk.routing import staffing
from exdesk.routing.staffing import agents_needed, erlang_c, measure


def exact_erlang_c(agents: int, traffic: Fraction) -> Fraction:
    """C(N, A) = (A^N/N! · N/(N−A)) / (Σ_{k<N} A^k/k! + A^N/N! · N/(N−A))."""
    top = traffic**agents / math.factorial(agents) * Fraction(agents) / (agents - traffic)
    bottom = sum(traffic**k / math.factorial(k) for k in range(agents)) + top
    return top / bottom


@given(
    agents=st.integers(1, 60),
    load=st.fractions(min_value=Fraction(1, 100), max_value=Fraction(99, 100), max_denominator=100),
)
def test_erlang_c_agrees_with_the_exact_formula(agents, load):
    traffic = load * agents
    assert erlang_c(agents, float(traffic)) == pytest.approx(
        float(exact_erlang_c(agents, traffic)), rel=1e-9
    )


def test_a_published_example():
    # 10 Erlangs: 11 agents → 68.2 % wait, 12 → 44.9 %, 13 → 28.5 %.
    assert [round(erlang_c(n, 10.0), 4) for n in (11, 12, 13)] == [0.6821, 0.4494, 0.2853]
    # 200 contacts an hour, 3 minutes each, 80 % answered within 20 s: 14 agents.
    plan = agents_needed(200, 180, 20, 0.8)
    assert plan.agents == 14
    assert plan.service_level == pytest.approx(0.888, abs=0.001)
    assert plan.occupancy == pytest.approx(10 / 14)
    assert measure(13, 200, 180, 20).service_level < 0.8  # one fewer is not enough


def test_an_overloaded_queue_never_meets_its_target():
    overloaded = measure(10, 200, 180, 20)  # exactly 10 Erlangs on 10 agents
    assert overloaded.probability_of_waiting == 1.0 and overloaded.service_level == 0.0
    assert math.isinf(overloaded.average_wait_seconds)


def test_occupancy_can_cap_the_plan():
    assert agents_needed(200, 180, 20, 0.8, max_occupancy=0.65).agents == 16


@pytest.mark.parametrize(
    "args",
    [(-1, 180, 20, 0.8), (200, 0, 20, 0.8), (200, 180, -5, 0.8), (200, 180, 20, 1.0)],
)
def test_nonsense_is_refused(args):
    with pytest.raises(ValueError):
        agents_needed(*args)


def test_expected_wait_from_the_desk_as_it_is():
    # Nobody online: no estimate.
    assert staffing.expected_wait(1, [], 300) is None
    # Two agents, three places each, four chats held: two free places.
    desk = [(3, 3), (1, 3)]
    assert staffing.expected_wait(2, desk, 300) == 0
    # Third in line: one chat must end first, and six places end one every 50 s.
    assert staffing.expected_wait(3, desk, 300) == 50
    assert staffing.expected_wait(8, desk, 300) == 300

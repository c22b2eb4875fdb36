"""Each routing rule on its own, on plain values."""

from exdesk.routing.engine import Agent, Work, choose, dispatch, eligible, queue_order, release


def work(**fields) -> Work:
    return Work(**{"id": 1, "is_chat": True, "created": 0.0, **fields})


def test_the_team_must_take_the_conversation():
    assert eligible(Agent(1, teams=frozenset({7})), work(team=7))
    assert not eligible(Agent(1, teams=frozenset({8})), work(team=7))
    assert eligible(Agent(1), work(team=None))


def test_the_agent_must_speak_the_language():
    assert eligible(Agent(1, languages=frozenset({"zh-hans"})), work(language="zh-hans"))
    assert not eligible(Agent(1, languages=frozenset({"en"})), work(language="zh-hans"))
    assert eligible(Agent(1), work(language="zh-hans"))  # no languages listed: any


def test_the_agent_must_hold_the_skill():
    assert eligible(Agent(1, skills=frozenset({"deposits"})), work(skill="deposits"))
    assert not eligible(Agent(1, skills=frozenset({"kyc"})), work(skill="deposits"))
    assert eligible(Agent(1), work(skill=""))


def test_capacity_counts_chats_and_tickets_apart():
    full_of_chats = Agent(1, chats=3, max_chats=3, tickets=0)
    assert not eligible(full_of_chats, work(is_chat=True))
    assert eligible(full_of_chats, work(is_chat=False))
    assert not eligible(Agent(1, tickets=20, max_tickets=20), work(is_chat=False))


def test_a_pin_names_the_only_agent():
    pinned = work(pinned_agent=2, skill="deposits", team=9)
    assert eligible(Agent(2), pinned)  # the pin overrides team and skill
    assert not eligible(Agent(1, skills=frozenset({"deposits"}), teams=frozenset({9})), pinned)
    assert not eligible(Agent(2, chats=3), pinned)  # but not capacity


def test_the_least_loaded_then_the_longest_idle_takes_it():
    busy, free_recent, free_long = (
        Agent(1, chats=2, idle_since=0),
        Agent(2, chats=0, idle_since=50),
        Agent(3, chats=0, idle_since=10),
    )
    assert choose(work(), [busy, free_recent, free_long]) is free_long
    # Load is a share of capacity: 1 of 5 chats is less loaded than 1 of 2.
    roomy, small = Agent(4, chats=1, max_chats=5), Agent(5, chats=1, max_chats=2)
    assert choose(work(), [small, roomy]) is roomy
    assert choose(work(team=3), [busy]) is None


def test_the_queue_puts_priority_then_vip_then_deadline_then_age_first():
    items = [
        work(id=1, priority="p2", created=1),
        work(id=2, priority="p2", created=0),
        work(id=3, priority="p2", created=5, due=100),
        work(id=4, priority="p2", created=9, vip_tier=3),
        work(id=5, priority="p0", created=99),
    ]
    assert [w.id for w in sorted(items, key=queue_order)] == [5, 4, 3, 2, 1]


def test_dispatch_fills_capacity_in_queue_order_without_head_of_line_blocking():
    agent = Agent(1, languages=frozenset({"en"}), max_chats=2)
    waiting = [
        work(id=1, priority="p0", language="zh-hans"),  # nobody may take it
        work(id=2, priority="p2", language="en", created=2),
        work(id=3, priority="p1", language="en", created=3),
        work(id=4, priority="p2", language="en", created=1),
    ]
    handed = dispatch(waiting, [agent], now=10)
    assert [w.id for w, _ in handed] == [3, 4]
    assert agent.chats == 2 and agent.idle_since == 10
    release(agent, True, now=20)
    release(agent, True, now=30)
    assert agent.chats == 0 and agent.idle_since == 30


def test_a_p0_may_go_one_over_capacity_and_no_further():
    full = Agent(1, chats=3, max_chats=3)
    assert eligible(full, work(priority="p0"))
    assert not eligible(full, work(priority="p1"))
    assert not eligible(Agent(1, chats=4, max_chats=3), work(priority="p0"))
    handed = dispatch([work(id=1, priority="p1"), work(id=2, priority="p0")], [full], now=0)
    assert [w.id for w, _ in handed] == [2] and full.chats == 4


def test_a_compliance_case_goes_only_to_compliance_officers():
    case = work(restricted=True)
    assert not eligible(Agent(1), case)
    assert eligible(Agent(2, sees_restricted=True), case)
    # Not even a supervisor's pin gives it to someone else.
    assert not eligible(Agent(1), work(restricted=True, pinned_agent=1))


def test_a_rerouted_conversation_goes_to_the_agent_who_let_it_wait_only_as_a_last_resort():
    rerouted = work(avoid_agent=1)
    idle_longest = Agent(1, idle_since=0.0)
    other = Agent(2, idle_since=100.0)
    assert choose(rerouted, [idle_longest, other]) is other
    assert choose(rerouted, [idle_longest]) is idle_longest

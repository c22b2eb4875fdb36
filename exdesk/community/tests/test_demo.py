from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.community.demo import TOPICS, seed_demo_forum
from exdesk.community.models import Post, Topic


def test_the_demo_forum_loads_once_in_both_languages(db):
    supervisor = testing.staff("sup", Role.SUPERVISOR)
    assert seed_demo_forum(supervisor) == len(TOPICS)
    assert seed_demo_forum(supervisor) == 0
    assert set(Topic.objects.values_list("language", flat=True)) == {"en", "zh-hans"}
    officials = Topic.objects.exclude(official_post=None)
    assert officials.count() == sum(1 for row in TOPICS if row[6] is not None)
    assert Post.objects.filter(staff_author=supervisor).exists()

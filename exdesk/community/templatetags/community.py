from django import template

register = template.Library()


@register.filter
def vote_of(votes: dict, post_id: int) -> int:
    """The reader's vote on a post (0: none)."""
    return votes.get(post_id, 0)

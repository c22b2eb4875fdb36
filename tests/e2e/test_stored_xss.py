"""Every text field of the ticket form, the console and the API stores hostile text; every
page that shows it renders it inert. CSP is bypassed here so escaping alone is tested."""

import json
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.conversations.models import Conversation

from .conftest import sign_in_with_session
from .pages import TicketForm
from .xss_payloads import INJECTED_SELECTOR, PAYLOADS

pytestmark = pytest.mark.browser


def assert_inert(page, where):
    injected = page.evaluate(f"document.querySelectorAll({json.dumps(INJECTED_SELECTOR)}).length")
    fired = page.evaluate("window.__xss !== undefined")
    assert injected == 0, f"payload markup in the DOM at {where}"
    assert not fired, f"payload script ran at {where}"
    assert page.watch.dialogs == [], f"dialog opened at {where}: {page.watch.dialogs}"


def submit_everywhere():
    """Store each payload through the form, the console and the API (real HTTP handlers)."""
    category = testing.category("deposit", "general")
    agent = testing.staff("alice", role=Role.ADMIN)
    web, console = Client(), testing.signed_in(agent)
    api, headers = testing.api_client(agent)
    for n, payload in enumerate(PAYLOADS):
        response = web.post(
            reverse("portal:new"),
            {
                "category": category.pk,
                "subject": payload[:200],
                "description": payload,
                "email": f"c{n}@example.com",
                "language": "en",
            },
        )
        assert response.status_code == 302
        conversation = Conversation.objects.latest("id")
        web.post(reverse("portal:track", args=[conversation.tracking_token]), {"body": payload})
        console.post(reverse("conversations:reply", args=[conversation.pk]), {"body": payload})
        console.post(reverse("conversations:note", args=[conversation.pk]), {"body": payload})
        console.post(reverse("conversations:tags", args=[conversation.pk]), {"tags": payload})
        console.post(
            reverse("conversations:bulk"),
            {"ids": [conversation.pk], "action": "add_tag", "value": payload},
        )
        created = api.post(
            "/api/v1/conversations",
            json.dumps(
                {
                    "subject": payload[:200],
                    "body": payload,
                    "customer": {
                        "uid": f"x{n}",
                        "name": payload[:120],
                        "email": f"a{n}@example.com",
                    },
                    "fields": {
                        "coin": payload[:20],
                        "network": payload[:30],
                        "txid": payload[:128],
                        "address": payload[:128],
                    },
                }
            ),
            content_type="application/json",
            **headers,
        )
        assert created.status_code == 201, created.content
        api.post(
            f"/api/v1/conversations/{created.json()['id']}/messages",
            json.dumps({"body": payload, "kind": "note"}),
            content_type="application/json",
            **headers,
        )
    return agent


def test_stored_payloads_render_inert_everywhere(new_page, live_server):
    assert len(PAYLOADS) >= 30
    agent = submit_everywhere()
    conversations = list(Conversation.objects.select_related("customer"))
    assert len(conversations) == 2 * len(PAYLOADS)

    staff_page = new_page(bypass_csp=True)
    sign_in_with_session(staff_page, agent, live_server.url)
    pages = len(conversations) // 25 + 1
    for number in range(1, pages + 1):
        staff_page.goto(f"/console/?view=all&page={number}")
        assert_inert(staff_page, f"inbox page {number}")
    for conversation in conversations:
        staff_page.goto(f"/console/c/{conversation.pk}/")
        assert conversation.subject[:20] in staff_page.inner_text("h1")
        assert_inert(staff_page, f"conversation {conversation.pk}")
        staff_page.goto(f"/console/customers/{conversation.customer.pk}/")
        assert_inert(staff_page, f"customer {conversation.customer.pk}")

    customer_page = new_page(bypass_csp=True)
    for conversation in conversations:
        customer_page.goto(f"/support/t/{conversation.tracking_token}/")
        assert_inert(customer_page, f"tracking page of {conversation.pk}")

    # Reflected: search and filter values are echoed back into the console's forms.
    for payload in PAYLOADS:
        query = urlencode({"view": "all", "q": payload, "tag": payload[:40]})
        staff_page.goto(f"/console/?{query}")
        assert_inert(staff_page, f"inbox searched for {payload!r}")
        query = urlencode({"actor": payload[:150], "customer": payload[:64]})
        staff_page.goto(f"/console/audit/?{query}")
        assert_inert(staff_page, f"audit log filtered by {payload!r}")


def test_payloads_echoed_in_a_rejected_form_render_inert(new_page):
    testing.category("deposit", "general")
    page = new_page(bypass_csp=True)
    form = TicketForm(page)
    for payload in PAYLOADS:
        form.open()
        form.submit(subject=payload[:200], description=payload, email=payload[:254])
        assert "/support/new/" in page.url  # refused: the e-mail is not an address
        assert_inert(page, f"rejected form with {payload!r}")


def test_article_titles_summaries_and_bodies_render_inert(new_page, live_server):
    """The corpus as help-center articles written through the console (title, summary,
    body), reviewed and published, then shown publicly, in search and in the console."""
    from exdesk.helpcenter.models import Article, Category, GlossaryTerm, Section

    category = Category.objects.create(slug="c", name_en="C", name_zh_hans="C")
    section = Section.objects.create(category=category, slug="s", name_en="S", name_zh_hans="S")
    GlossaryTerm.objects.create(
        key="xss", term_en="alert", term_zh_hans="警告", definition_en=PAYLOADS[1],
        definition_zh_hans=PAYLOADS[1],
    )  # fmt: skip
    author = testing.signed_in(testing.staff("writer"))
    reviewer = testing.signed_in(testing.staff("rev", role=Role.SUPERVISOR))
    for n, payload in enumerate(PAYLOADS):
        response = author.post(
            reverse("helpcenter_console:new"),
            {
                "section": section.pk,
                "language": "en",
                "slug": f"a{n}",
                "visibility": "public",
                "title": f"alert {payload}"[:200],
                "description": payload[:300],
                "body": f"## {payload}\n\n{payload}\n\nalert deposit {payload}",
            },
        )
        assert response.status_code == 302, response.content
        article = Article.objects.get(slug=f"a{n}")
        author.post(reverse("helpcenter_console:action", args=[article.pk, "submit"]))
        reviewer.post(reverse("helpcenter_console:action", args=[article.pk, "approve"]))
    assert Article.objects.filter(live_version__isnull=False).count() == len(PAYLOADS)

    page = new_page(bypass_csp=True, java_script_enabled=True)
    for n in range(len(PAYLOADS)):
        page.goto(f"/help/en/articles/a{n}/")
        assert_inert(page, f"article a{n}")
    page.goto("/help/en/sections/s/")
    assert_inert(page, "section page")
    page.goto("/help/en/glossary/")
    assert_inert(page, "glossary")
    for payload in PAYLOADS:
        page.goto("/help/en/search/?" + urlencode({"q": f"alert deposit {payload}"}))
        assert_inert(page, f"search for {payload!r}")

    staff_page = new_page(bypass_csp=True)
    sign_in_with_session(staff_page, testing.staff("sup", role=Role.ADMIN), live_server.url)
    staff_page.goto("/console/kb/")
    assert_inert(staff_page, "knowledge-base list")
    for article in Article.objects.all()[:10]:
        for path in ("", "edit/", "diff/", "translate/"):
            staff_page.goto(f"/console/kb/{article.pk}/{path}")
            assert_inert(staff_page, f"console article {article.pk} {path}")
    staff_page.goto("/console/kb/search/?" + urlencode({"q": PAYLOADS[0]}))
    assert_inert(staff_page, "console search")
    staff_page.goto("/console/kb/figures/")
    assert_inert(staff_page, "search figures (queries as typed)")

"""Page objects: what a customer or an agent does on a page, in their words."""

from __future__ import annotations

from exdesk import testing


class TicketForm:
    def __init__(self, page):
        self.page = page

    def open(self):
        self.page.goto("/support/new/")
        return self

    def submit(self, *, category="Deposit", subject, description, email, files=()):
        page = self.page
        page.get_by_label("What is it about?").select_option(label=category)
        page.get_by_label("Subject").fill(subject)
        page.get_by_label("Describe the problem").fill(description)
        page.get_by_label("Your e-mail").fill(email)
        if files:
            page.get_by_label("Attachments").set_input_files(
                [{"name": name, "mimeType": mime, "buffer": data} for name, mime, data in files]
            )
        page.get_by_role("button", name="Send request").click()
        page.wait_for_load_state()


class TrackingPage:
    def __init__(self, page, url: str):
        self.page = page
        self.url = url

    def open(self):
        self.page.goto(self.url)
        return self

    def answer(self, text: str):
        self.page.get_by_label("Your answer").fill(text)
        self.page.get_by_role("button", name="Send answer").click()
        self.page.wait_for_load_state()


class Console:
    def __init__(self, page):
        self.page = page

    def sign_in(self, user, password: str = testing.PASSWORD):
        page = self.page
        page.goto("/console/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Continue").click()
        page.get_by_label("6-digit code from your authenticator app").fill(
            testing.current_code(user)
        )
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/console/")
        return self

    def search(self, text: str, view: str = "all"):
        self.page.goto(f"/console/?view={view}")
        self.page.get_by_role("searchbox", name="Search").fill(text)
        self.page.get_by_role("button", name="Apply", exact=True).click()
        self.page.wait_for_load_state()

    def open_conversation(self, subject: str):
        self.page.get_by_role("link", name=subject).click()
        self.page.wait_for_load_state()

    def reply(self, text: str):
        self.page.get_by_label("Message").fill(text)
        self.page.get_by_role("button", name="Send reply").click()
        self.page.wait_for_load_state()

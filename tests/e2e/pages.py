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


class ChatWidget:
    """The customer's chat widget on the demo exchange page. The widget lives in an open
    shadow root; Playwright's CSS and test-id locators reach into it."""

    def __init__(self, page):
        self.page = page
        self.launcher = page.get_by_test_id("exdesk-launcher")
        self.input = page.get_by_test_id("exdesk-input")
        self.send_button = page.get_by_test_id("exdesk-send")
        self.messages = page.get_by_test_id("exdesk-msg")
        self.leave_form = page.get_by_test_id("exdesk-leave")
        self.typing = page.get_by_test_id("exdesk-typing")
        self.file = page.get_by_test_id("exdesk-file")
        self.panel = page.locator("#exdesk-panel")

    def visit(self, query: str = ""):
        self.page.goto(f"/widget/demo/{query}")
        self.launcher.wait_for()  # strings fetched, widget mounted
        return self

    def open(self):
        self.launcher.click()
        self.panel.wait_for()
        return self

    def wait_connected(self):
        # A function, not an expression: Playwright re-evaluates a string with eval() while
        # polling, which the page's CSP refuses.
        self.page.wait_for_function("() => window.exdeskWidget?.state().connected")
        return self

    def message(self, text: str):
        return self.messages.filter(has_text=text)

    def say(self, text: str):
        """Send a message and wait until the server acknowledged (stored) it."""
        self.input.fill(text)
        self.send_button.click()
        self.message(text).and_(self.page.locator("[data-seq]")).wait_for()

    def attach(self, name: str, mime: str, data: bytes):
        self.file.set_input_files({"name": name, "mimeType": mime, "buffer": data})

    def end(self):
        self.page.get_by_test_id("exdesk-end").click()
        self.page.get_by_test_id("exdesk-rate").wait_for()

    def rate(self, score: int, comment: str = ""):
        self.page.locator(f"input[name=score][value='{score}']").check()
        if comment:
            self.page.locator("#exdesk-comment").fill(comment)
        self.page.get_by_test_id("exdesk-rate").click()


class LiveConsole(Console):
    """The agent console with its socket (console-live.js)."""

    def visit(self, path: str = "/console/"):
        self.page.goto(path)
        self.wait_connected()
        return self

    def wait_connected(self):
        # The presence button hides once the console's socket is open.
        self.page.locator("[data-live-presence-submit]").wait_for(state="hidden")

    def set_presence(self, status: str):
        self.wait_connected()  # before that, a change of the select goes nowhere
        self.page.locator("select[data-live-presence]").select_option(status)
        # Set from the server's answer, not from the select.
        self.page.locator(f"[data-live-presence-form][data-presence={status}]").wait_for()

    def reply_live(self, text: str):
        form = self.page.locator("form[data-live-form=reply]")
        form.locator("textarea[name=body]").fill(text)
        form.locator("button[type=submit]").click()

    @property
    def timeline(self):
        return self.page.locator("ol.timeline")

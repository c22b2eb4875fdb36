"""Every user-facing string of the customer chat widget (/widget/v1/exdesk.js).

The widget fetches them as a flat JSON object from /widget/v1/i18n/<language>.json, so the
translations live in exdesk's own catalogue with everything else. Placeholders are written
`{name}` and are filled in by the widget, never by Python: the strings are returned as
they are. Language names in the widget's language switch are not here on purpose: each
language is shown in its own language ("English", "简体中文").
"""

from __future__ import annotations

from django.utils.translation import gettext as _


def widget_strings() -> dict[str, str]:
    """Key → string in the active language; call it inside translation.override(...)."""
    return {
        # Translators: Chat widget. The round button at the bottom right of the exchange's page.
        "launcher": _("Chat with support"),
        # Translators: Chat widget. Added to the launcher's name when an agent replied
        # while the chat was closed.
        "new_message": _("New message"),
        # Translators: Chat widget. Accessible name of the area holding the launcher and panel.
        "region_label": _("Customer support"),
        # Translators: Chat widget. Accessible name of the chat panel (a dialog).
        "dialog_label": _("Support chat"),
        # Translators: Chat widget. Heading at the top of the chat panel.
        "panel_title": _("Support"),
        # Translators: Chat widget. Button that closes (hides) the panel; the chat goes on.
        "close": _("Close chat"),
        # Translators: Chat widget. Label of the language switch in the panel's header.
        "language": _("Language"),
        # Translators: Chat widget. Shown above the conversation, as in the support portal.
        "security_notice": _(
            "Support will never ask for your password, 2FA codes, seed phrase or private keys."
        ),
        # Translators: Chat widget. Shown while the conversation is still empty.
        "intro": _("Ask us about your account, deposits, withdrawals or trades."),
        # Translators: Chat widget. Accessible name of the list of messages.
        "log_label": _("Messages"),
        # Translators: Chat widget. Connection state while the chat connects.
        "connecting": _("Connecting…"),
        # Translators: Chat widget. Connection state after the connection dropped.
        "reconnecting": _("Connection lost. Reconnecting…"),
        # Translators: Chat widget. {position} is a number; {minutes} a whole number of minutes.
        "queue": _("You are number {position} in the queue. Expected wait: about {minutes} min."),
        # Translators: Chat widget. {position} is a number.
        "queue_soon": _(
            "You are number {position} in the queue. Expected wait: less than a minute."
        ),
        # Translators: Chat widget. {position} is a number; used when no wait time is known.
        "queue_position": _("You are number {position} in the queue."),
        # Translators: Chat widget. Offline reason: nobody is signed in to answer chats.
        "offline_no_agents": _("No agent is available right now."),
        # Translators: Chat widget. Offline reason: outside the support team's working hours.
        "offline_closed_hours": _("We are outside our chat hours."),
        # Translators: Chat widget. Heading of the form used when nobody can chat.
        "leave_title": _("Leave a message"),
        "leave_intro": _("Leave a message and we will answer by e-mail."),
        "leave_required": _("All fields are required."),
        "your_name": _("Your name"),
        "your_email": _("Your e-mail address"),
        # Translators: Chat widget. Label of the text box where the customer types.
        "message_label": _("Message"),
        # Translators: Chat widget. Submit button of the offline "Leave a message" form.
        "leave_submit": _("Send message"),
        # Translators: Chat widget. {reference} is the request's reference, e.g. "EX-1042".
        "leave_thanks": _("Thanks — we will answer by e-mail. Your reference: {reference}"),
        # Translators: Chat widget. Link under the "Leave a message" form to the help
        # center's form for asking support to phone you.
        "callback_link": _("Request a call back"),
        # Translators: Chat widget. Hint under the message box.
        "message_hint": _("Press Enter to send, Shift+Enter for a new line."),
        # Translators: Chat widget. Button that sends the typed message.
        "send": _("Send"),
        # Translators: Chat widget. Button that opens the file picker.
        "attach": _("Attach a file"),
        # Translators: Chat widget. {name} is the file's name.
        "uploading": _("Uploading {name}…"),
        "upload_failed": _("The file could not be uploaded. Please try again."),
        # Translators: Chat widget. Button with which the customer ends the conversation.
        "end_chat": _("End chat"),
        # Translators: Chat widget. Author shown on the customer's own messages.
        "you": _("You"),
        # Translators: Chat widget. Author shown when an agent's name is unknown.
        "agent_default": _("Support agent"),
        # Translators: Chat widget. Under a message that is not stored yet.
        "status_sending": _("Sending…"),
        # Translators: Chat widget. Under a message the server has stored.
        "status_sent": _("Sent"),
        # Translators: Chat widget. Under the customer's last message once an agent read it.
        "status_read": _("Read"),
        # Translators: Chat widget. Under a message the server refused.
        "status_failed": _("Not sent"),
        # Translators: Chat widget. {name} is the agent's display name.
        "agent_joined": _("{name} joined the chat"),
        # Translators: Chat widget. {name} is the agent's display name.
        "agent_left": _("{name} left the chat"),
        "chat_ended": _("The chat has ended."),
        "reopened": _("The chat was reopened."),
        # Translators: Chat widget. {name} is the agent's display name.
        "typing": _("{name} is typing…"),
        # Translators: Chat widget. Legend of the 1-5 rating after a chat.
        "rating_legend": _("How was your chat?"),
        "rating_hint": _("1 is poor, 5 is excellent."),
        "rating_comment": _("Comment (optional)"),
        # Translators: Chat widget. Submit button of the rating form.
        "rating_submit": _("Send rating"),
        "rating_thanks": _("Thank you for your feedback."),
        # Translators: Chat widget. Asked under each of the bot's answers.
        "bot_helpful_question": _("Did this answer help?"),
        "bot_helpful_yes": _("Yes"),
        "bot_helpful_no": _("No"),
        "bot_reason_question": _("What went wrong?"),
        "bot_reason_wrong": _("It did not answer my question"),
        "bot_reason_unclear": _("It was hard to understand"),
        "bot_reason_person": _("I wanted a person"),
        "bot_feedback_thanks": _("Thanks for telling us."),
        # Translators: Chat widget. Submit button of the form that e-mails the conversation.
        "transcript_submit": _("E-mail me the transcript"),
        "transcript_sent": _("We have sent the transcript to your e-mail address."),
        # Translators: Chat widget. Button shown after a chat ended.
        "start_new_chat": _("Start a new chat"),
        # Translators: Chat widget. The exchange's sign-in could not be verified.
        "identity_refused": _(
            "We could not verify your account. Please sign in to the exchange again "
            "and reload the page."
        ),
        # Translators: Chat widget. An action was tried while the chat is reconnecting.
        "not_connected": _("Not connected right now. Please try again in a moment."),
        "error_generic": _("Something went wrong. Please try again."),
    }

"""The automatic-QA rules: each flag on the right message; safe mentions of the same
topics ("we never ask for your seed phrase", "不保证收益") left alone."""

import pytest

from exdesk.quality import rules
from exdesk.quality.rules import Message


def flags(*turns, compliance=False):
    messages = [Message(who, text) for who, text in turns]
    return {(f.kind, f.message) for f in rules.review(messages, compliance=compliance)}


def test_a_request_for_the_seed_phrase_is_flagged_on_its_message():
    assert flags(
        ("customer", "My wallet shows zero."),
        ("agent", "Sorry to hear that. What is your UID?"),
        ("customer", "40718265"),
        ("agent", "To check the wallet, please send me your 12-word recovery phrase."),
        ("customer", "ok"),
    ) == {("secret_request", 3)}


def test_a_profit_promise_in_chinese_is_flagged():
    assert flags(
        ("customer", "这个理财产品安全吗？"),
        ("agent", "您好，这款产品年化8%，保证收益，放心买。"),
        ("customer", "好的谢谢"),
    ) == {("profit_promise", 1)}


def test_tipping_off_is_flagged_on_a_compliance_case_only():
    turns = (
        ("customer", "Why can't I withdraw?"),
        ("agent", "Our AML team flagged your deposits as suspicious, so they froze them."),
        ("customer", "What?"),
        ("agent", "We will contact you when the review is complete."),
    )
    assert flags(*turns, compliance=True) == {("tipping_off", 1)}
    assert flags(*turns, compliance=False) == set()


def test_a_leverage_conversation_without_a_risk_warning_is_flagged_on_the_last_reply():
    assert flags(
        ("customer", "我的合约仓位为什么被强平了？"),
        ("agent", "您好，保证金率低于维持保证金率时会触发强制平仓。"),
        ("agent", "您可以在合约账户的历史记录里查看强平价格。"),
    ) == {("missing_risk_warning", 2)}
    assert (
        flags(
            ("customer", "Why was my 20x long liquidated?"),
            ("agent", "Your margin fell below maintenance. Leverage carries a high risk of loss."),
        )
        == set()
    )


def test_rude_replies_and_unanswered_customers_are_flagged():
    assert flags(
        ("customer", "Where is my withdrawal?"),
        ("agent", "As I already said, it's pending. Calm down."),
        ("customer", "But it has been two days, can you escalate it?"),
    ) == {("rude_tone", 1), ("no_answer", 2)}


@pytest.mark.parametrize(
    "reply",
    [
        "We will never ask for your seed phrase, password or 2FA code.",
        "请勿向任何人透露您的助记词和私钥，客服不会索要。",
        "Please enter the 2FA code in the app yourself to confirm the withdrawal.",
        "Earn returns are not guaranteed; the APR shown is variable.",
        "我们不保证收益，也无法提供投资建议。",
        "We can't give investment advice on whether you should buy.",
        "It is not your fault; the network was congested.",
        "Please share your UID and the TxID so I can check.",
    ],
)
def test_safe_mentions_are_not_flagged(reply):
    assert flags(("customer", "A question."), ("agent", reply)) == set()


def test_the_neutral_review_wording_is_not_tipping_off():
    assert (
        flags(
            ("customer", "我的账户为什么不能提币？"),
            ("agent", "您的账户正在进行例行审核，完成后我们会第一时间通知您。"),
            compliance=True,
        )
        == set()
    )


@pytest.mark.parametrize("last", ["ok thanks", "Thank you!", "好的，谢谢", "明白了"])
def test_a_closing_thanks_needs_no_answer(last):
    assert (
        flags(("customer", "Is it done?"), ("agent", "Yes, credited."), ("customer", last)) == set()
    )

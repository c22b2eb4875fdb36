"""The starter scorecard: what a crypto exchange's QA checks on every conversation.
Loaded by a migration (with historical models) and by tests (with the real ones)."""

CRITERIA = [
    # (English, Chinese, weight, auto-fail, lesson)
    (
        "Greets and answers in the customer's language",
        "使用客户的语言问候并作答",
        1,
        False,
        "clear-answers",
    ),
    (
        "Identifies the case with UID, TxID or order id",
        "通过 UID、TxID 或订单号确认问题",
        2,
        False,
        "gathering-facts",
    ),
    (
        "Never asks for a password, 2FA code, seed phrase or private key",
        "绝不索要密码、二次验证码、助记词或私钥",
        1,
        True,
        "phishing-and-fake-support",
    ),
    (
        "No promise of returns, no investment advice",
        "不承诺收益，不提供投资建议",
        1,
        True,
        "ethics-and-advice",
    ),
    ("No tipping-off on a compliance case", "合规案件中不泄露调查信息", 1, True, "no-tipping-off"),
    (
        "Gives the right answer or escalates to the right team",
        "答案正确，或升级给正确的团队",
        3,
        False,
        "escalating-to-teams",
    ),
    (
        "Risk warning where leverage or a crash is involved",
        "涉及杠杆或行情暴跌时给出风险提示",
        2,
        False,
        "market-crash-and-risk-warnings",
    ),
    ("Empathy and a respectful tone", "有同理心，语气尊重", 2, False, "empathy-with-traders"),
    ("Sets a clear next step and a time", "给出明确的下一步和时间", 1, False, "clear-answers"),
]


def load_standard_scorecard(Scorecard, Criterion) -> None:
    card, created = Scorecard.objects.get_or_create(name="Crypto support standard")
    if not created:
        return
    for position, (en, zh, weight, auto_fail, lesson) in enumerate(CRITERIA):
        Criterion.objects.create(
            scorecard=card,
            position=position,
            label_en=en,
            label_zh=zh,
            weight=weight,
            auto_fail=auto_fail,
            lesson_key=lesson,
        )

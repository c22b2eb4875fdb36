"""Automatic quality review: the rules that read a conversation's messages and flag what
a QA reviewer would. Pure functions over plain messages, so the same code scores real
conversations (quality.services) and the team's labelled set (quality.evaluation).

Each flag points at the message that caused it. Requests for secrets, promises of
returns and tipping-off are crypto auto-fail rules: the conversation's score is zero.
A phrase right after a negation ("returns are not guaranteed", "不保证收益", "we will never
ask for your seed phrase") does not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from exdesk.assistant.guard import agent_asks_for_secret

SECRET_REQUEST = "secret_request"
PROFIT_PROMISE = "profit_promise"
TIPPING_OFF = "tipping_off"
MISSING_RISK_WARNING = "missing_risk_warning"
RUDE_TONE = "rude_tone"
NO_ANSWER = "no_answer"
TEXT_FLAGS = [
    SECRET_REQUEST,
    PROFIT_PROMISE,
    TIPPING_OFF,
    MISSING_RISK_WARNING,
    RUDE_TONE,
    NO_ANSWER,
]
AUTO_FAIL = {SECRET_REQUEST, PROFIT_PROMISE, TIPPING_OFF}


@dataclass(frozen=True)
class Message:
    who: str  # "customer" | "agent"
    text: str


@dataclass(frozen=True)
class Flag:
    kind: str
    message: int  # index into the messages read
    detail: str = ""


def _pattern(*phrases: str) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in phrases), re.IGNORECASE)


# What cancels a phrase when it comes shortly before it, in the same sentence.
_NEGATION = re.compile(
    r"(?:\b(?:not|never|no|nor|cannot|can't|won't|don't|doesn't|isn't|aren't|unable to|"
    r"neither|without)\b|n't|不|没有|没|并非|无法|不能|不会|不是|绝不|从不|切勿|请勿|别|非)",
    re.IGNORECASE,
)
# Sentences, and Chinese clauses (a negation rarely reaches past "，").
_SENTENCE = re.compile(r"[^.!?。！？；;，\n]+[.!?。！？；;，\n]*")
NEGATION_WINDOW = 40


def _said(text: str, pattern: re.Pattern) -> str | None:
    """The first phrase of ``pattern`` said affirmatively in ``text``, or None."""
    for sentence in _SENTENCE.finditer(text):
        body = sentence.group()
        for hit in pattern.finditer(body):
            before = body[max(0, hit.start() - NEGATION_WINDOW) : hit.start()]
            if not _NEGATION.search(before):
                return hit.group().strip()
    return None


_PROMISE = _pattern(
    r"guarantee[sd]?\s+(?:you\s+)?(?:a\s+)?(?:profits?|returns?|gains?|income|earnings|"
    r"\d+\s*%)",
    r"guaranteed\s+(?:profits?|returns?|gains?|income|earnings|\d+\s*%)",
    r"guaranteed to (?:earn|make|profit|gain|win|go up)",
    r"(?:is|are|goes|go) only (?:going )?up",
    r"only goes up",
    r"will be (?:at least )?\d+\s*% higher",
    r"(?:will|it'll|it will) (?:always )?(?:bounce|be back above)",
    r"always bounces",
    r"\bi'?d (?:buy|sell|add|go long|go short|open|go \d+x|put|grab|convert|hold)\b",
    r"if i were you",
    r"(?:is|are) about to (?:explode|break out|moon|pump|fly|take off|bounce)",
    r"(?:is|are) going to (?:fly|moon|explode|pump|take off)",
    r"only going one way",
    r"eas(?:y|iest) money",
    r"(?:double|triple) (?:it|your)",
    r"win it back",
    r"principal is (?:fully )?protected",
    r"no matter what (?:the market|happens)",
    r"as safe as it gets",
    r"everyone (?:on the team )?is (?:buying|rotating|loading)",
    r"(?:can't|cannot) go wrong",
    r"nothing can go wrong",
    r"(?:is|are) guaranteed\b",
    r"risk[- ]free",
    r"(?:can't|cannot|won't|will not)\s+lose",
    r"sure\s+(?:profit|win|thing)",
    r"(?:will|is going to)\s+(?:definitely|surely|certainly|100%)\s+(?:go up|rise|pump|moon|"
    r"recover|double)",
    r"(?:you\s+)?should\s+(?:definitely\s+)?"
    r"(?:buy|sell|go long|go short|invest in|add to your position)",
    r"(?:i|we)\s+(?:recommend|suggest|advise)\s+(?:you\s+)?(?:buy|sell|buying|selling|investing)",
    r"double your money",
    r"保证收益",
    r"保证(?:\d|每月|每年|年化|回报|盈利|赚|分红)",
    r"稳赚",
    r"保本",
    r"包赚",
    r"必涨",
    r"(?:一定|肯定|必然)(?:会)?(?:涨|回本|盈利|赚)",
    r"(?:零|无)风险",
    r"闭眼(?:入|买|冲)",
    r"这波稳了",
    r"稳了",
    r"包(?:你)?(?:赚|回本|翻倍|涨)",
    r"躺赚",
    r"(?:肯定|一定|必)翻倍",
    r"肯定开(?:多|空)",
    r"直接上\d+倍",
    r"听我的",
    r"马上(?:就)?要(?:涨|拉升|回调|反弹|起飞)",
    r"就是(?:顶|底)了",
    r"(?:再)?加(?:点)?仓(?:把|摊)",
    r"千万别(?:卖|平|换)",
    r"(?:开盘)?直接冲",
    r"建议(?:您|你)?(?:现在|马上|尽快)?(?:买入|卖出|抄底|加仓|梭哈|入手)",
)

# Words that reveal an AML/CTF review or a report to the authorities.
_TIPPING_OFF = _pattern(
    r"\baml\b",
    r"anti[- ]money[- ]laundering",
    r"money[- ]laundering",
    r"suspicious",
    r"\bflagged\b",
    r"investigat(?:e|ed|ing|ion)",
    r"(?:report(?:ed)?|filed?|submitted?)\s+(?:a\s+)?(?:report\s+)?(?:to|with)\s+(?:the\s+)?"
    r"(?:authorities|police|regulators?|fiu|financial intelligence)",
    r"\bSARs?\b",
    r"suspicious (?:activity|transaction) report",
    r"law enforcement",
    r"sanction",
    r"financial crime",
    r"financial intelligence",
    r"watch ?list",
    r"dirty (?:money|funds)",
    r"(?:money|funds) (?:might|may|could) be dirty",
    r"涉诈",
    r"诈骗资金",
    r"(?:公安|警方)通报",
    r"terroris[tm]",
    r"反洗钱",
    r"洗钱",
    r"可疑",
    r"(?:被|正在被|接受)(?:监管|警方|公安|执法)",
    r"上报(?:给)?(?:监管|警方|公安|有关部门)",
    r"(?:监管部门|公安机关|执法部门)",
    r"涉嫌",
    r"(?:正在|在)查(?:您|你)",
    r"查(?:您|你)(?:的|这个)?(?:账户|账号|资金)",
    r"调查",
    r"黑名单",
    r"制裁",
)

# A conversation about these needs a risk warning from the agent.
_LEVERAGE_TOPIC = _pattern(
    r"futures?",
    r"leverag",
    r"\bmargin\b",
    r"liquidat",
    r"perpetual",
    r"\d+\s*x\s+(?:long|short|leverage)",
    r"(?:short|long) position",
    r"(?:open|opened|close|closed|my|your|the) positions?\b",
    r"go(?:ing)? (?:long|short)\b",
    r"空单",
    r"多单",
    r"做多",
    r"做空",
    r"反手",
    r"开仓",
    r"平仓",
    r"合约(?!地址)",
    r"杠杆",
    r"保证金",
    r"爆仓",
    r"强平",
    r"强制平仓",
    r"永续",
)
_RISK_WARNING = _pattern(
    r"\brisks?\b",
    r"risky",
    r"lose (?:more than|all|part|your|the whole|the entire|everything)",
    r"be aware",
    r"losses?",
    r"风险",
    r"亏损",
    r"损失",
)

_RUDE = _pattern(
    r"not my problem",
    r"not our problem",
    r"calm down",
    r"read the faq",
    r"as i (?:already|have already) (?:said|told you|explained)",
    r"i (?:already )?told you",
    r"(?:that's|that is|it's|it is) your (?:own )?(?:fault|problem)",
    r"your own fault",
    r"you should have read",
    r"(?:read|figure) it (?:out )?yourself",
    r"that'?s on you",
    r"(?:if you had )?bothered to read",
    r"maybe read",
    r"read the screen",
    r"isn't stupid",
    r"acting surprised",
    r"stop spamming",
    r"not your bank",
    r"magically",
    r"(?:crypto|trading|futures) (?:just )?(?:isn't|is not) for you",
    r"i've answered this",
    r"a hundred times",
    r"not sure what else (?:we|i|you)",
    r"as long as it takes",
    r"you know exactly why",
    r"shouting at me",
    r"stop (?:asking|messaging|complaining)",
    r"deal with it",
    r"你自己(?:去)?看",
    r"不关我们的事",
    r"不关我(?:的)?事",
    r"冷静点",
    r"我(?:已经|都)说过了",
    r"(?:这是)?你自己的(?:问题|责任)",
    r"说了多少(?:遍|次)",
    r"别再问了",
    r"听不懂吗",
    r"爱信不信",
    r"(?:这种事|这)还(?:要|用)问",
    r"不用别人教",
    r"心里没数",
    r"装糊涂",
    r"怪谁",
    r"搞不懂就别",
    r"就别来玩",
    r"(?:就)?不用来问(?:客服)?",
    r"催也没用",
    r"等着吧",
    r"有什么用[？?]",
    r"(?:之前|前)不看",
)

# A last customer message that only closes the conversation needs no answer.
_CLOSING = _pattern(
    r"^(?:ok(?:ay)?|thanks?|thank you|thx|great|perfect|got it|understood|cool|fine|"
    r"alright|all right|bye|good|noted|cheers)[\s,.!]*(?:thanks?|thank you|so much|a lot|"
    r"bye|again)?[\s,.!]*$",
    r"^(?:好的|好|谢谢|多谢|感谢|明白了|明白|收到|了解|知道了|行|嗯|没问题|辛苦了)[\s，,。！!]*"
    r"(?:谢谢|多谢|感谢|辛苦了|啦|了)?[\s，,。！!]*$",
)


# What makes a last message a question or a problem report, and what only acknowledges.
_QUESTION = _pattern(
    r"[?？]",
    r"吗[。.!！]?$",
    r"呢[。.!！]?$",
    r"怎么办",
    r"为什么",
    r"怎么(?:回事|操作|处理|弄)",
)
_PROBLEM = _pattern(
    r"\bstill\b",
    r"\b(?:not|never|nothing|no one)\b",
    r"n't\b",
    r"\bhelp\b",
    r"\b(?:missing|stuck|lost|wrong|failed|error|frozen|locked)\b",
    r"还(?:没|是没|是不)",
    r"没(?:有)?(?:到|收到|成功|反应|处理)",
    r"不到账",
    r"(?:不能|无法|失败|错误|异常|冻结|被盗|卡住|丢失)",
)
_THANKS = _pattern(r"\bthanks?\b", r"thank you", r"谢谢", r"感谢", r"多谢")
_ACKNOWLEDGED = _pattern(
    r"^(?:ok(?:ay)?|thanks?|thank you|understood|got it|cool|great|done|found it|"
    r"that makes sense|alright|sure|fine|noted|will do|i see)\b",
    r"^(?:好|行|嗯|哦|噢|明白|懂了|收到|了解|谢谢|多谢|知道了|那好吧|好吧|改好了|转好了)",
)


def review(messages: list[Message], *, compliance: bool = False) -> list[Flag]:
    """The flags of one conversation, in message order."""
    flags: list[Flag] = []
    agent = [(n, m) for n, m in enumerate(messages) if m.who == "agent"]
    for n, message in agent:
        sentence = agent_asks_for_secret(message.text)
        if sentence:
            flags.append(Flag(SECRET_REQUEST, n, sentence[:200]))
        promise = _said(message.text, _PROMISE)
        if promise:
            flags.append(Flag(PROFIT_PROMISE, n, promise))
        if compliance:
            hint = _said(message.text, _TIPPING_OFF)
            if hint:
                flags.append(Flag(TIPPING_OFF, n, hint))
        rude = _said(message.text, _RUDE)
        if rude:
            flags.append(Flag(RUDE_TONE, n, rude))
    warned = any(_said(m.text, _RISK_WARNING) for _n, m in agent)
    if agent and needs_risk_warning(messages) and not warned:
        flags.append(Flag(MISSING_RISK_WARNING, agent[-1][0]))
    unanswered = _unanswered(messages)
    if unanswered is not None:
        flags.append(Flag(NO_ANSWER, unanswered))
    return sorted(flags, key=lambda f: (f.message, f.kind))


def needs_risk_warning(messages: list[Message]) -> bool:
    return any(_LEVERAGE_TOPIC.search(m.text) for m in messages)


def _unanswered(messages: list[Message]) -> int | None:
    """The customer's last message when nobody answered it and it asks or reports
    something (not "thanks", "ok, I'll try that")."""
    if not messages or messages[-1].who != "customer":
        return None
    text = messages[-1].text.strip()
    if not text or _CLOSING.search(text):
        return None
    if _QUESTION.search(text):
        return len(messages) - 1
    if _THANKS.search(text):
        return None
    if _ACKNOWLEDGED.search(text) or not _PROBLEM.search(text):
        return None
    return len(messages) - 1

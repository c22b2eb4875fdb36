"""The look-alike rules on plain values: many fakes, many innocent look-ups, properties."""

import string

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from exdesk.trust import lookalike as la
from exdesk.trust.lookalike import Official

REGISTRY = [
    Official(la.DOMAIN, "demoexchange.example", ref=1),
    Official(la.EMAIL, "support@demoexchange.example", ref=2),
    Official(la.TELEGRAM, "demoexchange", ref=3),
    Official(la.X, "demoexchange_hq", ref=4),
    Official(la.PHONE, "+442079460958", ref=5),
    Official(la.DOMAIN, "exdesk.com", ref=6),
]


def verdict(text: str, registry=REGISTRY) -> la.Result:
    return la.check(text, registry)


@pytest.mark.parametrize(
    ("text", "kind", "normalized"),
    [
        ("https://WWW.DemoExchange.example./login?next=/", la.DOMAIN, "demoexchange.example"),
        ("demoexchange.example", la.DOMAIN, "demoexchange.example"),
        ("xn--80ak6aa92e.com", la.DOMAIN, "аррӏе.com"),
        ("Support@DemoExchange.Example", la.EMAIL, "support@demoexchange.example"),
        (
            "mailto:support@demoexchange.example?subject=hi",
            la.EMAIL,
            "support@demoexchange.example",
        ),
        ("@DemoExchange", la.TELEGRAM, "demoexchange"),
        ("https://t.me/DemoExchange", la.TELEGRAM, "demoexchange"),
        ("t.me/s/DemoExchange", la.TELEGRAM, "demoexchange"),
        ("https://twitter.com/DemoExchange_HQ/status/1", la.X, "demoexchange_hq"),
        ("x.com/demoexchange_hq", la.X, "demoexchange_hq"),
        ("+44 20 7946 0958", la.PHONE, "+442079460958"),
        ("0044 (20) 7946-0958", la.PHONE, "+442079460958"),
        ("tel:+442079460958", la.PHONE, "+442079460958"),
        ("192.168.10.20", la.DOMAIN, "192.168.10.20"),
    ],
)
def test_inputs_are_classified_and_normalised(text, kind, normalized):
    parsed = la.classify(text)
    assert (parsed.kind, parsed.normalized) == (kind, normalized)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", la.EMPTY),
        ("   ", la.EMPTY),
        ("x" * 501, la.TOO_LONG),
        ("hello world", la.UNRECOGNISED),
        ("202 555 0143", la.BAD_PHONE),  # no country code
        ("+44 12", la.UNRECOGNISED),
        ("+999 1234 5678", la.BAD_PHONE),
        ("https://x.com/i/flow/login", la.BAD_HANDLE),
        ("https://t.me/", la.BAD_HANDLE),
        ("exa mple@demo.example", la.UNRECOGNISED),
        ("@bad handle!", la.BAD_HANDLE),
        ("-bad-.example", la.BAD_DOMAIN),
        ("a@localhost", la.BAD_EMAIL),
    ],
)
def test_what_is_not_a_channel_is_invalid_with_a_reason(text, code):
    result = verdict(text)
    assert result.verdict == la.INVALID and result.reasons == (code,)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("demoexchange.example", la.EXACT_MATCH),
        ("https://www.demoexchange.example/", la.EXACT_MATCH),
        ("app.demoexchange.example", la.SUBDOMAIN_OF_OFFICIAL),
        ("https://login.eu.demoexchange.example/x", la.SUBDOMAIN_OF_OFFICIAL),
        ("SUPPORT@demoexchange.example", la.EXACT_MATCH),
        ("@demoexchange", la.EXACT_MATCH),
        ("https://t.me/demoexchange", la.EXACT_MATCH),
        ("@demoexchange_hq", la.EXACT_MATCH),  # a bare @name may be on X
        ("https://x.com/DemoExchange_HQ", la.EXACT_MATCH),
        ("+44 20 7946 0958", la.EXACT_MATCH),
        ("EXDESK.COM", la.EXACT_MATCH),
    ],
)
def test_official_channels_verify_official(text, reason):
    result = verdict(text)
    assert result.verdict == la.OFFICIAL, result
    assert result.reasons == (reason,)
    assert result.matched is not None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        # homoglyphs and digits
        ("dem0exchange.example", la.CONFUSABLE_CHARACTERS),
        ("demoехchange.example", la.CONFUSABLE_CHARACTERS),  # Cyrillic е and х
        ("dеmoexchange.example", la.NON_LATIN_CHARACTERS),
        ("demοexchange.example", la.CONFUSABLE_CHARACTERS),  # Greek omicron
        ("dernoexchange.example", la.CONFUSABLE_CHARACTERS),  # rn for m
        ("exdes1c.com", la.SIMILAR_SPELLING),
        ("xn--dsk-qddb8g.com", la.CONFUSABLE_CHARACTERS),  # punycode of ехdеsk (Cyrillic)
        # typos
        ("demoexchnage.example", la.SIMILAR_SPELLING),
        ("demoexchang.example", la.SIMILAR_SPELLING),
        ("exdsk.com", la.SIMILAR_SPELLING),
        ("exdeskk.com", la.SIMILAR_SPELLING),
        # the name with words, hyphens
        ("exdesk-support.com", la.EXTRA_WORDS),
        ("support-exdesk.net", la.EXTRA_WORDS),
        ("exdesksupport.io", la.EXTRA_WORDS),
        ("demoexchange-help.example", la.EXTRA_WORDS),
        ("exdsk-support.com", la.SIMILAR_SPELLING),
        ("demo-exchange.example", la.SIMILAR_SPELLING),
        # another ending, and tricks
        ("exdesk.co", la.DIFFERENT_TLD),
        ("exdesk.com.cn", la.DIFFERENT_TLD),
        ("demoexchange.com", la.DIFFERENT_TLD),
        ("demoexchange.cοm", la.DIFFERENT_TLD),  # Greek omicron in the ending
        ("exdesk.com.verify-account.io", la.SUBDOMAIN_TRICK),
        ("https://login.demoexchange.example.secure-check.net/", la.SUBDOMAIN_TRICK),
        ("exdesk.wallet-check.io", la.SUBDOMAIN_TRICK),
        ("https://exdesk.com@evil.io/", la.DISGUISED_LINK),
        # e-mail
        ("support@exdesk-help.com", la.LOOKALIKE_DOMAIN),
        ("support@dem0exchange.example", la.LOOKALIKE_DOMAIN),
        ("demoexchange.support@gmail.com", la.OFFICIAL_NAME_AT_FREE_MAIL),
        ("exdesk-help@outlook.com", la.OFFICIAL_NAME_AT_FREE_MAIL),
        ("exdesk@random-mailer.io", la.OFFICIAL_NAME_IN_ADDRESS),
        # handles
        ("@demoexchange_support", la.EXTRA_WORDS),
        ("@DemoExchangeOfficial", la.EXTRA_WORDS),
        ("@demoexchange_help", la.EXTRA_WORDS),
        ("@demoexchange1", la.ADDED_DIGITS),
        ("@demoexchange2024", la.ADDED_DIGITS),
        ("@dem0exchange", la.CONFUSABLE_CHARACTERS),
        ("@demoехchange", la.CONFUSABLE_CHARACTERS),
        ("https://t.me/demoexchange_hq", la.OFFICIAL_ON_OTHER_PLATFORM),
        ("https://x.com/demoexchange", la.OFFICIAL_ON_OTHER_PLATFORM),
        ("https://x.com/demoexchange_hq_support", la.EXTRA_WORDS),
        ("@exdesk", la.USES_OFFICIAL_NAME),
        ("@official_exdesk_help", la.EXTRA_WORDS),
    ],
)
def test_lookalikes_are_flagged(text, reason):
    result = verdict(text)
    assert result.verdict == la.LOOKALIKE, result
    assert reason in result.reasons, result
    assert result.matched is not None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("google.com", la.NOT_LISTED),
        ("https://github.com/exdesk-tools", la.NOT_LISTED),  # the path is not the host
        ("example.org", la.NOT_LISTED),
        ("binance.com", la.NOT_LISTED),
        ("desk.com", la.NOT_LISTED),
        ("demo.com", la.NOT_LISTED),
        ("exchange.com", la.NOT_LISTED),
        ("kraken.com", la.NOT_LISTED),
        ("news.bbc.co.uk", la.NOT_LISTED),
        ("support@gmail.com", la.NOT_LISTED),
        ("alice@example.com", la.NOT_LISTED),
        ("@randomtrader", la.NOT_LISTED),
        ("https://t.me/cryptonews", la.NOT_LISTED),
        ("security@demoexchange.example", la.ADDRESS_NOT_LISTED),
        ("+1 202 555 0143", la.PHONE_NOT_OFFICIAL),
        ("+44 20 7946 0959", la.PHONE_NOT_OFFICIAL),  # one digit off: still just not ours
        ("10.0.0.1", la.IP_ADDRESS),
        ("https://t.me/+AbCdEfGh", la.INVITE_LINK),
    ],
)
def test_unrelated_channels_are_not_official_and_not_lookalikes(text, reason):
    result = verdict(text)
    assert result.verdict == la.UNKNOWN, result
    assert result.reasons == (reason,)


def test_a_domain_registered_with_any_address_makes_its_addresses_official():
    registry = [Official(la.DOMAIN, "demoexchange.example", any_address=True, ref=1)]
    assert verdict("kyc@demoexchange.example", registry).verdict == la.OFFICIAL
    assert verdict("kyc@mail.demoexchange.example", registry).verdict == la.OFFICIAL
    narrow = [Official(la.DOMAIN, "demoexchange.example", covers_subdomains=False, ref=1)]
    assert verdict("app.demoexchange.example", narrow).verdict == la.UNKNOWN
    assert verdict("demoexchange.example", narrow).verdict == la.OFFICIAL


def test_an_empty_registry_finds_nothing_official():
    assert verdict("demoexchange.example", []).verdict == la.UNKNOWN
    assert verdict("@demoexchange", []).reasons == (la.NOT_LISTED,)


def test_skeleton_and_distance():
    assert la.skeleton("ЕхDеsk") == la.skeleton("exdesk")
    assert la.skeleton("rnodern") == la.skeleton("modem")
    assert la.skeleton("vvallet") == la.skeleton("wallet") == "vvallet"
    assert la.skeleton("0ff1cial") == la.skeleton("official")
    assert la.skeleton("ｅｘｄｅｓｋ") == "exdesk"  # fullwidth, by NFKC
    assert la.distance("exdesk", "exdesk") == 0
    assert la.distance("exdesk", "exedsk") == 1  # a transposition is one edit
    assert la.distance("exdesk", "xedsk") == 2
    assert la.distance("exdesk", "completely") == 3  # capped


# ---------------------------------------------------------------- properties

LABELS = st.text(alphabet=string.ascii_lowercase, min_size=6, max_size=14)
SUFFIXES = st.sampled_from(["com", "io", "net", "org", "co.uk", "exchange", "example"])
HANDLES = st.from_regex(r"[a-z][a-z0-9_]{4,20}", fullmatch=True)
PHONES = st.sampled_from(["+442079460958", "+12025550143", "+6561234567", "+8613912345678"])

CONFUSABLE_SUBSTITUTIONS = {
    "a": ["а", "α"],
    "e": ["е"],
    "o": ["о", "ο", "0"],
    "p": ["р", "ρ"],
    "c": ["с"],
    "x": ["х", "χ"],
    "l": ["1", "ӏ"],
    "i": ["1", "і"],
    "m": ["rn"],
    "w": ["vv"],
    "y": ["у"],
}


def _wrap(value: str, draw) -> str:
    """The same official domain as people paste it."""
    case = draw(st.sampled_from([str.lower, str.upper, str.title, lambda v: v]))
    host = case(value)
    if draw(st.booleans()):
        host = "www." + host
    if draw(st.booleans()):
        host += "."
    if draw(st.booleans()):
        scheme = draw(st.sampled_from(["https://", "http://", "HTTPS://"]))
        path = draw(st.sampled_from(["", "/", "/login", "/en/help?x=1", "#top"]))
        host = f"{scheme}{host}{path}"
    return f"  {host} "


@settings(max_examples=150, deadline=None)
@given(label=LABELS, suffix=SUFFIXES, data=st.data())
def test_an_official_domain_verifies_official_however_it_is_written(label, suffix, data):
    assume(label != "www")
    domain = f"{label}.{suffix}"
    registry = [Official(la.DOMAIN, domain, ref=1)]
    text = _wrap(domain, data.draw)
    result = la.check(text, registry)
    assert result.verdict == la.OFFICIAL, (text, result)
    assert result.normalized == domain


@settings(max_examples=100, deadline=None)
@given(handle=HANDLES, data=st.data())
def test_an_official_handle_or_address_verifies_official_however_it_is_written(handle, data):
    registry = [
        Official(la.TELEGRAM, handle, ref=1),
        Official(la.X, handle, ref=2),
        Official(la.EMAIL, f"{handle}@demoexchange.example", ref=3),
    ]
    case = data.draw(st.sampled_from([str.lower, str.upper, str.title]))
    written = data.draw(
        st.sampled_from(
            [
                "@{}",
                "{}",
                "https://t.me/{}",
                "t.me/{}",
                "https://x.com/{}",
                "https://twitter.com/{}/",
                "{}@DemoExchange.example",
                "mailto:{}@demoexchange.example",
            ]
        )
    )
    text = written.format(case(handle))
    result = la.check(text, registry)
    assert result.verdict == la.OFFICIAL, (text, result)


@settings(max_examples=50, deadline=None)
@given(number=PHONES, data=st.data())
def test_an_official_phone_number_verifies_official_however_it_is_written(number, data):
    import phonenumbers

    registry = [Official(la.PHONE, number, ref=1)]
    style = data.draw(
        st.sampled_from(
            [
                phonenumbers.PhoneNumberFormat.E164,
                phonenumbers.PhoneNumberFormat.INTERNATIONAL,
                phonenumbers.PhoneNumberFormat.RFC3966,
            ]
        )
    )
    text = phonenumbers.format_number(phonenumbers.parse(number), style)
    assert la.check(text, registry).verdict == la.OFFICIAL, text


@settings(max_examples=200, deadline=None)
@given(label=LABELS, suffix=SUFFIXES, data=st.data())
def test_one_confusable_substitution_is_always_a_lookalike_never_official(label, suffix, data):
    domain = f"{label}.{suffix}"
    registry = [Official(la.DOMAIN, domain, ref=1)]
    spots = [i for i, c in enumerate(domain) if c in CONFUSABLE_SUBSTITUTIONS]
    assume(spots)
    at = data.draw(st.sampled_from(spots))
    swap = data.draw(st.sampled_from(CONFUSABLE_SUBSTITUTIONS[domain[at]]))
    fake = domain[:at] + swap + domain[at + 1 :]
    result = la.check(fake, registry)
    assert result.verdict == la.LOOKALIKE, (fake, result)


@settings(max_examples=100, deadline=None)
@given(handle=HANDLES, data=st.data())
def test_one_confusable_substitution_in_a_handle_is_a_lookalike(handle, data):
    registry = [Official(la.TELEGRAM, handle, ref=1)]
    spots = [i for i, c in enumerate(handle) if c in CONFUSABLE_SUBSTITUTIONS]
    assume(spots and len(handle.replace("_", "")) >= 5)
    at = data.draw(st.sampled_from(spots))
    swap = data.draw(st.sampled_from(CONFUSABLE_SUBSTITUTIONS[handle[at]]))
    fake = handle[:at] + swap + handle[at + 1 :]
    result = la.check("@" + fake, registry)
    assert result.verdict == la.LOOKALIKE, (fake, result)


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=80))
def test_any_text_gets_a_verdict_and_never_an_exception(text):
    result = la.check(text, REGISTRY)
    assert result.verdict in la.VERDICTS and result.reasons

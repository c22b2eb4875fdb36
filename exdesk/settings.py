"""Settings, read once from the environment.

Every knob an operator may turn is an ``EXDESK_*`` (or conventional) environment
variable, documented in ``.env.example``. Defaults give a working single-machine
install on SQLite under ``./var``.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def database_from_url(url: str, data_dir: Path) -> dict:
    """Turn ``DATABASE_URL`` into a Django database dict (sqlite or postgresql)."""
    if not url:
        return {
            "ENGINE": "exdesk.core.sqlite",
            "NAME": data_dir / "exdesk.sqlite3",
            # Reopening the file and re-running the PRAGMAs cost ~1 ms a request.
            "CONN_MAX_AGE": 600,
            # IMMEDIATE avoids lock-upgrade deadlocks between concurrent writers.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000; "
                    # Checkpoints run in the background (core.sqlite.checkpoints).
                    "PRAGMA wal_autocheckpoint=10000;"
                ),
            },
        }
    parts = urlparse(url)
    if parts.scheme in {"postgres", "postgresql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    if parts.scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": unquote(parts.path)}
    raise ValueError(f"DATABASE_URL scheme {parts.scheme!r} is not supported")


DATA_DIR = Path(os.environ.get("EXDESK_DATA_DIR", Path.cwd() / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("EXDESK_DEBUG", False)
# The demo (``make run``) sets EXDESK_DEMO=1; a production install must set its own key.
DEMO_MODE = env_bool("EXDESK_DEMO", False)
SECRET_KEY = os.environ.get("EXDESK_SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or DEMO_MODE):
        raise RuntimeError("EXDESK_SECRET_KEY must be set (or EXDESK_DEMO=1 for a demo)")
    SECRET_KEY = "exdesk-demo-key-not-for-production-use-0123456789abcdef"

ALLOWED_HOSTS = [
    h for h in os.environ.get("EXDESK_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("EXDESK_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]
# Public base URL used in e-mails (tracking links).
SITE_URL = os.environ.get("EXDESK_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "huey.contrib.djhuey",
    "ninja",
    "exdesk.core",
    "exdesk.routing",
    "exdesk.sla",
    "exdesk.chat",
    "exdesk.accounts",
    "exdesk.audit",
    "exdesk.customers",
    "exdesk.conversations",
    "exdesk.helpcenter",
    "exdesk.assistant",
    "exdesk.exchange",
    "exdesk.trust",
    "exdesk.messaging",
    "exdesk.telephony",
    "exdesk.academy",
    "exdesk.quality",
    "exdesk.analytics",
    "exdesk.incidents",
    "exdesk.complaints",
    "exdesk.education",
    "exdesk.community",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "exdesk.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "exdesk.urls"
WSGI_APPLICATION = "exdesk.wsgi.application"
ASGI_APPLICATION = "exdesk.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "exdesk.core.context_processors.staff_permissions",
                "exdesk.core.context_processors.console_live",
            ],
        },
    },
]

DATABASES = {"default": database_from_url(os.environ.get("DATABASE_URL", ""), DATA_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

REDIS_URL = os.environ.get("REDIS_URL", "")
# Names in Redis (cache keys, task queue, chat groups) start with this; two installations
# may share one Redis server with different prefixes.
REDIS_PREFIX = os.environ.get("EXDESK_REDIS_PREFIX", "exdesk")
if REDIS_URL:
    CACHES = {
        "default": {
            # Cleared by prefix, never by flushing the shared database (exdesk/core/cache.py).
            "BACKEND": "exdesk.core.cache.PrefixedRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": REDIS_PREFIX,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Live chat fan-out between processes: Redis pub/sub (one PUBLISH per event). Without
# Redis, one web process serves every socket from memory (docs/chat-protocol.md).
ASGI_APPLICATION = "exdesk.asgi.application"
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                # redis-py's own defaults (100 connections, 5 s socket timeout equal to the
                # layer's blocking read) drop idle subscribers; see docs/operator-guide.md.
                "hosts": [{"address": REDIS_URL, "max_connections": 1000, "socket_timeout": 30}],
                "prefix": REDIS_PREFIX,
            },
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "exdesk.core.layers.LocalChannelLayer",
            "CONFIG": {"capacity": 1000},
        }
    }

# The chat widget: sites allowed to embed it (scheme://host[:port], comma-separated),
# the secret the exchange signs trader UIDs with, and the hours an agent answers.
CHAT_ALLOWED_ORIGINS = [
    o.rstrip("/") for o in os.environ.get("EXDESK_CHAT_ALLOWED_ORIGINS", "").split(",") if o
]
CHAT_IDENTITY_SECRET = os.environ.get("EXDESK_CHAT_IDENTITY_SECRET", "") or (
    "exdesk-demo-chat-identity-secret" if DEMO_MODE else ""
)
# "" or "24/7": always; otherwise "HH:MM-HH:MM" in TIME_ZONE, every day.
CHAT_HOURS = os.environ.get("EXDESK_CHAT_HOURS", "24/7")
CHAT_MAX_MESSAGE_CHARS = env_int("EXDESK_CHAT_MAX_MESSAGE_CHARS", 4000)
# Messages one socket may send per 10 seconds, and one client address per minute.
CHAT_MESSAGES_PER_10S = env_int("EXDESK_CHAT_MESSAGES_PER_10S", 20)
CHAT_IP_MESSAGES_PER_MINUTE = env_int("EXDESK_CHAT_IP_MESSAGES_PER_MINUTE", 300)
CHAT_IP_CONNECTIONS_PER_MINUTE = env_int("EXDESK_CHAT_IP_CONNECTIONS_PER_MINUTE", 60)
# A bare echo consumer at /ws/echo/, for benchmarks/chat_load.py only.
CHAT_ECHO_ENDPOINT = os.environ.get("EXDESK_CHAT_ECHO_ENDPOINT") == "1"

# Help center: a reviewer may not approve their own article changes (four-eyes review).
HELPCENTER_FOUR_EYES = os.environ.get("EXDESK_HELPCENTER_FOUR_EYES", "1") != "0"

# The exchange connector (docs/exchange-connector.md): the back office's base URL, the key id
# and shared secret every request is signed with, and how long to wait for an answer. The
# demo runs the sandbox exchange (`exdesk sandbox_exchange`) on its own port.
SANDBOX_EXCHANGE_PORT = env_int("EXDESK_SANDBOX_EXCHANGE_PORT", 8100)
EXCHANGE_URL = os.environ.get("EXDESK_EXCHANGE_URL", "").rstrip("/") or (
    f"http://127.0.0.1:{SANDBOX_EXCHANGE_PORT}/exdesk/v1" if DEMO_MODE else ""
)
EXCHANGE_KEY_ID = os.environ.get("EXDESK_EXCHANGE_KEY_ID", "exdesk")
EXCHANGE_SECRET = os.environ.get("EXDESK_EXCHANGE_SECRET", "") or (
    "exdesk-demo-exchange-secret" if DEMO_MODE else ""
)
EXCHANGE_CONNECT_TIMEOUT = float(os.environ.get("EXDESK_EXCHANGE_CONNECT_TIMEOUT", "2"))
EXCHANGE_READ_TIMEOUT = float(os.environ.get("EXDESK_EXCHANGE_READ_TIMEOUT", "5"))
# Answers are kept this long, so a busy conversation page does not ask the exchange each time.
EXCHANGE_CACHE_SECONDS = env_int("EXDESK_EXCHANGE_CACHE_SECONDS", 60)
# Freezing an account needs a second person's approval (four-eyes) when set.
EXCHANGE_FREEZE_FOUR_EYES = env_bool("EXDESK_EXCHANGE_FREEZE_FOUR_EYES", False)
# Chains the deposit diagnosis reads: "NETWORK=json-rpc-url", comma-separated (EVM networks).
CHAIN_RPC_URLS = dict(
    item.split("=", 1)
    for item in os.environ.get("EXDESK_CHAIN_RPC_URLS", "").split(",")
    if "=" in item
) or ({"ETH": f"http://127.0.0.1:{SANDBOX_EXCHANGE_PORT}/chain/evm"} if DEMO_MODE else {})

# Background work: Redis in production, a SQLite file on one machine. Both survive restarts.
if REDIS_URL:
    HUEY = {
        # Priorities: a waiting customer's work goes first (exdesk.core.queue).
        "huey_class": "huey.PriorityRedisHuey",
        "name": REDIS_PREFIX,
        "immediate": False,
        "connection": {"url": REDIS_URL},
    }
else:
    HUEY = {
        "huey_class": "exdesk.core.queue.WalSqliteHuey",
        "name": "exdesk",
        "immediate": False,
        "filename": str(DATA_DIR / "tasks.sqlite3"),
    }

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "conversations:inbox"

# Staff sessions: idle timeout, refreshed on activity, never longer than a working shift.
SESSION_COOKIE_AGE = env_int("EXDESK_SESSION_IDLE_SECONDS", 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_COOKIES = env_bool("EXDESK_SECURE_COOKIES", False)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
# Served over HTTPS (EXDESK_SECURE_COOKIES=1): browsers must never fall back to HTTP.
SECURE_HSTS_SECONDS = env_int("EXDESK_HSTS_SECONDS", 365 * 24 * 3600 if SECURE_COOKIES else 0)
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (set only if it does).
if env_bool("EXDESK_TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Brute-force lockout for staff sign-in.
LOGIN_MAX_FAILURES = env_int("EXDESK_LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_SECONDS = env_int("EXDESK_LOGIN_LOCKOUT_SECONDS", 15 * 60)
OTP_TOTP_ISSUER = "exdesk"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "media")},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Static files are served by the ASGI wrapper in exdesk.asgi, straight from the apps.

# Public forms: submissions per IP address and hour (new requests, answers on a request).
PUBLIC_POSTS_PER_HOUR = env_int("EXDESK_PUBLIC_POSTS_PER_HOUR", 30)
# Official-channel checks (/verify/ and its API) per client address and hour.
TRUST_CHECKS_PER_HOUR = env_int("EXDESK_TRUST_CHECKS_PER_HOUR", 2 * PUBLIC_POSTS_PER_HOUR)

# Customer uploads.
ATTACHMENT_MAX_BYTES = env_int("EXDESK_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
ATTACHMENT_MAX_FILES = 5
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = os.environ.get(
    "EXDESK_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if (DEBUG or DEMO_MODE)
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EXDESK_EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("EXDESK_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EXDESK_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EXDESK_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EXDESK_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("EXDESK_FROM_EMAIL", "support@exdesk.invalid")
# A hung mail relay must not hold a worker (or a claim) for ever.
EMAIL_TIMEOUT = env_int("EXDESK_EMAIL_TIMEOUT", 30)

# Incoming e-mail (docs/email.md): the SMTP receiver `exdesk run` starts (loopback by
# default; put the MTA in front of it), the largest message taken, how many messages one
# sender may send an hour, the secret a mail provider signs its webhook with, and the
# authserv-id of the MTA whose Authentication-Results header is trusted.
MAIL_RECEIVER_HOST = os.environ.get("EXDESK_MAIL_RECEIVER_HOST", "127.0.0.1")
MAIL_RECEIVER_PORT = env_int("EXDESK_MAIL_RECEIVER_PORT", 2525)
MAIL_MAX_BYTES = env_int("EXDESK_MAIL_MAX_BYTES", 25 * 1024 * 1024)
MAIL_PER_SENDER_PER_HOUR = env_int("EXDESK_MAIL_PER_SENDER_PER_HOUR", 60)
MAIL_WEBHOOK_SECRET = os.environ.get("EXDESK_MAIL_WEBHOOK_SECRET", "")
MAIL_TRUSTED_AUTHSERV_ID = os.environ.get("EXDESK_MAIL_TRUSTED_AUTHSERV_ID", "") or None
# IMAP polling of a support mailbox (off while the host is empty); IDLE where offered.
MAIL_IMAP_HOST = os.environ.get("EXDESK_MAIL_IMAP_HOST", "")
MAIL_IMAP_PORT = env_int("EXDESK_MAIL_IMAP_PORT", 993)
MAIL_IMAP_SSL = env_bool("EXDESK_MAIL_IMAP_SSL", True)
MAIL_IMAP_USER = os.environ.get("EXDESK_MAIL_IMAP_USER", "")
MAIL_IMAP_PASSWORD = os.environ.get("EXDESK_MAIL_IMAP_PASSWORD", "")
MAIL_IMAP_FOLDER = os.environ.get("EXDESK_MAIL_IMAP_FOLDER", "INBOX")
# Optional DKIM signing of outgoing mail: selector and the PEM private key's path.
MAIL_DKIM_SELECTOR = os.environ.get("EXDESK_MAIL_DKIM_SELECTOR", "")
MAIL_DKIM_KEY_FILE = os.environ.get("EXDESK_MAIL_DKIM_KEY_FILE", "")

# Messaging platforms (docs/channels.md). Each is off while its credentials are empty.
# The API base URLs are settings so a proxy (or a test's local server) can stand in.
TELEGRAM_BOT_TOKEN = os.environ.get("EXDESK_TELEGRAM_BOT_TOKEN", "")
TELEGRAM_WEBHOOK_SECRET = os.environ.get("EXDESK_TELEGRAM_WEBHOOK_SECRET", "")
TELEGRAM_API_URL = os.environ.get("EXDESK_TELEGRAM_API_URL", "https://api.telegram.org")
X_CONSUMER_SECRET = os.environ.get("EXDESK_X_CONSUMER_SECRET", "")
X_BEARER_TOKEN = os.environ.get("EXDESK_X_BEARER_TOKEN", "")
X_API_URL = os.environ.get("EXDESK_X_API_URL", "https://api.x.com")
FACEBOOK_APP_SECRET = os.environ.get("EXDESK_FACEBOOK_APP_SECRET", "")
FACEBOOK_VERIFY_TOKEN = os.environ.get("EXDESK_FACEBOOK_VERIFY_TOKEN", "")
FACEBOOK_PAGE_TOKEN = os.environ.get("EXDESK_FACEBOOK_PAGE_TOKEN", "")
FACEBOOK_API_URL = os.environ.get("EXDESK_FACEBOOK_API_URL", "https://graph.facebook.com/v21.0")

# Telephony (docs/channels.md): the secret the provider signs its call-status callbacks
# with, and how long a callback request may wait before its SLA is missed.
PHONE_WEBHOOK_SECRET = os.environ.get("EXDESK_PHONE_WEBHOOK_SECRET", "")
CALLBACK_SLA_MINUTES = env_int("EXDESK_CALLBACK_SLA_MINUTES", 60)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("EXDESK_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # One line per exchange call would flood the log (and name traders' UIDs).
        "httpx": {"level": "WARNING"},
        # aiosmtpd logs every SMTP command, recipients included.
        "mail.log": {"level": "WARNING"},
    },
}

NINJA_PAGINATION_PER_PAGE = 25

# The assistant (exdesk/assistant): the bot answers chats from the knowledge base until
# a person takes over; below these calibrated confidences it hands over instead.
# Routing hands waiting conversations to agents (docs/routing.md).
ROUTING_ENABLED = env_bool("EXDESK_ROUTING", True)
# What a customer's rating of 1 or 2 does: alert the team's supervisors, reopen the
# case, or nothing (docs/quality.md).
QUALITY_BAD_RATING_ACTION = os.environ.get("EXDESK_BAD_RATING_ACTION", "alert")
if QUALITY_BAD_RATING_ACTION not in ("alert", "reopen", "none"):
    raise ValueError("EXDESK_BAD_RATING_ACTION must be alert, reopen or none")
# Formal complaints: acknowledged within this many hours, answered in writing within this
# many days (docs/complaints.md); set them to what the exchange's regulator asks.
COMPLAINT_ACKNOWLEDGE_HOURS = int(os.environ.get("EXDESK_COMPLAINT_ACKNOWLEDGE_HOURS", "48"))
COMPLAINT_RESOLVE_DAYS = int(os.environ.get("EXDESK_COMPLAINT_RESOLVE_DAYS", "15"))
# The community forum (docs/community.md): posting limits, when links open up to a new
# member, how many members' reports hide a post, how long the exchange's sign-in link lasts.
COMMUNITY_POSTS_PER_HOUR = env_int("EXDESK_COMMUNITY_POSTS_PER_HOUR", 20)
COMMUNITY_NEW_MEMBER_POSTS_PER_HOUR = env_int("EXDESK_COMMUNITY_NEW_MEMBER_POSTS_PER_HOUR", 5)
COMMUNITY_TRUST_POSTS = env_int("EXDESK_COMMUNITY_TRUST_POSTS", 3)
COMMUNITY_TRUST_DAYS = env_int("EXDESK_COMMUNITY_TRUST_DAYS", 2)
COMMUNITY_REPORTS_TO_HIDE = env_int("EXDESK_COMMUNITY_REPORTS_TO_HIDE", 3)
COMMUNITY_REPORTS_PER_HOUR = env_int("EXDESK_COMMUNITY_REPORTS_PER_HOUR", 20)
COMMUNITY_SIGN_IN_MAX_AGE = env_int("EXDESK_COMMUNITY_SIGN_IN_MAX_AGE", 600)
# How long a new chat is left to the bot's first turn before a person is offered it.
ROUTING_BOT_FIRST_TURN_SECONDS = float(os.environ.get("EXDESK_BOT_FIRST_TURN_SECONDS", "30"))
ASSISTANT_BOT_ENABLED = env_bool("EXDESK_ASSISTANT_BOT", True)
# Where the sentence model's int8 copy is built once (docs/assistant.md).
ASSISTANT_MODEL_CACHE = Path(os.environ.get("EXDESK_MODEL_CACHE_DIR", DATA_DIR / "models"))
ASSISTANT_MIN_CONFIDENCE = float(os.environ.get("EXDESK_ASSISTANT_MIN_CONFIDENCE", "0.45"))
ASSISTANT_BOT_MIN_CONFIDENCE = float(os.environ.get("EXDESK_ASSISTANT_BOT_MIN_CONFIDENCE", "0.6"))
# Optional generated answers (assistant/generative.py): an OpenAI-compatible base URL such
# as https://llm.example/v1. Off when empty; the key is read from the environment only.
ASSISTANT_LLM_URL = os.environ.get("EXDESK_ASSISTANT_LLM_URL", "")
ASSISTANT_LLM_MODEL = os.environ.get("EXDESK_ASSISTANT_LLM_MODEL", "")
ASSISTANT_LLM_KEY = os.environ.get("EXDESK_ASSISTANT_LLM_KEY", "")
ASSISTANT_LLM_TIMEOUT = float(os.environ.get("EXDESK_ASSISTANT_LLM_TIMEOUT", "10"))
# Drills: let the same endpoint vary the simulated customer's wording (never needed).
ACADEMY_DRILL_REWORDING = os.environ.get("EXDESK_ACADEMY_DRILL_REWORDING", "") == "1"

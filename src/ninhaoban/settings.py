"""One settings module, read from the environment (every variable is listed in the README)."""

import os
import secrets
import sys
from pathlib import Path

import dj_database_url

from ninhaoban.core import sealing

BASE_DIR = Path(__file__).resolve().parent.parent.parent
TESTING = "pytest" in sys.modules or sys.argv[1:2] == ["test"]


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


VAR_DIR = Path(os.environ.get("NHB_VAR_DIR") or BASE_DIR / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _generated_secret(path: Path) -> str:
    """Read the key from var/, creating it once; O_EXCL keeps two first starts from racing."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = os.environ.get("NHB_SECRET_KEY") or _generated_secret(VAR_DIR / "secret_key")
# Keys the ledger's subject digests of applicants; changing it orphans old lookups.
NHB_SUBJECT_KEY = os.environ.get("NHB_SUBJECT_KEY") or _generated_secret(VAR_DIR / "subject_key")
# Field encryption (ninhaoban.core.sealing): the AES-256-GCM keyring, rotated by `ninhaoban
# keys`, and the separate key of the lookup digests (changing it means recomputing them all).
NHB_KEYRING = Path(os.environ.get("NHB_KEYRING") or VAR_DIR / "keys" / "fields.json")
NHB_LOOKUP_KEY = os.environ.get("NHB_LOOKUP_KEY") or _generated_secret(VAR_DIR / "lookup_key")
sealing.configure(NHB_KEYRING, NHB_LOOKUP_KEY)
DEBUG = env_bool("NHB_DEBUG")
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("NHB_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("NHB_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]
NHB_BASE_URL = os.environ.get("NHB_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Hosts a catalog's 网上办理地址 may point at (ALLOWED_HOSTS syntax: `.gov.cn` is the domain
# and its subdomains, `*` any host); only http(s) addresses are ever accepted.
NHB_CATALOG_URL_HOSTS = [
    h.strip()
    for h in os.environ.get(
        "NHB_CATALOG_URL_HOSTS",
        NHB_BASE_URL.split("://", 1)[-1].split("/")[0].split(":")[0] + ",.gov.cn",
    ).split(",")
    if h.strip()
]
# The ledger: its name in checkpoints, an override checked against the one fixed at first run
# in VAR_DIR/ledger_origin (the signing key is generated into VAR_DIR/ledger_key),
# how often and in what batches the sequencer runs, and the witnesses whose cosignatures count.
NHB_LEDGER_ORIGIN = os.environ.get("NHB_LEDGER_ORIGIN", "")
NHB_LEDGER_BATCH = int(os.environ.get("NHB_LEDGER_BATCH", "50000"))
NHB_LEDGER_INTERVAL = int(os.environ.get("NHB_LEDGER_INTERVAL", "3"))
NHB_LEDGER_WITNESSES = [
    k.strip() for k in os.environ.get("NHB_LEDGER_WITNESSES", "").split(",") if k.strip()
]
NHB_LEDGER_COSIGN_PER_MINUTE = int(os.environ.get("NHB_LEDGER_COSIGN_PER_MINUTE", "10"))
NHB_WITNESS_NAME = os.environ.get("NHB_WITNESS_NAME", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "huey.contrib.djhuey",
    "ninhaoban.ledger",
    "ninhaoban.vault",
    "ninhaoban.regions",
    "ninhaoban.accounts",
    "ninhaoban.catalog",
    "ninhaoban.exchange",
    "ninhaoban.licences",
    "ninhaoban.payments",
    "ninhaoban.cases",
    "ninhaoban.appointments",
    "ninhaoban.guidance",
    "ninhaoban.evaluation",
    "ninhaoban.inspections",
    "ninhaoban.supervision",
    "ninhaoban.portal",
    "ninhaoban.console",
    "ninhaoban.kiosk",
    "ninhaoban.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "ninhaoban.portal.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages are compressed (static files come precompressed from WhiteNoise, above). BREACH
    # needs a secret repeated in every response beside text the attacker controls: Django
    # masks the CSRF token afresh on every response, and since 4.2 this middleware pads each
    # response with random bytes in the gzip header ("Heal the Breach"), so lengths leak nothing.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ninhaoban.accounts.middleware.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ninhaoban.accounts.middleware.ActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ninhaoban.portal.middleware.InputGuardMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ninhaoban.portal.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "ninhaoban.urls"
WSGI_APPLICATION = "ninhaoban.wsgi.application"

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
                "ninhaoban.console.context.console",
                "ninhaoban.portal.acting.acting_context",
                "ninhaoban.portal.care.care_mode",
            ]
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'ninhaoban.sqlite3'}",
        conn_max_age=int(os.environ.get("NHB_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while one writer commits; IMMEDIATE takes the write lock at
        # BEGIN so two writers queue instead of failing with "database is locked" mid-way.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rollups (一张网考评) follow each case event in the event's own transaction, or (the default
# outside tests) through an outbox that Huey folds every NHB_LEDGER_INTERVAL seconds.
NHB_ROLLUPS_INLINE = TESTING or env_bool("NHB_ROLLUPS_INLINE")

REDIS_URL = os.environ.get("REDIS_URL", "")
HUEY = {
    "name": "ninhaoban",
    "immediate": TESTING or env_bool("NHB_HUEY_IMMEDIATE"),
    "consumer": {"workers": int(os.environ.get("NHB_HUEY_WORKERS", "2")), "worker_type": "thread"},
}
if REDIS_URL:
    HUEY.update({"huey_class": "huey.RedisHuey", "url": REDIS_URL})
    # Counters that must hold across processes (the kiosk's progress-query tries) live in
    # Redis too; without it each process keeps its own.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "nhb",
        }
    }
    # A signed-in request reads its session from Redis, not the database; writes (sign-in,
    # the idle renewal, sign-out) still go to both, so a lost cache signs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    HUEY.update({"huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "huey.sqlite3")})

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "ninhaoban.accounts.passwords.NotContainingUsernameValidator"},
]
AUTHENTICATION_BACKENDS = ["ninhaoban.accounts.backends.LockoutBackend"]
LOGIN_URL = "/console/login/"
NHB_LOGIN_MAX_FAILURES = int(os.environ.get("NHB_LOGIN_MAX_FAILURES", "5"))
NHB_LOGIN_LOCK_MINUTES = int(os.environ.get("NHB_LOGIN_LOCK_MINUTES", "15"))
# SMS login codes in 24 hours: per number (registered or not), per address, per browser, per
# kiosk terminal; a CAPTCHA once an address or browser has failed this many times in a day.
NHB_SMS_PER_PHONE_DAY = int(os.environ.get("NHB_SMS_PER_PHONE_DAY", "5"))
NHB_SMS_PER_IP_DAY = int(os.environ.get("NHB_SMS_PER_IP_DAY", "30"))
NHB_SMS_PER_DEVICE_DAY = int(os.environ.get("NHB_SMS_PER_DEVICE_DAY", "10"))
NHB_SMS_PER_TERMINAL_DAY = int(os.environ.get("NHB_SMS_PER_TERMINAL_DAY", "300"))
# queue numbers (取号): a kiosk per minute, any other caller per address and browser per day
NHB_TICKETS_PER_TERMINAL_MINUTE = int(os.environ.get("NHB_TICKETS_PER_TERMINAL_MINUTE", "20"))
NHB_TICKETS_PER_IP_DAY = int(os.environ.get("NHB_TICKETS_PER_IP_DAY", "20"))
NHB_TICKETS_PER_DEVICE_DAY = int(os.environ.get("NHB_TICKETS_PER_DEVICE_DAY", "3"))
NHB_CAPTCHA_AFTER = int(os.environ.get("NHB_CAPTCHA_AFTER", "3"))
# proxies in front that append to X-Forwarded-For (0: the peer's address is the client's)
NHB_PROXY_HOPS = int(os.environ.get("NHB_PROXY_HOPS", "0"))
SESSION_COOKIE_AGE = 60 * int(os.environ.get("NHB_SESSION_IDLE_MINUTES", "30"))
# the idle timeout slides with each request, renewed at most once a minute (accounts.middleware)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("NHB_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# No script of ours reads the CSRF cookie: forms carry the token in a field and the API docs
# in a data attribute, so an injected script cannot read it either.
CSRF_COOKIE_HTTPONLY = True
# Behind HTTPS (NHB_SECURE_COOKIES=1) every plain-HTTP request is redirected and browsers are
# told to use HTTPS only for a year; the proxy in front sets X-Forwarded-Proto (and drops any
# the client sent). /healthz stays reachable over HTTP for the load balancer's checks.
SECURE_SSL_REDIRECT = SESSION_COOKIE_SECURE
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if SESSION_COOKIE_SECURE else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SESSION_COOKIE_SECURE else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Only this origin's scripts, styles, images and fonts (data: images are the API docs' icons);
# no inline script, style or event handler, no plugin, no framing by any site.
# 人脸比对: a score under this is refused (kiosk.devices)
NHB_FACE_THRESHOLD = float(os.environ.get("NHB_FACE_THRESHOLD", "0.85"))
NHB_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

NHB_NOTIFIER = os.environ.get("NHB_NOTIFIER", "log")
NHB_SMS_URL = os.environ.get("NHB_SMS_URL", "")
EMAIL_BACKEND = os.environ.get(
    "NHB_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("NHB_EMAIL_FROM", "noreply@ninhaoban.local")
NHB_WARNING_DAYS = int(os.environ.get("NHB_WARNING_DAYS", "2"))
# 好差评: working days to rectify and answer a 差评; days an SMS rating link stays valid
NHB_RECTIFY_DAYS = int(os.environ.get("NHB_RECTIFY_DAYS", "15"))
NHB_RATING_LINK_DAYS = int(os.environ.get("NHB_RATING_LINK_DAYS", "30"))
NHB_UPLOAD_MAX_BYTES = 1024 * 1024 * int(os.environ.get("NHB_UPLOAD_MAX_MB", "20"))
NHB_UPLOAD_MAX_FILES = int(os.environ.get("NHB_UPLOAD_MAX_FILES", "30"))
# a request larger than this is refused by its declared length, before a byte is read
NHB_REQUEST_MAX_BYTES = 1024 * 1024 * int(os.environ.get("NHB_REQUEST_MAX_MB", "100"))
DATA_UPLOAD_MAX_MEMORY_SIZE = NHB_UPLOAD_MAX_BYTES + 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = NHB_UPLOAD_MAX_FILES

# Department systems (the sandbox stands in for them in the demo and the tests).
NHB_SANDBOX_URL = os.environ.get("NHB_SANDBOX_URL", "http://127.0.0.1:8010").rstrip("/")
NHB_EXCHANGE_TIMEOUT_MS = int(os.environ.get("NHB_EXCHANGE_TIMEOUT_MS", "2000"))
NHB_EXCHANGE_BREAKER_FAILURES = int(os.environ.get("NHB_EXCHANGE_BREAKER_FAILURES", "3"))
NHB_EXCHANGE_BREAKER_SECONDS = int(os.environ.get("NHB_EXCHANGE_BREAKER_SECONDS", "30"))

# Payment platforms and the utility companies (the paysandbox stands in for both in the demo
# and the tests). Merchant ids and the platforms' public keys: VAR_DIR/keys/pay/.
NHB_PAY_GATEWAY_URL = os.environ.get("NHB_PAY_GATEWAY_URL", "http://127.0.0.1:8020").rstrip("/")
NHB_BILLS_URL = os.environ.get("NHB_BILLS_URL", NHB_PAY_GATEWAY_URL).rstrip("/")
NHB_PAY_TIMEOUT_MS = int(os.environ.get("NHB_PAY_TIMEOUT_MS", "3000"))
NHB_PAY_ORDER_MINUTES = int(os.environ.get("NHB_PAY_ORDER_MINUTES", "15"))
NHB_PAY_PAYEE = os.environ.get("NHB_PAY_PAYEE", "咸宁市政务服务和大数据管理局")
# The order page links to the paysandbox's 扫码 page, the demo's stand-in for a phone.
NHB_PAY_SANDBOX_SCAN = env_bool("NHB_PAY_SANDBOX_SCAN", True)
NHB_CONSENT_MINUTES = int(os.environ.get("NHB_CONSENT_MINUTES", "30"))
NHB_PROOF_VALID_DAYS = int(os.environ.get("NHB_PROOF_VALID_DAYS", "90"))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [Path(__file__).resolve().parent / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {
        "BACKEND": "ninhaoban.vault.storage.SealedFileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "media")},
    },
    # collectstatic writes a gzip copy beside each file, which WhiteNoise serves
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Served from the apps' folders as they are (tests, NHB_DEV=1) or from what collectstatic
# gathered with its gzip copies (which the apps' folders would shadow).
WHITENOISE_USE_FINDERS = DEBUG or TESTING or env_bool("NHB_DEV")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"quiet_sequencer": {"()": "ninhaoban.ledger.logfilter.QuietSequencer"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "huey": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["quiet_sequencer"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("NHB_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # A handler of its own keeps run_huey from adding a second one (each line twice).
        "huey": {"handlers": ["huey"], "propagate": False},
    },
}

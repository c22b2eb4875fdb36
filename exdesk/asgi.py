"""The ASGI application: static files, then Django; WebSockets to Channels consumers.

Two choices here are measured (docs/decisions/0002-request-path.md):

* Django gives every HTTP request its own sync thread (``ThreadSensitiveContext``): a
  new thread and a new database connection per request. exdesk runs the sync work of a
  process on one long-lived thread instead, so connections persist and a process never
  contends with itself for SQLite. Scale out with processes (``WEB_WORKERS``).
* The middleware chain is built synchronously and entered with one hop to that thread,
  instead of two hops per middleware.
* Static files are answered before Django, by servestatic's ASGI app reading the apps'
  ``static/`` folders, so no static middleware sits in Django's async middleware chain
  (a sync-only one costs every request two extra thread hops) and no collectstatic
  step is needed.
"""

import gc
import os

import django
from asgiref.sync import sync_to_async
from channels.routing import ProtocolTypeRouter
from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.handlers.asgi import ASGIHandler
from servestatic import ServeStaticASGI

from exdesk.core.sqlite import checkpoints

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exdesk.settings")


class SharedThreadASGIHandler(ASGIHandler):
    def load_middleware(self, is_async=False):
        # Django's own middleware, run in async mode, hops to the sync thread twice each
        # (process_request, process_response). Built synchronously, the whole chain and
        # the view run in one hop.
        super().load_middleware(is_async=False)

    async def get_response_async(self, request):
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        await self.handle(scope, receive, send)


def with_static_files(app):
    static = ServeStaticASGI(app)
    for finder in get_finders():
        for storage in getattr(finder, "storages", {}).values():
            static.add_files(storage.location, prefix=settings.STATIC_URL)
    return static


def websocket_routes():
    from channels.routing import URLRouter
    from channels.sessions import SessionMiddlewareStack
    from django.urls import path

    from exdesk.chat.consumers import ChatConsumer, EchoConsumer
    from exdesk.conversations.consumers import ConsoleConsumer

    routes = [
        path("ws/chat/", ChatConsumer.as_asgi()),
        path("ws/console/", ConsoleConsumer.as_asgi()),
    ]
    if settings.CHAT_ECHO_ENDPOINT:
        routes.append(path("ws/echo/", EchoConsumer.as_asgi()))
    return SessionMiddlewareStack(URLRouter(routes))


django.setup(set_prefix=False)
application = ProtocolTypeRouter(
    {"http": with_static_files(SharedThreadASGIHandler()), "websocket": websocket_routes()}
)
for path in checkpoints.sqlite_files_in_use():
    checkpoints.start(path)
# Objects alive after start-up (modules, URL patterns, templates) are never garbage;
# keeping them out of the collector's scans saves CPU on every request.
gc.freeze()

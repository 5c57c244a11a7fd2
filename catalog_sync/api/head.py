"""HEAD on every GET route: answered as the GET would be, without the body (RFC 9110 9.3.2).

FastAPI registers only the methods a route names, so HEAD got 405; monitors and caches send it.
Plain ASGI middleware, so every route (and the cached search in front of them) gets it alike.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGetMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        # Headers (content-length included) stay those of the GET.
        await self.app({**scope, "method": "GET"}, receive, without_body)

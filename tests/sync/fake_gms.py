"""A stand-in for DataHub GMS on a free local port that fails on purpose.

DataHub GMS (Java, Kafka, Elasticsearch) cannot run here, so the sink-fault tests talk to this
stdlib `http.server`: it answers the few REST calls the `datahub-rest` sink and DataHub's
stateful-ingestion provider make (`/config`, proposal ingestion, checkpoint lookup, GraphQL) and
can answer proposal writes with 5xx for the first N requests, or always.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CONFIG = {
    "noCode": "true",
    "statefulIngestionCapable": True,
    "versions": {"acryldata/datahub": {"version": "v1.2.0"}}}
GRAPHQL_EMPTY = {
    "listGlobalViews": {"total": 0, "views": []},
    "scrollAcrossEntities": {"nextScrollId": None, "count": 0, "total": 0, "searchResults": []},
    "createView": {"urn": "urn:li:dataHubView:fake"},
    "updateView": {"urn": "urn:li:dataHubView:fake"},
}


@dataclass
class FakeGms:
    """What the server saw, and how it misbehaves: `fail_writes` 5xx answers to proposal
    writes (-1 = every one) whose path contains `fail_path` (and, if `fail_aspect` is set,
    that carry a proposal of that aspect), with `status`."""

    url: str = ""
    fail_writes: int = 0
    status: int = 503
    fail_path: str = "ingestProposal"
    fail_aspect: str | None = None
    requests: list[str] = field(default_factory=list)
    proposals: list[dict[str, Any]] = field(default_factory=list)
    checkpoints: dict[str, str] = field(default_factory=dict)  # dataJob urn -> aspect JSON
    failed: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def should_fail(self) -> bool:
        with self.lock:
            if self.fail_writes == -1 or self.failed < self.fail_writes:
                self.failed += 1
                return True
            return False


def _handler(gms: FakeGms) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_: Any) -> None:  # quiet test output
            return

        def _send(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            gms.requests.append(f"GET {self.path}")
            if self.path.startswith("/config"):
                self._send(200, CONFIG)
            else:
                self._send(404, {"message": "not found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            gms.requests.append(f"POST {self.path}")
            if "ingestProposal" in self.path:
                proposals = body.get("proposals") or [body.get("proposal")]
                aspects = {p.get("aspectName") for p in proposals}
                if (
                    gms.fail_path in self.path
                    and (gms.fail_aspect is None or gms.fail_aspect in aspects)
                    and gms.should_fail()
                ):
                    self._send(gms.status, {"message": "failing on purpose"})
                    return
                for proposal in proposals:
                    gms.proposals.append(proposal)
                    if proposal.get("aspectName") == "datahubIngestionCheckpoint":
                        gms.checkpoints[proposal["entityUrn"]] = proposal["aspect"]["value"]
                self._send(200, {"value": "ok"})
            elif "getTimeseriesAspectValues" in self.path:
                stored = gms.checkpoints.get(body.get("urn", ""))
                values = [{"aspect": {"value": stored}}] if stored else []
                self._send(200, {"value": {"values": values}})
            elif self.path.startswith("/api/graphql"):
                query = body.get("query", "")
                data = {k: v for k, v in GRAPHQL_EMPTY.items() if k in query}
                self._send(200, {"data": data})
            else:
                self._send(404, {"message": "not found"})

    return Handler


@contextmanager
def fake_gms(**behaviour: Any) -> Iterator[FakeGms]:
    """A running fake GMS on 127.0.0.1 and a free port, shut down afterwards."""
    gms = FakeGms(**behaviour)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(gms))
    gms.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield gms
    finally:
        server.shutdown()
        server.server_close()

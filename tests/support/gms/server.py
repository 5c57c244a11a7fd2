"""A DataHub GMS stand-in on 127.0.0.1: strict about DataHub's contract, computed from what it was sent.

DataHub GMS (Java, Kafka, Elasticsearch, MySQL) cannot run here. This server answers the REST
endpoints acryl-datahub's own client calls, in the shapes that client expects: `GET /config`,
proposal ingestion (`/aspects?action=ingestProposal[Batch]`, `/entities?action=ingest`), aspect
reads (`/aspects/{urn}`, `/entitiesV2/{urn}`, OpenAPI `/openapi/v3/entity/{type}/batchGet`),
timeseries reads (`/aspects?action=getTimeseriesAspectValues`, where stateful ingestion keeps
its checkpoints) and GraphQL (`/api/graphql`, validated against DataHub's schema). Writes are
validated with DataHub's own aspect classes; searches filter and page for real.

What it is not: a search engine (full text is a case-insensitive word match on names and
descriptions, results are not scored), a versioned aspect store (it keeps the latest aspect and
every timeseries value), or an authorization system (one optional bearer token for every call
but `/config`). Whatever it cannot answer faithfully is a contract violation: the request is
answered as GMS answers a bad request and recorded in `violations`, which the fixtures assert
empty, so a test can pass only on requests real DataHub would accept.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from datahub.emitter.mcp_builder import mcps_from_mce
from datahub.emitter.serialization_helper import post_json_transform, pre_json_transform
from datahub.metadata import schema_classes
from datahub.metadata.schema_classes import (
    ASPECT_NAME_MAP,
    MetadataChangeEventClass,
    MetadataChangeProposalClass,
)
from datahub.utilities.urns.urn import guess_entity_type

from tests.support.gms.aspects import TIMESERIES, AspectStore, ContractViolation
from tests.support.gms.graphql_api import Root, Views, answer

VERSION = "v1.7.0"
CONFIG = {
    "noCode": "true",
    "statefulIngestionCapable": True,
    "patchCapable": True,
    "versions": {"acryldata/datahub": {"version": VERSION, "commit": "standin"}},
    "datahub": {"serverType": "prod"},
    "managedIngestion": {"enabled": False},
    "telemetry": {"enabledCli": False},
}


@dataclass
class Gms:
    """What the stand-in holds and saw, and how it misbehaves on purpose.

    `fail_writes` answers proposal writes whose path contains `fail_path` (and, if set, that
    carry an aspect named `fail_aspect`) with HTTP `status`, for the first N (-1: every one).
    `rewrite` may replace a GraphQL response body (a GMS of another version)."""

    url: str = ""
    token: str | None = None
    fail_writes: int = 0
    status: int = 503
    fail_path: str = "ingestProposal"
    fail_aspect: str | None = None
    rewrite: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    store: AspectStore = field(default_factory=AspectStore)
    views: Views = field(default_factory=Views)
    requests: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    proposals: list[dict[str, Any]] = field(default_factory=list)
    graphql: list[dict[str, Any]] = field(default_factory=list)  # every GraphQL request body
    failed: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, line: str) -> None:
        with self.lock:
            self.requests.append(line)

    def violation(self, message: str) -> None:
        with self.lock:
            self.violations.append(message)

    def should_fail(self, path: str, aspects: set[str]) -> bool:
        if self.fail_path not in path or (self.fail_aspect and self.fail_aspect not in aspects):
            return False
        with self.lock:
            if self.fail_writes == -1 or self.failed < self.fail_writes:
                self.failed += 1
                return True
        return False

    def stats(self) -> dict[str, Any]:
        """For the benchmarks: requests by endpoint, violations, entities held."""
        with self.lock:
            by_endpoint: dict[str, int] = {}
            for line in self.requests:
                if "/standin/" not in line:
                    key = line.split("?")[0] if "/aspects/" not in line else "GET /aspects/"
                    by_endpoint[key] = by_endpoint.get(key, 0) + 1
            return {"requests": sum(by_endpoint.values()), "by_endpoint": by_endpoint,
                    "cpu_s": round(time.process_time(), 2),
                    "violations": list(self.violations), "entities": len(self.store.entities)}

    def reset(self) -> None:
        """Forget the requests seen (not what is stored)."""
        with self.lock:
            self.requests.clear()
            self.graphql.clear()
            self.proposals.clear()

    @property
    def checkpoints(self) -> dict[str, Any]:
        """dataJob URN -> its latest stale-removal checkpoint, as stateful ingestion wrote it."""
        with self.store.lock:
            return {urn: e.timeseries["datahubIngestionCheckpoint"][-1]
                    for urn, e in self.store.entities.items()
                    if e.timeseries.get("datahubIngestionCheckpoint")}

    def count(self, prefix: str) -> int:
        """Requests seen whose `METHOD path` starts with `prefix`."""
        with self.lock:
            return sum(1 for r in self.requests if r.startswith(prefix))

    # Writes ------------------------------------------------------------------------------

    def ingest(self, proposal: Any) -> str:
        """Apply one proposal (restli JSON) as GMS would; ContractViolation if it would not."""
        if not isinstance(proposal, dict):
            raise ContractViolation("proposal is not an object")
        try:
            mcp = MetadataChangeProposalClass.from_obj(post_json_transform(proposal))
        except Exception as err:
            raise ContractViolation(f"not a MetadataChangeProposal: {err}") from err
        if not mcp.validate():
            raise ContractViolation("proposal fails DataHub's schema validation")
        urn, name = mcp.entityUrn or "", mcp.aspectName or ""
        if not urn or guess_entity_type(urn) != mcp.entityType:
            raise ContractViolation(f"entityType {mcp.entityType!r} does not match {urn!r}")
        if mcp.aspect is None:
            raise ContractViolation(f"{urn}: proposal without an aspect")
        value = json.loads(mcp.aspect.value)
        if mcp.changeType == "UPSERT":
            if mcp.aspect.contentType != "application/json":
                raise ContractViolation(f"UPSERT with content type {mcp.aspect.contentType!r}")
            self.store.upsert(urn, name, value)
        elif mcp.changeType == "PATCH":
            if mcp.aspect.contentType != "application/json-patch+json":
                raise ContractViolation(f"PATCH with content type {mcp.aspect.contentType!r}")
            self.store.patch(urn, name, value)
        else:
            raise ContractViolation(f"changeType {mcp.changeType}: not supported by the stand-in")
        with self.lock:
            self.proposals.append(proposal)
        return urn

    def ingest_snapshot(self, body: Any) -> str:
        """`/entities?action=ingest`: a MetadataChangeEvent, split into its aspects."""
        try:
            ((fqn, snapshot),) = body["entity"]["value"].items()
            cls = getattr(schema_classes, fqn.rsplit(".", 1)[-1] + "Class")
            mce = MetadataChangeEventClass(
                proposedSnapshot=cls.from_obj(post_json_transform(snapshot)))
            if not mce.validate():
                raise ValueError("fails DataHub's schema validation")
        except Exception as err:
            raise ContractViolation(f"not a MetadataChangeEvent snapshot: {err}") from err
        urn = ""
        for mcp in mcps_from_mce(mce):
            assert mcp.aspect is not None and mcp.entityUrn is not None
            urn = mcp.entityUrn
            self.store.upsert(urn, mcp.aspect.get_aspect_name(),
                              pre_json_transform(mcp.aspect.to_obj()))
        return urn

    # Reads -------------------------------------------------------------------------------

    def aspect(self, urn: str, name: str) -> Any | None:
        entity = self.store.entity(urn)
        if entity is None:
            return None
        if name.endswith("Key"):
            return entity.key_aspect(name)
        return entity.aspects.get(name)

    def timeseries(self, body: dict[str, Any]) -> list[Any]:
        name = body.get("aspect")
        if name not in TIMESERIES:
            raise ContractViolation(f"getTimeseriesAspectValues of {name!r}: not timeseries")
        entity = self.store.entity(body.get("urn", ""))
        values = list(reversed(entity.timeseries.get(name, []))) if entity else []
        for group in (body.get("filter") or {}).get("or", []):
            criteria = group.get("and", [])
            values = [v for v in values
                      if all(str(v.get(c["field"])) in c.get("values", []) for c in criteria)]
        return values[: int(body.get("limit") or 10)]


def _handler(gms: Gms) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as GMS: the client pools connections
        wbufsize = -1  # headers and body in one write: no Nagle wait per small response

        def log_message(self, *_: Any) -> None:
            return

        def _send(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _refuse(self, message: str, status: int = 400) -> None:
            gms.violation(f"{self.command} {self.path.split('?')[0]}: {message}")
            self._send(status, {"exceptionClass": "com.linkedin.restli.server.RestLiServiceException",
                                "message": message, "status": status})

        def _authorized(self) -> bool:
            if gms.token is None or self.path.startswith("/config"):
                return True
            if self.headers.get("Authorization") == f"Bearer {gms.token}":
                return True
            self._send(401, {"message": "Unauthorized to perform this action."})
            return False

        def _body(self) -> Any:
            length = int(self.headers.get("Content-Length") or 0)
            return json.loads(self.rfile.read(length) or b"null")

        def do_GET(self) -> None:  # noqa: N802
            gms.note(f"GET {self.path}")
            if not self._authorized():
                return
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            try:
                if parts.path == "/config":
                    self._send(200, CONFIG)
                elif parts.path == "/standin/stats":
                    self._send(200, gms.stats())
                elif parts.path == "/health":
                    self._send(200, {"status": "ok"})
                elif parts.path.startswith("/aspects/"):
                    self._get_aspect(unquote(parts.path[len("/aspects/"):]), query)
                elif parts.path.startswith("/entitiesV2/"):
                    self._get_entity(unquote(parts.path[len("/entitiesV2/"):]), query)
                elif parts.path.startswith("/openapi/v3/entity/") and parts.path.count("/") == 4:
                    self._scroll_type(parts.path.rsplit("/", 1)[1], query)
                elif parts.path == "/openapi/relationships/v1/":
                    self._relationships(query)
                else:
                    self._refuse(f"no such endpoint {parts.path}", 404)
            except ContractViolation as err:
                self._refuse(str(err))

        def _get_aspect(self, urn: str, query: dict[str, list[str]]) -> None:
            name = (query.get("aspect") or [""])[0]
            if (query.get("version") or ["0"])[0] != "0":
                raise ContractViolation("only version 0 (the latest) is kept by the stand-in")
            cls = ASPECT_NAME_MAP.get(name)
            if cls is None:
                raise ContractViolation(f"unknown aspect {name!r}")
            value = gms.aspect(urn, name)
            if value is None:
                self._send(404, {"message": f"{urn} has no {name}", "status": 404})
                return
            fullname = cls.RECORD_SCHEMA.fullname.replace(".pegasus2avro", "")
            self._send(200, {"aspect": {fullname: value}, "version": 0})

        def _get_entity(self, urn: str, query: dict[str, list[str]]) -> None:
            listed = (query.get("aspects") or [""])[0]
            names = listed[len("List("):-1].split(",") if listed.startswith("List(") else []
            aspects = {}
            for name in names:
                value = gms.aspect(urn, name)
                if value is not None:
                    aspects[name] = {"name": name, "type": "VERSIONED", "value": value}
            self._send(200, {"urn": urn, "aspects": aspects})

        def _scroll_type(self, entity: str, query: dict[str, list[str]]) -> None:
            """OpenAPI v3's scroll of one entity type. Its `query` is an Elasticsearch query
            string the stand-in cannot evaluate: answered only when no entity of the type is
            held (then empty whatever it says), else refused."""
            with gms.store.lock:
                held = [u for u, e in gms.store.entities.items() if e.entity_type.lower() == entity]
            if held and (query.get("query") or ["*"])[0] not in ("", "*"):
                raise ContractViolation(f"scroll of {entity} with an Elasticsearch query string")
            self._send(200, {"entities": [{"urn": u} for u in sorted(held)], "scrollId": None,
                             "totalCount": len(held)})

        def _relationships(self, query: dict[str, list[str]]) -> None:
            """OpenAPI's relationships endpoint, for the one edge the stand-in can derive:
            `DownstreamOf` (from each dataset's `upstreamLineage` to its upstreams), INCOMING
            (who reads from `urn`) or OUTGOING (what `urn` reads), paged by start/count."""
            urn = (query.get("urn") or [""])[0]
            direction = (query.get("direction") or [""])[0]
            types = query.get("relationshipTypes") or []
            if not urn or direction not in ("INCOMING", "OUTGOING"):
                raise ContractViolation("relationships need urn and direction INCOMING|OUTGOING")
            if types != ["DownstreamOf"]:
                raise ContractViolation(f"the stand-in derives only DownstreamOf, not {types}")
            start = int((query.get("start") or ["0"])[0])
            count = int((query.get("count") or ["200"])[0])
            with gms.store.lock:
                lineage = {u: [x.get("dataset") for x in
                               (e.aspects.get("upstreamLineage") or {}).get("upstreams") or []]
                           for u, e in gms.store.entities.items()}
            related = sorted(u for u, ups in lineage.items() if urn in ups) \
                if direction == "INCOMING" else sorted(set(lineage.get(urn) or []))
            page = related[start:start + count]
            self._send(200, {"start": start, "count": len(page), "total": len(related),
                             "entities": [{"relationshipType": "DownstreamOf", "urn": u}
                                          for u in page]})

        def do_POST(self) -> None:  # noqa: N802
            gms.note(f"POST {self.path}")
            if not self._authorized():
                return
            parts = urlsplit(self.path)
            try:
                body = self._body()
            except ValueError:
                self._refuse("body is not JSON")
                return
            try:
                self._post(parts.path, parts.query, body)
            except ContractViolation as err:
                self._refuse(str(err))
            except Exception as err:  # noqa: BLE001 - the stand-in's own bug: fail the test
                self._refuse(f"stand-in error {type(err).__name__}: {err}", 500)

        def _post(self, path: str, query: str, body: Any) -> None:
            action = (parse_qs(query).get("action") or [""])[0]
            if path == "/standin/reset":
                gms.reset()
                self._send(200, {})
            elif path == "/api/graphql":
                with gms.lock:
                    gms.graphql.append(body)
                response, problems = answer(Root(gms.store, gms.views), body)
                for problem in problems:
                    gms.violation(problem)
                if gms.rewrite is not None and not problems:
                    response = gms.rewrite(response)
                self._send(200, response)
            elif path == "/aspects" and action in ("ingestProposal", "ingestProposalBatch"):
                proposals = (body.get("proposals") if action == "ingestProposalBatch"
                             else [body.get("proposal")])
                if not isinstance(proposals, list) or not proposals:
                    raise ContractViolation(f"{action} without proposals")
                names = {p.get("aspectName") for p in proposals if isinstance(p, dict)}
                if gms.should_fail(self.path, names):
                    self._send(gms.status, {"message": "failing on purpose", "status": gms.status})
                    return
                urns = [gms.ingest(p) for p in proposals]
                self._send(200, {"value": urns if action == "ingestProposalBatch" else urns[0]})
            elif path == "/entities" and action == "ingest":
                if gms.should_fail(self.path, set()):
                    self._send(gms.status, {"message": "failing on purpose", "status": gms.status})
                    return
                self._send(200, {"value": gms.ingest_snapshot(body)})
            elif path == "/aspects" and action == "getTimeseriesAspectValues":
                values = [{"aspect": {"value": json.dumps(v), "contentType": "application/json"}}
                          for v in gms.timeseries(body)]
                self._send(200, {"value": {"values": values, "limit": len(values)}})
            elif path.startswith("/openapi/v3/entity/") and path.endswith("/batchGet"):
                self._batch_get(path.split("/")[4], "systemMetadata=true" in query, body)
            else:
                raise ContractViolation(f"no such endpoint {path}?action={action}")

        def _batch_get(self, entity: str, with_system: bool, body: Any) -> None:
            if not isinstance(body, list):
                raise ContractViolation("batchGet body must be a list of entity requests")
            found = []
            for request in body:
                urn = request.get("urn", "")
                if guess_entity_type(urn) != entity:
                    raise ContractViolation(f"batchGet {entity}: {urn} is another entity type")
                names = [k for k in request if k != "urn"]
                unknown = [n for n in names if n not in ASPECT_NAME_MAP]
                if unknown:
                    raise ContractViolation(f"batchGet: unknown aspect {unknown[0]!r}")
                result: dict[str, Any] = {"urn": urn}
                for name in names:
                    value = gms.aspect(urn, name)
                    if value is not None:
                        result[name] = {"value": value}
                        if with_system:
                            result[name]["systemMetadata"] = {}
                if len(result) > 1:
                    found.append(result)
            self._send(200, found)

    return Handler


@contextmanager
def gms_standin(port: int = 0, **behaviour: Any) -> Iterator[Gms]:
    """A running stand-in on 127.0.0.1 (a free port unless given), shut down afterwards."""
    gms = Gms(**behaviour)
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(gms))
    server.daemon_threads = True
    gms.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield gms
    finally:
        server.shutdown()
        server.server_close()

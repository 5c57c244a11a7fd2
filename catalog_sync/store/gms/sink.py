"""The `catalog-sync-rest` sink: DataHub's `datahub-rest` sink with a `flush()` that waits for
every write in flight, so a failed write is on the report before stale-removal state is committed.

DataHub's Pipeline calls `sink.flush()` and then commits state only if the sink reported no
failure ("async sinks should override" flush). `datahub-rest` writes from a thread pool and does
not override it, so a write still in flight when the run ends can fail after the state (and a
soft-delete it carried) was committed. This subclass counts the writes it hands to DataHub's sink
through the public write callback and waits in `flush()` until each has succeeded or failed. In
`SYNC` mode DataHub's sink tells only the callback about a failed write; here it also goes on
the report, so the commit gate sees it.
"""

from __future__ import annotations

import threading
from typing import Any

from datahub.ingestion.api.common import RecordEnvelope
from datahub.ingestion.api.sink import WriteCallback
from datahub.ingestion.sink.datahub_rest import DatahubRestSink, RestSinkMode

SINK_TYPE = "catalog-sync-rest"


class _Settled(WriteCallback):
    """Passes the outcome on, then tells the sink the write is no longer in flight."""

    def __init__(self, sink: RestSink, inner: WriteCallback | None) -> None:
        self.sink = sink
        self.inner = inner

    def on_success(self, record_envelope: RecordEnvelope[Any], success_metadata: dict[str, Any]) -> None:
        try:
            if self.inner is not None:
                self.inner.on_success(record_envelope, success_metadata)
        finally:
            self.sink.settled()

    def on_failure(self, record_envelope: RecordEnvelope[Any], failure_exception: Exception,
                   failure_metadata: dict[str, Any]) -> None:
        try:
            if self.sink.config.mode == RestSinkMode.SYNC:
                self.sink.report.report_failure(
                    {"error": str(failure_exception).splitlines()[0] if str(failure_exception)
                     else type(failure_exception).__name__, "info": failure_metadata})
            if self.inner is not None:
                self.inner.on_failure(record_envelope, failure_exception, failure_metadata)
        finally:
            self.sink.settled()


class RestSink(DatahubRestSink):
    """`datahub-rest`, whose `flush()` returns once no write is in flight."""

    def __post_init__(self) -> None:
        self.in_flight = 0
        self.no_write_in_flight = threading.Condition()
        super().__post_init__()

    def write_record_async(self, record_envelope: RecordEnvelope[Any],
                           write_callback: WriteCallback) -> None:
        with self.no_write_in_flight:
            self.in_flight += 1
        try:
            super().write_record_async(record_envelope, _Settled(self, write_callback))
        except BaseException:
            self.settled()
            raise

    def settled(self) -> None:
        with self.no_write_in_flight:
            self.in_flight -= 1
            self.no_write_in_flight.notify_all()

    def flush(self) -> None:
        with self.no_write_in_flight:
            self.no_write_in_flight.wait_for(lambda: self.in_flight <= 0)

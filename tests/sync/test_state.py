"""The state provider's files: atomic state replacement and the write-ahead URN journal."""

from __future__ import annotations

from pathlib import Path

from datahub.ingestion.source.state_provider.file_ingestion_checkpointing_provider import (
    FileIngestionStateProviderConfig,
)

from catalog_sync.sync.state import AtomicFileCheckpointingProvider


def _provider(state: Path) -> AtomicFileCheckpointingProvider:
    return AtomicFileCheckpointingProvider(FileIngestionStateProviderConfig(filename=str(state)))


def test_a_partial_last_journal_line_is_cut_off_not_merged(tmp_path: Path) -> None:
    journal = tmp_path / "s.json.journal"
    journal.write_text("urn:li:dataset:a\nurn:li:dataset:(urn:li:dataPlat")  # killed mid-line
    provider = _provider(tmp_path / "s.json")
    assert provider.inherited == ["urn:li:dataset:a"]
    provider.record("urn:li:dataset:b")
    assert journal.read_text() == "urn:li:dataset:a\nurn:li:dataset:b\n"
    assert _provider(tmp_path / "s.json").inherited == ["urn:li:dataset:a", "urn:li:dataset:b"]


def test_no_journal_means_nothing_inherited(tmp_path: Path) -> None:
    assert _provider(tmp_path / "s.json").inherited == []


def test_a_journal_of_runs_that_never_committed_is_compacted(tmp_path: Path) -> None:
    journal = tmp_path / "s.json.journal"
    journal.write_text("urn:li:dataset:a\nurn:li:dataset:b\n" * 3 + "urn:li:dataset:c\nurn:li")
    provider = _provider(tmp_path / "s.json")
    assert provider.inherited == ["urn:li:dataset:a", "urn:li:dataset:b", "urn:li:dataset:c"]
    assert journal.read_text() == "urn:li:dataset:a\nurn:li:dataset:b\nurn:li:dataset:c\n"

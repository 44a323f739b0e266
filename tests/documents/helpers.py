"""Driving an upload page of the import framework the way a person does: upload, confirm the
proposed column mapping (the dry run), then store everything when the check found no error."""

from __future__ import annotations

from typing import Any

from anjian.documents.models import ImportBatch, ImportBatchStatus


def batch_of(location: str) -> ImportBatch:
    assert location.startswith("/documents/imports/"), location
    return ImportBatch.objects.get(pk=int(location.rstrip("/").rsplit("/", 1)[1]))


def confirm_and_store(client: Any, location: str, capture: Any, **options: str) -> ImportBatch:
    batch = batch_of(location)
    form = {f"col-{i}": key for i, key in batch.mapping.items()}
    with capture(execute=True):
        client.post(location, {**form, **options, "do": "check"})
    batch.refresh_from_db()
    if batch.status == ImportBatchStatus.CHECKED and not batch.summary.get("failed_rows"):
        with capture(execute=True):
            client.post(location, {"do": "store"})
        batch.refresh_from_db()
    return batch

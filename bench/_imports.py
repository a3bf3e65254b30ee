"""What the import benchmarks share: the raw read they are measured against, and one import run through
the machinery as a user runs it (upload → preview job → commit job), timed in its phases."""

from __future__ import annotations

import cProfile
import io
import pstats
import sys
import time
from dataclasses import dataclass
from pathlib import Path


def raw_read(path: Path) -> float:
    """Seconds python-calamine takes to iterate every row of the first sheet: the baseline."""
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    for _row in CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).iter_rows():
        pass
    return time.perf_counter() - started


@dataclass
class ImportTiming:
    batch: object
    preview_s: float
    commit_s: float
    publish_s: float  # how long the one publishing transaction held the write lock

    @property
    def total_s(self) -> float:
        return self.preview_s + self.commit_s


def profiled(profile: cProfile.Profile | None, function):
    if profile is None:
        return function()
    profile.enable()
    try:
        return function()
    finally:
        profile.disable()


def top(profile: cProfile.Profile, limit: int = 25, order: str = "cumulative") -> str:
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats(order).print_stats(limit)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if "ncalls" in line)
    return "\n".join("    " + line[:160] for line in lines[start:])


def run_import(actor, kind: str, path: Path, *, mode: str = "create", policy: str = "valid_only",
               preview_profile: cProfile.Profile | None = None,
               commit_profile: cProfile.Profile | None = None) -> ImportTiming:  # fmt: skip
    """Upload the file and commit it, as a user would; exits when the preview or the import fails."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from talentbase.core.imports import machinery
    from talentbase.core.imports.models import ImportBatch

    publish_seconds: list[float] = []
    publish = machinery._publish

    def timed_publish(*args, **kwargs):
        began = time.perf_counter()
        try:
            return publish(*args, **kwargs)
        finally:
            publish_seconds.append(time.perf_counter() - began)

    machinery._publish = timed_publish
    try:
        started = time.perf_counter()
        upload = SimpleUploadedFile(path.name, path.read_bytes())
        batch = profiled(preview_profile, lambda: machinery.upload(
            actor=actor, kind=kind, uploaded_file=upload, mode=mode, policy=policy))  # fmt: skip
        batch.refresh_from_db()
        previewed = time.perf_counter()
        if batch.state != "previewed":
            sys.exit(f"preview ended {batch.state}: {batch.message}")
        profiled(commit_profile, lambda: machinery.commit(actor=actor, batch=batch, policy=policy))
        batch = ImportBatch.objects.get(pk=batch.pk)
        finished = time.perf_counter()
        if batch.state != "done":
            sys.exit(f"import ended {batch.state}: {batch.message}")
    finally:
        machinery._publish = publish
    return ImportTiming(batch, previewed - started, finished - previewed, sum(publish_seconds))

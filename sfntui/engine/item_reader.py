"""A distributed Map's ItemReader answered from local files instead of S3.

`s3:getObject` reads `ROOT/<Bucket>/<Key>` as AWS reads the object: a JSON array (or an
object holding one at `ItemsPointer`), JSON Lines, or CSV with its header in the first row or
given in `CSVHeaders`. `s3:listObjectsV2` lists the files under `ROOT/<Bucket>/<Prefix>` with
the fields AWS gives each object.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sfntui.asl.file_limits import read_limited_text
from sfntui.engine.tasks import Resource, TaskFailure, TaskInvocation

_FAILED = "States.ItemReaderFailed"


class LocalItemReader:
    def __init__(self, root: str | Path, map_states: Iterable[str]) -> None:
        self.root = Path(root)
        self.map_states = set(map_states)

    def handles(self, state: str, resource: Resource) -> bool:
        return (
            state in self.map_states
            and resource.service == "s3"
            and resource.action in ("getObject", "listObjectsV2")
        )

    async def invoke(self, invocation: TaskInvocation) -> Any:
        params = invocation.parameters if isinstance(invocation.parameters, dict) else {}
        reader = invocation.extra.get("item_reader") or {}
        config = reader.get("ReaderConfig") or {}
        bucket = str(params.get("Bucket", ""))
        if invocation.resource.action == "listObjectsV2":
            return self._list(bucket, str(params.get("Prefix", "")))
        path = self._path(bucket, str(params.get("Key", "")))
        try:
            text = read_limited_text(path, "items file")
        except (OSError, UnicodeDecodeError) as exc:
            raise TaskFailure(_FAILED, f"Cannot read the items file {path}: {exc}") from None
        return _parse_items(text, config, path)

    def _path(self, bucket: str, key: str) -> Path:
        path = (self.root / bucket / key).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise TaskFailure(_FAILED, f"The key {key!r} points outside {self.root}")
        return path

    def _list(self, bucket: str, prefix: str) -> list[dict[str, Any]]:
        base = self.root / bucket
        if not base.is_dir():
            raise TaskFailure(_FAILED, f"There is no local bucket folder {base}")
        items = []
        for file in sorted(p for p in base.rglob("*") if p.is_file()):
            key = file.relative_to(base).as_posix()
            if not key.startswith(prefix):
                continue
            stat = file.stat()
            items.append(
                {
                    "Etag": f'"{hashlib.md5(file.read_bytes()).hexdigest()}"',  # noqa: S324
                    "Key": key,
                    "LastModified": datetime.fromtimestamp(stat.st_mtime, UTC).isoformat(),
                    "Size": stat.st_size,
                    "StorageClass": "STANDARD",
                }
            )
        return items


def _parse_items(text: str, config: dict[str, Any], path: Path) -> list[Any]:
    kind = str(config.get("InputType", "JSON")).upper()
    try:
        if kind == "JSON":
            value = json.loads(text)
            pointer = config.get("ItemsPointer")
            if pointer:
                for part in str(pointer).strip("/").split("/"):
                    value = value[int(part)] if isinstance(value, list) else value[part]
            if not isinstance(value, list):
                raise TaskFailure(_FAILED, f"{path} does not hold a JSON array of items")
            return value
        if kind == "JSONL":
            return [json.loads(line) for line in text.splitlines() if line.strip()]
        if kind == "CSV":
            rows = list(
                csv.reader(io.StringIO(text), delimiter=config.get("CSVDelimiter", ",")[:1] or ",")
            )
            if config.get("CSVHeaderLocation", "FIRST_ROW") == "GIVEN":
                headers = list(config.get("CSVHeaders") or [])
            else:
                headers, rows = (rows[0], rows[1:]) if rows else ([], [])
            return [dict(zip(headers, row, strict=False)) for row in rows]
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise TaskFailure(_FAILED, f"Cannot read the items in {path}: {exc}") from None
    raise TaskFailure(_FAILED, f"The ItemReader InputType {kind!r} is not supported locally")

"""How much of a file sfntui reads: each kind of file has a size limit, and past it one sentence.

Without a limit, `sfntui validate /dev/zero` reads until the kernel kills it. The limits are
generous for what each kind of file holds in practice, and small enough that reading, parsing
and keeping the value stays well under a gigabyte:

- a definition or template: 32 MiB. An ASL definition deployed to AWS is at most 1 MiB, but a
  CloudFormation/SAM/CDK template holds a whole stack (inline definitions, Lambda code, big
  Mappings; CDK output reaches several MiB), and parsing YAML costs ~20x its size in memory;
- an execution input, an expectations file: 16 MiB (AWS's payload limit is 256 KiB; the rest is
  room for expectations of many cases);
- a mock file: 32 MiB (many test cases with their responses);
- a history file: 256 MiB (AWS keeps up to 25,000 events per execution; with payloads near the
  256 KiB limit in a few of them, an export reaches tens of MiB, and a whole `--json` export
  with indentation more);
- a Map's items file (ItemReader from S3 answered locally): 256 MiB (S3 objects are read in
  chunks by AWS; local runs keep the items in memory).

Reading goes through `read_limited_bytes`, which never reads past limit + 1 bytes, so a device
or a fifo that never ends stops at the limit too.
"""

from __future__ import annotations

import os
from pathlib import Path

MIB = 1024 * 1024

LIMITS: dict[str, int] = {
    "definition": 32 * MIB,
    "input": 16 * MIB,
    "expectations": 16 * MIB,
    "mock file": 32 * MIB,
    "history file": 256 * MIB,
    "items file": 256 * MIB,
}


class FileTooLargeError(OSError):
    """A file over its kind's size limit; its message is one sentence."""


def read_limited_bytes(path: str | os.PathLike[str], kind: str) -> bytes:
    """The bytes of `path`, or FileTooLargeError past the limit of `kind` (see LIMITS)."""
    limit = LIMITS[kind]
    with Path(path).open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        article = "an" if kind[0] in "aeiou" else "a"
        raise FileTooLargeError(
            f"the file is larger than {limit // MIB} MiB, sfntui's limit for {article} {kind}"
        )
    return data


def read_limited_text(path: str | os.PathLike[str], kind: str) -> str:
    """`read_limited_bytes` decoded as UTF-8 (UnicodeDecodeError as `Path.read_text` raises)."""
    return read_limited_bytes(Path(path), kind).decode("utf-8")

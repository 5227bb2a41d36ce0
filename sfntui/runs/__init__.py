"""Local runs kept across restarts: definition, input, resolver set-up, history, debugger
stops, in SQLite (standard library, WAL) under the user's data folder. See `store`."""

from sfntui.runs.store import RunStore, RunStoreError, StoredRun, default_store_path

__all__ = ["RunStore", "RunStoreError", "StoredRun", "default_store_path"]

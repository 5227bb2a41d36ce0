"""The event model (AWS `GetExecutionHistory` events, `sfntui.history.events`) and the
projection to per-state runs (`sfntui.history.projection`, over `sfntui.history.runs`).

Nothing is imported here: import from the module that holds a name. The engine writes events
with `events` alone, so `sfntui run` starts without loading the projection it does not use.
"""

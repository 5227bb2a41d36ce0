"""The bodies of the `sfntui` subcommands; `sfntui.cli` parses and dispatches."""

"""sfntui: a terminal debugger and live monitor for AWS Step Functions."""

__version__ = "0.1.0"

"""Reusable Textual widgets of the app."""

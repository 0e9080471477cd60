"""One exception hierarchy. Every error names the file and the dotted key it is about."""

from __future__ import annotations


class AutoshipError(Exception):
    """Base of every error autoship raises on purpose.

    ``file`` and ``field`` are optional; the CLI prints ``autoship: error: FILE: KEY: message``
    with the parts that are known.
    """

    def __init__(self, message: str, file: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.field = field

    def one_line(self) -> str:
        parts = [p for p in (self.file, self.field) if p]
        text = " ".join(self.message.split())
        return ": ".join([*parts, text])

    def __str__(self) -> str:
        return self.one_line()


class ScenarioError(AutoshipError):
    """A scenario file is malformed, inconsistent or physically impossible."""


class ShipModelError(AutoshipError):
    """A ship definition (library or user file) has bad or missing parameters."""


class ChartError(AutoshipError):
    """A chart cannot be read, has no CRS, or does not cover the scenario."""


class AisError(AutoshipError):
    """AIS input that cannot be used at all (unknown layout, unreadable file)."""


class RunFolderError(AutoshipError):
    """A run folder is missing, incomplete, or would be overwritten."""


class ProfileError(AutoshipError):
    """An unknown or malformed scoring profile."""

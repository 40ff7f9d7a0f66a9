"""Errors a user can fix. The CLI prints their message and exits 2, never a traceback."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or usage: one message that names the file and the field or line."""

    exit_code = 2

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.problems = problems or []

    def __str__(self) -> str:
        if not self.problems:
            return self.message
        return self.message + "\n" + "\n".join(f"  - {p}" for p in self.problems)

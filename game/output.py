"""The one output filter: nothing read from a file reaches the terminal as a control sequence.

    printable("evil\x1b]0;title\x07")   # -> 'evil\\x1b]0;title\\x07'
    sys.stdout = FilteredStream(sys.stdout)

Every text the game prints that came from a file (a content file's source line or name, a save's
keys and values, a path) goes through `printable`: control characters, lone surrogates, line
separators and bidirectional overrides are shown escaped, the way Python writes them (`\\x1b`,
`\\u202e`, `\\ud800`), so they can neither drive the terminal nor crash the encoder. Newlines
and tabs stay as they are. The CLI wraps its stdout and stderr in `FilteredStream`; the plain
mode, the full-screen notices and the dialogs call `printable` themselves. It is idempotent.
"""

from __future__ import annotations

import re
from typing import Any, TextIO

# C0 but tab and newline, DEL and C1, U+0085/U+2028/U+2029, bidirectional marks and overrides,
# zero-width and byte-order marks, and surrogates (lone ones can only come from a file).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e"
                     "\u2066-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: object) -> str:
    """`text` as a string that is safe to show on a terminal (see the module docstring)."""
    text = text if isinstance(text, str) else str(text)
    return _UNSAFE.sub(_escape, text)


def has_unsafe(text: str) -> bool:
    """Whether `printable` would change `text`."""
    return _UNSAFE.search(text) is not None


class FilteredStream:
    """A text stream that writes everything through `printable` (for stdout and stderr)."""

    def __init__(self, stream: TextIO):
        self._stream = stream

    def write(self, text: str) -> int:
        """Write the printable form of `text`."""
        self._stream.write(printable(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        """Write each line through `write`."""
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

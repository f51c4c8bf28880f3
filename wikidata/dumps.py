"""Reading a file of Wikidata entities, one entity a line: a JSON dump (a JSON array with one
entity per line, each line but the last ending in ",", "[" and "]" on lines of their own) or
JSON Lines; plain, gzip or bzip2 (told by the file's first bytes, not its name)."""

import bz2
import json
import queue
import re
import shutil
import subprocess
import tempfile
import threading
import zlib
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from wikidata.entities import Entity

GZIP_MAGIC = b"\x1f\x8b"
BZIP2_MAGIC = b"BZh"
# Decompressors faster than Python's zlib and bz2, run as a process of their own when they
# are installed (GNU gzip and bzip2 are not: a thread decompressing in Python is faster).
DECOMPRESSORS = {"gzip": ("pigz",), "bzip2": ("lbzip2",)}


class InvalidEntity(ValueError):
    def __init__(self, line_number: int, message: str):
        self.line_number = line_number
        self.message = message
        super().__init__(f"line {line_number}: {message}")


def compression_of(path: Path) -> str:
    """ "gzip", "bzip2" or "" (plain), from the file's first bytes."""
    with path.open("rb") as file:
        start = file.read(3)
    if start.startswith(GZIP_MAGIC):
        return "gzip"
    if start.startswith(BZIP2_MAGIC):
        return "bzip2"
    return ""


class Dump:
    """An open file of entities: its lines, and how far into the file they are."""

    def __init__(
        self,
        raw: IO[bytes],
        lines: Iterable[bytes],
        size: int,
        finished: Callable[[], None] = lambda: None,
    ):
        self.raw = raw
        self.stream = lines
        self.size = size  # bytes on disk
        self.finished = finished  # raises OSError when the decompressor failed
        self.array = False  # a JSON array, as Wikidata's dumps; else JSON Lines

    def bytes_read(self) -> int:
        """Bytes of the file on disk read so far (compressed ones for a compressed file)."""
        return self.raw.tell()

    def entity_lines(self) -> Iterator[tuple[int, bytes]]:
        """(line number, the entity's JSON) for each line holding an entity: the array's
        brackets and blank lines left out. Line numbers count every line, from 1, as an
        editor or `sed -n` does. A line keeps the comma that ends it in an array: parse()
        and check_shape() allow for it, where a copy of every line without it would cost
        more than the rest of the first pass."""
        pending: tuple[int, bytes] | None = None
        number = 0
        for line in self.stream:
            number += 1
            if len(line) < 4:  # "[", "]", or blank, maybe with spaces or a comma
                bare = line.strip().rstrip(b",")
                if bare == b"[":
                    self.array = True
                if bare in (b"", b"[", b"]"):
                    continue
            # Each line waits for the next: the last one comes once the decompressor has
            # said the file was whole, so that a cut file is told as such.
            if pending is not None:
                yield pending
            pending = (number, line)
        self.finished()
        if pending is not None:
            yield pending


@contextmanager
def open_dump(path: Path, *, external: bool = True) -> Iterator[Dump]:
    """The dump at `path`, decompressed. With `external`, by a decompressor process when
    one is installed (DECOMPRESSORS), which reads the file itself; otherwise in Python."""
    compression = compression_of(path)
    size = path.stat().st_size
    program = _decompressor(compression) if external else None
    with path.open("rb") as raw:
        if program is None:
            lines = read_ahead(raw, compression)
            try:
                yield Dump(raw, lines, size)
            finally:
                lines.close()  # stops its thread
            return
        with tempfile.TemporaryFile() as errors:
            process = subprocess.Popen(
                [program, "-dc"], stdin=raw, stdout=subprocess.PIPE, stderr=errors, bufsize=1 << 20
            )
            assert process.stdout is not None

            def finished() -> None:
                if process.wait() != 0:
                    errors.seek(0)
                    told = errors.read().decode(errors="replace").strip().split("\n")[0]
                    raise OSError(f"{Path(program).name} says: {told or process.returncode}")

            lines = read_ahead(process.stdout, "")
            try:
                yield Dump(raw, lines, size, finished)
            finally:
                lines.close()
                process.stdout.close()
                if process.poll() is None:  # stopped before the end
                    process.kill()
                process.wait()


COMPRESSED_BLOCK = 1 << 18  # bytes of the file read at a time
DECOMPRESSED_BLOCK = 1 << 20  # bytes decompressed at a time, at most
QUEUED_BLOCKS = 8  # decompressed blocks waiting at most
_END = object()


def read_ahead(raw: IO[bytes], compression: str) -> Generator[bytes, None, None]:
    """The lines of a file (without their newlines), read and decompressed by a thread of
    its own: zlib and bz2 let go of the GIL while they decompress a block, so that the file
    is decompressed on one core while the lines are read on another."""
    blocks: queue.Queue = queue.Queue(maxsize=QUEUED_BLOCKS)
    stop = threading.Event()

    def put(item) -> None:
        while not stop.is_set():
            try:
                blocks.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def read() -> None:
        try:
            for block in decompressed(raw, compression):
                if stop.is_set():
                    return
                put(block)
            put(_END)
        except BaseException as error:  # raised again on the reading side
            put(error)

    thread = threading.Thread(target=read, name="wikidata-dump-reader", daemon=True)
    thread.start()
    try:
        rest = b""
        while (block := blocks.get()) is not _END:
            if isinstance(block, BaseException):
                raise block
            lines = block.split(b"\n")
            lines[0] = rest + lines[0]
            rest = lines.pop()
            yield from lines
        if rest:
            yield rest
    finally:
        stop.set()
        thread.join()


def decompressed(raw: IO[bytes], compression: str) -> Iterator[bytes]:
    """The file's bytes, decompressed, in blocks of at most DECOMPRESSED_BLOCK bytes (one
    call into zlib or bz2 each; zlib checks each gzip member's CRC itself). Wikidata's
    dumps are made by parallel compressors: many gzip members, or bzip2 streams, in a row."""
    if not compression:
        while block := raw.read(COMPRESSED_BLOCK):
            yield block
        return

    def decompressor():
        return zlib.decompressobj(wbits=31) if compression == "gzip" else bz2.BZ2Decompressor()

    current = decompressor()
    data = raw.read(COMPRESSED_BLOCK)
    while data or not current.eof:
        block = current.decompress(data, DECOMPRESSED_BLOCK)
        if block:
            yield block
        if current.eof:
            data = current.unused_data
            if not data.strip(b"\0"):  # the end, or padding after it
                data = raw.read(COMPRESSED_BLOCK)
                if not data.strip(b"\0"):
                    return
            current = decompressor()
        elif compression == "gzip" and (
            current.unconsumed_tail or len(block) == DECOMPRESSED_BLOCK
        ):
            data = current.unconsumed_tail  # more to come out of what it was given
        elif compression == "bzip2" and not current.needs_input:
            data = b""
        else:
            data = raw.read(COMPRESSED_BLOCK)
            if not data:
                break
    if not current.eof:
        raise EOFError("the compressed file ends before its end marker: it is cut short")


def _decompressor(compression: str) -> str | None:
    for program in DECOMPRESSORS.get(compression, ()):
        found = shutil.which(program)
        if found:
            return found
    return None


# The entity's own id. In dumps it is the second key of the line ({"type":"item","id":"Q31",
# ...); within statements the same key names the item a value points to, so a match is
# trusted only when no "claims" key comes before it.
_ID = re.compile(rb'"id"\s*:\s*"([A-Z][0-9]+(?:-[A-Z][0-9]+)?)"')
_CLAIMS = b'"claims"'


def entity_id(number: int, raw: bytes) -> str:
    """The id of the entity on a line, without decoding the whole line where it can."""
    match = _ID.search(raw)
    if match is not None and raw.find(_CLAIMS, 0, match.start()) == -1:
        return match[1].decode()
    return parse(number, raw)["id"]


def parse(number: int, raw: bytes) -> Entity:
    """The entity on a line, decoded, with an id; InvalidEntity naming the line otherwise."""
    text = raw.rstrip()
    if text.endswith(b","):  # in an array
        text = text[:-1]
    try:
        entity = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidEntity(number, f"invalid JSON ({exc.msg} at column {exc.colno})") from None
    except (ValueError, RecursionError) as exc:  # bad UTF-8; nested too deeply
        raise InvalidEntity(number, f"invalid JSON ({exc})") from None
    if not isinstance(entity, dict):
        raise InvalidEntity(number, "not a JSON object")
    if not isinstance(entity.get("id"), str) or not entity["id"]:
        raise InvalidEntity(number, "an entity without an id")
    return entity


def check_shape(number: int, raw: bytes) -> None:
    """The cheap check every line gets: a JSON object (a line cut short ends otherwise).
    Lines that are neither films nor needed are not decoded, so this is all they get."""
    if raw.startswith(b"{") and raw.endswith((b"}", b"},")):
        return
    text = raw.strip()
    if text.endswith(b","):
        text = text[:-1]
    if not (text.startswith(b"{") and text.endswith(b"}")):
        raise InvalidEntity(number, "not a JSON object on one line (cut short?)")

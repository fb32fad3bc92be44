"""Scoring text with the `sentiment` binary on Apache Spark executors (see docs/spark.md).

The recipes in this folder share what is here: shipping the binary and the model to the executors,
the command each task runs, turning any value into one line of valid UTF-8, and running one
`sentiment` process over a partition with each row's id carried through it and checked on the way
back. Nothing here trusts order or counts alone: a missing, extra or out-of-place line, a non-zero
exit or a killed process raises, so Spark fails the task (and retries it) instead of losing rows.
"""

import collections
import json
import os
import shlex
import signal
import subprocess
import threading
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Tuple

from pyspark import SparkContext, SparkFiles, TaskContext

__all__ = [
    "ScoreCountMismatch",
    "Shipment",
    "SentimentProcessError",
    "one_line",
    "partition_name",
    "run_sentiment",
    "ship",
]


@dataclass(frozen=True)
class Shipment:
    """The binary and the model as shipped with `SparkContext.addFile`, and the threads one task uses."""

    binary: str
    model: str
    threads: int
    # The directory the executors find shipped files in, fixed on the driver for `RDD.pipe`, whose
    # command line is built there: the driver's own in local mode (tasks run beside it), else the
    # executor's working directory, where Spark puts the files of `addFile` and `--files`.
    pipe_directory: str

    def command(self, subcommand: str, *options: str) -> list:
        """The command line of a task (`score` or `explain`), with paths found on the executor that
        runs it."""
        return self._arguments(SparkFiles.get(self.binary), SparkFiles.get(self.model), subcommand, options)

    def pipe_command(self, subcommand: str, *options: str) -> str:
        """The command string for `RDD.pipe` (split with shlex on the executor, run with no shell)."""
        return shlex.join(self._arguments(
            os.path.join(self.pipe_directory, self.binary), os.path.join(self.pipe_directory, self.model),
            subcommand, options))

    def _arguments(self, binary: str, model: str, subcommand: str, options: tuple) -> list:
        # Lines from a program are data, line 1 included: `score` must never guess a header
        # (`explain` never does).
        no_header = ["--no-header"] if subcommand == "score" else []
        return [binary, subcommand, *no_header, "--threads", str(self.threads), "--model", model, *options]


def ship(context: SparkContext, binary: str, model: str) -> Shipment:
    """Ships `binary` (a self-contained build, scripts/build_static.sh) and `model` to every executor:
    local paths or any URI `SparkContext.addFile` takes (hdfs://, s3a://, ...).

    Each task runs `sentiment` with `--threads` set to `spark.task.cpus` (1 unless configured): the
    binary's default, all cores, would oversubscribe an executor running several tasks at once.
    """
    for path in (binary, model):
        if "://" not in path and not os.path.isfile(path):
            raise FileNotFoundError(f"{path}: no such file to ship to the executors")
    if "://" not in binary and not os.access(binary, os.X_OK):
        raise PermissionError(f"{binary}: not executable")
    context.addFile(binary)
    context.addFile(model)
    # The functions the recipes send to the executors refer to this module by name.
    context.addPyFile(os.path.abspath(__file__))
    master = context.master
    local = master == "local" or master.startswith("local[")
    return Shipment(
        binary=os.path.basename(binary),
        model=os.path.basename(model),
        threads=int(context.getConf().get("spark.task.cpus", "1")),
        pipe_directory=SparkFiles.getRootDirectory() if local else ".",
    )


def one_line(value: Any) -> str:
    """`value` as one line of valid Unicode text, scored as `sentiment score` scores the same text.

    None is the empty text (PySpark's `pipe` would send the word "None"). Line breaks (CR LF, CR, LF)
    become spaces: one text must stay one line, and to the tokenizer a line break and a space are
    both white space. A lone surrogate, which Python strings can hold and UTF-8 cannot (it would kill
    the writer thread of PySpark's `pipe` and hang the task), becomes U+FFFD, except those that stand
    for undecodable bytes (Python's surrogateescape), which give those bytes back so they are
    replaced as `sentiment` replaces invalid UTF-8.
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if "\n" in text or "\r" in text:
        text = text.replace("\r\n", " ").replace("\r", " ").replace("\n", " ")
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        raw = b"".join(
            character.encode("utf-8", "surrogateescape")
            if not 0xD800 <= ord(character) <= 0xDFFF or 0xDC80 <= ord(character) <= 0xDCFF
            else b"\xef\xbf\xbd"
            for character in text
        )
        return raw.decode("utf-8", "replace")


class SentimentProcessError(RuntimeError):
    """`sentiment` failed on a partition: a non-zero exit, a signal, or output that does not match."""


class ScoreCountMismatch(RuntimeError):
    """A partition of `RDD.pipe` whose number of scores is not its number of texts."""


def _describe_exit(code: int) -> str:
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"was killed by {name} (signal {-code})"
    return f"exited with status {code}"


def run_sentiment(
    command: list,
    rows: Iterable[Any],
    id_of: Callable[[Any], Any],
    text_of: Callable[[Any], Any],
    describe: Callable[[], str] = lambda: "",
) -> Iterator[Tuple[Any, dict]]:
    """Runs one `sentiment score` or `explain` process (`command`, with `--id-column 1 --format
    jsonl`) over `rows` and yields (row, output object) in input order.

    Each row's `id_of` is sent as its line's id (with the row's `text_of` as the text) and must come
    back in the same place: an output line with another id, more or fewer output lines than input
    lines, output that is not JSON, a non-zero exit or a signal raises `SentimentProcessError` with
    the process's last lines of standard error. An exception while reading `rows` (or an id that is
    null or holds a tab or a line break) is raised here too, the process stopped, not lost in the
    thread that feeds the process. `describe` names the partition in messages.
    """
    process = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={}
    )
    in_flight: collections.deque = collections.deque()
    feeding_error: list = []
    error_tail: collections.deque = collections.deque(maxlen=20)

    def feed() -> None:
        try:
            for row in rows:
                key = id_of(row)
                if key is None:
                    raise ValueError(f"a row with a null id: {row!r:.200}")
                identifier = one_line(key if isinstance(key, str) else str(key))
                if "\t" in identifier or identifier != (key if isinstance(key, str) else str(key)):
                    raise ValueError(f"id {key!r:.200} holds a tab, a line break or invalid Unicode")
                in_flight.append((row, identifier))
                process.stdin.write(f"{identifier}\t{one_line(text_of(row))}\n".encode("utf-8"))
        except BrokenPipeError:
            pass  # the process has ended: its exit status says why
        except BaseException as error:  # re-raised in the task's own thread
            feeding_error.append(error)
        finally:
            try:
                process.stdin.close()
            except OSError:
                pass

    def drain_errors() -> None:
        for raw in process.stderr:
            error_tail.append(raw.decode("utf-8", "replace").rstrip("\n"))

    feeder = threading.Thread(target=feed, daemon=True)
    drainer = threading.Thread(target=drain_errors, daemon=True)
    feeder.start()
    drainer.start()

    def failure(message: str) -> SentimentProcessError:
        where = describe()
        stderr = "\n".join(error_tail)
        return SentimentProcessError(
            f"{os.path.basename(command[0])} {command[1]}{' (' + where + ')' if where else ''}: {message}"
            + (f"; its standard error ends:\n{stderr}" if stderr else "; nothing on its standard error")
        )

    finished = False
    try:
        count = 0
        for raw in process.stdout:
            count += 1
            try:
                result = json.loads(raw)
            except ValueError:
                raise failure(f"output line {count} is not JSON: {raw[:200]!r}") from None
            if not in_flight:
                raise failure(f"output line {count} has no input line (id {result.get('id')!r})")
            row, identifier = in_flight.popleft()
            if result.get("id") != identifier:
                raise failure(f"output line {count} has id {result.get('id')!r} where {identifier!r} was sent")
            yield row, result
        feeder.join()
        code = process.wait()
        drainer.join()
        if feeding_error:
            raise feeding_error[0]
        if code != 0:
            raise failure(_describe_exit(code))
        if in_flight:
            raise failure(f"{len(in_flight)} input lines got no output (the first: id {in_flight[0][1]!r})")
        finished = True
    finally:
        if not finished and process.poll() is None:
            process.kill()
        process.wait()


def partition_name() -> str:
    """"partition P, attempt A" of the running task (empty outside a task)."""
    task = TaskContext.get()
    return f"partition {task.partitionId()}, attempt {task.attemptNumber()}" if task else ""

"""The Spark recipes in a real PySpark, local mode: examples/spark/test.sh runs this.

    python examples/spark/test_recipes.py --binary .build/static/sentiment \\
        --reference .build/release/sentiment --model MODEL --work DIR

20,000 lines (from ../shared/data when present, else generated) with a header-like first line,
empty lines, invalid UTF-8, a 1 MB line, tabs and CRLF go through each recipe on `local[2]` in 4, 1
and 8 partitions; every line's probability must be the one `sentiment score` (`--reference`) gives
for the same file. Texts with line breaks, nulls and lone surrogates, an exception upstream of the
pipe, a binary that loses or reorders a line, and a killed `sentiment` process must each give the
right rows or fail the job with a message that says why; after a kill, Spark's retry (`local[2,2]`)
must give every row.
"""

import argparse
import json
import os
import random
import signal
import stat
import subprocess
import sys
import threading
import time
import unittest

from pyspark import SparkFiles, TaskContext
from pyspark.sql import SparkSession
from pyspark.sql.types import LongType, StringType, StructField, StructType

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from score_dataframe import score_dataframe  # noqa: E402
from score_pipe import score_with_pipe  # noqa: E402
from sentiment_spark import one_line, ship  # noqa: E402

LINE_COUNT = 20_000
# A line's probability does not depend on the batch it is scored in (see docs/spark.md), so scores must
# equal `sentiment score`'s exactly. `explain`'s probabilities are compared within this.
TOLERANCE = 1e-6
# No Spark job of this test may take longer: a hung task fails the test instead of stalling CI.
JOB_DEADLINE = 300

options = argparse.Namespace()


def special_lines(rng: random.Random) -> list:
    """Lines that break naive pipelines, as bytes."""
    words = "good bad film plot acting great awful boring superb dull".split()
    big = " ".join(rng.choice(words) for _ in range(200_000)).encode()[: 1 << 20]
    return [
        b"",
        b"label\ttext",
        b"positive\tgreat film",
        b"ok \xff\xfe x, a fine film",
        b"\xc3\x28 broken start, awful plot",
        b"truncated at the end \xe2\x82",
        big,
        b"a text\twith two\ttabs",
        "我喜欢这部电影 😀👍🏽 :) หนังดีมาก".encode(),
        b"   ",
        b"a line with a CR before its newline\r",
    ]


def corpus_texts() -> list:
    """Texts of the benchmark corpora beside the repository, when there (short, Chinese, long)."""
    shared = os.environ.get("SENTIMENT_SHARED") or os.path.join(options.repository, "..", "shared")
    texts = []
    for name, limit in (("sst2/train.tsv", 14_000), ("cr/train.tsv", 2_000),
                        ("chnsenticorp/train.tsv", 2_000), ("imdb/train.tsv", 1_500)):
        path = os.path.join(shared, "data", name)
        if not os.path.exists(path):
            continue
        with open(path, "rb") as corpus:
            next(corpus)
            for line in corpus:
                if len(texts) >= LINE_COUNT or limit == 0:
                    break
                texts.append(line.rstrip(b"\r\n").split(b"\t", 1)[-1])
                limit -= 1
    return texts


def generated_texts(rng: random.Random, count: int) -> list:
    """Sentences of 1 to 60 words of corpora/en.tsv, for when ../shared is absent."""
    with open(os.path.join(options.repository, "corpora", "en.tsv"), encoding="utf-8") as corpus:
        words = [word for line in list(corpus)[1:] for word in line.split("\t", 1)[1].split()]
    return [" ".join(rng.choice(words) for _ in range(rng.randint(1, 60))).encode() for _ in range(count)]


def write_lines(path: str) -> None:
    """20,000 lines: the special ones spread over the file (line 1 header-like), the rest texts."""
    rng = random.Random(26)
    specials = special_lines(rng)
    texts = corpus_texts()
    source = "../shared/data" if texts else "generated sentences"
    texts += generated_texts(rng, LINE_COUNT - len(texts))
    texts = texts[: LINE_COUNT - 2 * len(specials)]
    lines = [specials[1]] + texts
    # Twice over, every special line at an evenly spaced place, so each partition holds some.
    step = len(lines) // (2 * len(specials))
    for index, special in enumerate(specials * 2):
        lines.insert(1 + (index + 1) * step, special)
    lines = lines[:LINE_COUNT]
    assert len(lines) == LINE_COUNT
    with open(path, "wb") as output:
        output.write(b"\n".join(lines) + b"\n")
    print(f"test_recipes: {LINE_COUNT} lines ({source}) in {path}", file=sys.stderr)


def reference_scores(path: str, *options_: str) -> list:
    """(probability, label) of every line of `path` from `sentiment score` outside Spark."""
    result = subprocess.run(
        [options.reference, "score", "--no-header", "--model", options.model, *options_, path],
        capture_output=True, check=True)
    return [(float(p), label) for p, label in (line.split("\t") for line in result.stdout.decode().splitlines())]


class Spark:
    """One SparkSession at a time (one SparkContext per process), restarted when the master changes."""

    session = None

    @classmethod
    def start(cls, master: str) -> SparkSession:
        if cls.session is not None and cls.session.sparkContext.master == master:
            return cls.session
        if cls.session is not None:
            cls.session.stop()
        cls.session = (
            SparkSession.builder.master(master).appName("sentiment recipes test")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "8")
            .getOrCreate())
        # The failures the tests cause on purpose would fill the log; unexpected ones fail a test.
        cls.session.sparkContext.setLogLevel("FATAL")
        return cls.session


def within_deadline(context, action):
    """Runs `action()` (a Spark job), cancelling it and failing when it outlives JOB_DEADLINE."""
    done = threading.Event()
    expired = []

    def watch():
        if not done.wait(JOB_DEADLINE):
            expired.append(True)
            context.cancelAllJobs()

    threading.Thread(target=watch, daemon=True).start()
    try:
        return action()
    finally:
        done.set()
        if expired:
            raise AssertionError(f"a Spark job ran longer than {JOB_DEADLINE} s: a hung task")


class RecipeTestCase(unittest.TestCase):
    master = "local[2]"

    @classmethod
    def setUpClass(cls):
        cls.spark = Spark.start(cls.master)
        cls.context = cls.spark.sparkContext
        cls.shipment = ship(cls.context, options.binary, options.model)

    def assertScoresMatch(self, actual, expected, what):
        """Same count; each probability and label exactly the reference's (the printed probability is the
        shortest decimal of the float, so equal decimals mean equal bits)."""
        self.assertEqual(len(actual), len(expected), f"{what}: {len(actual)} rows for {len(expected)} lines")
        differing = [i for i, (a, e) in enumerate(zip(actual, expected)) if a != e]
        if differing:
            index = differing[0]
            worst = max(abs(actual[i][0] - expected[i][0]) for i in differing)
            self.fail(f"{what}: {len(differing)} lines differ (by up to {worst:.1e}), the first line "
                      f"{index + 1}: {actual[index]} against {expected[index]}")
        print(f"test_recipes: {what}: {len(actual)} rows, all bitwise equal", file=sys.stderr)

    def run_job(self, action):
        return within_deadline(self.context, action)

    def lines_frame(self, partitions: int):
        """The test lines as a DataFrame (text, line number from 0), at least `partitions` partitions."""
        rdd = self.context.textFile(options.lines, minPartitions=partitions)
        self.assertGreaterEqual(rdd.getNumPartitions(), partitions)
        schema = StructType([StructField("text", StringType()), StructField("line", LongType())])
        return self.spark.createDataFrame(rdd.zipWithIndex(), schema)


class PipeRecipeTests(RecipeTestCase):
    def pipe_scores(self, partitions: int) -> list:
        texts = self.context.textFile(options.lines, minPartitions=partitions)
        if partitions == 1:
            self.assertEqual(texts.getNumPartitions(), 1)
        else:
            self.assertGreaterEqual(texts.getNumPartitions(), partitions)
        return self.run_job(lambda: score_with_pipe(texts, self.shipment).collect())

    def test_every_line_in_four_partitions(self):
        self.assertScoresMatch(self.pipe_scores(4), options.expected, "pipe, 4 partitions")

    def test_one_and_eight_partitions(self):
        one = self.pipe_scores(1)
        eight = self.pipe_scores(8)
        self.assertScoresMatch(one, options.expected, "pipe, 1 partition")
        self.assertScoresMatch(eight, options.expected, "pipe, 8 partitions")
        self.assertScoresMatch(eight, one, "pipe, 8 partitions against 1")

    def test_line_breaks_nulls_surrogates_and_header_like_starts(self):
        texts = crafted_texts()
        scored = self.run_job(lambda: score_with_pipe(self.context.parallelize(texts, 4), self.shipment).collect())
        self.assertScoresMatch(scored, crafted_reference(texts), "pipe, crafted texts")

    def test_an_exception_upstream_fails_the_job_instead_of_hanging_it(self):
        def fail_on_seven(number):
            if number == 7:
                raise ValueError("upstream failure on element 7")
            return f"text {number}"

        texts = self.context.parallelize(range(20), 2).map(fail_on_seven)
        with self.assertRaises(Exception) as raised:
            self.run_job(lambda: score_with_pipe(texts, self.shipment).collect())
        self.assertIn("upstream failure on element 7", str(raised.exception))

    def test_a_lost_line_fails_the_job(self):
        shipment = ship(self.context, wrapper("drops-a-line", "sed '$d'"), options.model)
        texts = self.context.parallelize([f"text {n}" for n in range(40)], 2)
        with self.assertRaises(Exception) as raised:
            self.run_job(lambda: score_with_pipe(texts, shipment).collect())
        self.assertIn("20 texts went into sentiment score, 19 scores came back", str(raised.exception))

    def test_a_failing_process_fails_the_job(self):
        # A model file that is not one: sentiment exits 1 at once, so PySpark's pipe would give no rows.
        broken = os.path.join(options.work, "broken.safetensors")
        with open(broken, "wb") as model:
            model.write(b"not a model")
        shipment = ship(self.context, options.binary, broken)
        texts = self.context.parallelize(["great film"], 1)
        with self.assertRaises(Exception) as raised:
            self.run_job(lambda: score_with_pipe(texts, shipment).collect())
        self.assertIn("PIPE_FUNCTION_EXITED", str(raised.exception))


class DataFrameRecipeTests(RecipeTestCase):
    def frame_scores(self, partitions: int) -> list:
        frame = self.lines_frame(partitions)
        rows = self.run_job(lambda: score_dataframe(frame, self.shipment, "text", "line").collect())
        lines = sorted(row["line"] for row in rows)
        self.assertEqual(lines, list(range(LINE_COUNT)), "every line exactly once")
        by_line = {row["line"]: (row["probability"], row["label"]) for row in rows}
        return [by_line[line] for line in range(LINE_COUNT)]

    def test_every_line_in_four_and_eight_partitions(self):
        self.assertScoresMatch(self.frame_scores(4), options.expected, "DataFrame, 4 partitions")
        self.assertScoresMatch(self.frame_scores(8), options.expected, "DataFrame, 8 partitions")

    def test_rows_keep_their_columns(self):
        frame = self.spark.createDataFrame(
            [(f"r{n}", n, f"review number {n}") for n in range(10)], "review string, stars long, text string")
        rows = score_dataframe(frame, self.shipment, "text", "review").collect()
        self.assertEqual(
            [(row["review"], row["stars"], row["text"]) for row in rows],
            [(f"r{n}", n, f"review number {n}") for n in range(10)])
        self.assertEqual(rows[0].__fields__, ["review", "stars", "text", "probability", "label"])

    def test_line_breaks_nulls_surrogates_and_header_like_starts(self):
        texts = crafted_texts()
        schema = StructType([StructField("id", LongType()), StructField("text", StringType())])
        frame = self.spark.createDataFrame(self.context.parallelize(list(enumerate(texts)), 4), schema)
        rows = self.run_job(lambda: score_dataframe(frame, self.shipment).collect())
        self.assertEqual([row["id"] for row in rows], list(range(len(texts))))
        # Spark's strings hold a lone surrogate as U+FFFD, as one_line makes it.
        self.assertScoresMatch(
            [(row["probability"], row["label"]) for row in rows], crafted_reference(texts),
            "DataFrame, crafted texts")

    def test_explain_gives_what_sentiment_explain_gives(self):
        texts = [line for line in options.sample if line][:200]
        frame = self.spark.createDataFrame(list(enumerate(texts)), "id long, text string").repartition(4, "id")
        rows = self.run_job(lambda: score_dataframe(frame, self.shipment, explain=True).collect())
        by_id = {row["id"]: row for row in rows}
        self.assertEqual(sorted(by_id), list(range(len(texts))))
        path = os.path.join(options.work, "explain.txt")
        with open(path, "w", encoding="utf-8") as file:
            file.write("\n".join(texts) + "\n")
        reference = subprocess.run(
            [options.reference, "explain", "--model", options.model, "--format", "jsonl", path],
            capture_output=True, check=True).stdout.decode().splitlines()
        self.assertEqual(len(reference), len(texts))
        for number, line in enumerate(reference):
            expected, row = json.loads(line), by_id[number]
            self.assertEqual(row["tokens"], [token["token"] for token in expected["tokens"]])
            self.assertAlmostEqual(row["probability"], expected["probability"], delta=TOLERANCE)
            for actual, wanted in zip(row["attributions"], (token["attribution"] for token in expected["tokens"])):
                self.assertAlmostEqual(actual, wanted, delta=1e-4)

    def test_a_reordered_or_lost_line_fails_the_job(self):
        frame = self.spark.createDataFrame([(n, f"text {n}") for n in range(40)], "id long, text string")
        swapped = ship(self.context, wrapper("swaps-lines", "sed '1{h;d};2{G}'"), options.model)
        with self.assertRaises(Exception) as raised:
            self.run_job(lambda: score_dataframe(frame.coalesce(1), swapped).collect())
        self.assertIn("has id '1' where '0' was sent", str(raised.exception))
        dropped = ship(self.context, wrapper("drops-a-line", "sed '$d'"), options.model)
        with self.assertRaises(Exception) as raised:
            self.run_job(lambda: score_dataframe(frame.coalesce(1), dropped).collect())
        self.assertIn("1 input lines got no output (the first: id '39')", str(raised.exception))


def crafted_texts() -> list:
    """Texts a DataFrame can hold and a line cannot, four partitions each starting header-like."""
    return [
        "label\ttext", "a line\nbreak", "text\tlabel", "a CR LF\r\nbreak",
        "review", "a lone CR\rhere", "sentence\t1", None,
        "id\ttext", "a bad surrogate \udcff here", "label", "a lone high surrogate \ud800 here",
        "", "\n", "NUL \x00 inside", "trailing newline\n",
    ]


def crafted_reference(texts: list) -> list:
    """`sentiment score`'s scores of `texts` as `one_line` makes them single lines."""
    path = os.path.join(options.work, "crafted.txt")
    with open(path, "wb") as file:
        file.write(b"".join(one_line(text).encode("utf-8") + b"\n" for text in texts))
    return reference_scores(path)


def wrapper(name: str, filter_command: str) -> str:
    """A shippable script that runs the real binary (by absolute path) and passes its output through
    `filter_command`, to fake a binary that loses or reorders lines. Its exit status is sentiment's."""
    path = os.path.join(options.work, name)
    with open(path, "w") as script:
        script.write(f"#!/bin/sh\nset -e\n{options.binary!r} \"$@\" | {filter_command}\n")
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
    return path


def slow_first_attempts(rows):
    """Holds each partition's first attempt for 3 s before its first row (the process then waits)."""
    if TaskContext.get().attemptNumber() == 0:
        time.sleep(3)
    yield from rows


def processes_running(binary_path: str) -> list:
    """Ids of the processes whose executable is `binary_path`."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            if entry.isdigit() and os.readlink(f"/proc/{entry}/exe") == binary_path:
                found.append(int(entry))
        except OSError:
            continue
    return found


class Killer:
    """Kills (SIGKILL) the first process found running the shipped binary, as a crash would. It
    starts once the tasks of earlier jobs (still ending after a failed job) have gone."""

    def __init__(self, context, binary_path: str):
        self.binary_path = os.path.realpath(binary_path)
        deadline = time.time() + 60
        while (context.statusTracker().getActiveJobsIds() or processes_running(self.binary_path)) \
                and time.time() < deadline:
            time.sleep(0.1)
        self.killed = []
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        deadline = time.time() + 60
        while time.time() < deadline and not self.killed:
            for process in processes_running(self.binary_path):
                try:
                    os.kill(process, signal.SIGKILL)
                except ProcessLookupError:
                    continue
                self.killed.append(process)
                return
            time.sleep(0.02)


class KilledProcessTests(RecipeTestCase):
    """Without retries (local[2]) a killed process fails the job, saying so."""

    def killed_job(self, action):
        killer = Killer(self.context, SparkFiles.get(self.shipment.binary))
        with self.assertRaises(Exception) as raised:
            self.run_job(action)
        killer.thread.join()
        self.assertEqual(len(killer.killed), 1, "no sentiment process was found to kill")
        return str(raised.exception)

    def test_pipe(self):
        texts = self.context.textFile(options.lines, minPartitions=4).mapPartitions(slow_first_attempts)
        message = self.killed_job(lambda: score_with_pipe(texts, self.shipment).count())
        self.assertIn("PIPE_FUNCTION_EXITED", message)
        self.assertIn("-9", message)

    def test_dataframe(self):
        frame = self.lines_frame(4)
        slow = self.spark.createDataFrame(frame.rdd.mapPartitions(slow_first_attempts), frame.schema)
        message = self.killed_job(lambda: score_dataframe(slow, self.shipment, "text", "line").count())
        self.assertIn("sentiment score (partition", message)
        self.assertIn("was killed by SIGKILL (signal 9)", message)


class RetryAfterKillTests(RecipeTestCase):
    """With retries (local[2,2]: a task may fail once) the killed task's retry gives every row."""

    master = "local[2,2]"

    def failed_tasks(self, group: str) -> int:
        tracker = self.context.statusTracker()
        return sum(
            tracker.getStageInfo(stage).numFailedTasks
            for job in tracker.getJobIdsForGroup(group)
            for stage in tracker.getJobInfo(job).stageIds
            if tracker.getStageInfo(stage))

    def test_pipe(self):
        self.context.setJobGroup("pipe-retry", "pipe after a kill")
        texts = self.context.textFile(options.lines, minPartitions=4).mapPartitions(slow_first_attempts)
        killer = Killer(self.context, SparkFiles.get(self.shipment.binary))
        scores = self.run_job(lambda: score_with_pipe(texts, self.shipment).collect())
        killer.thread.join()
        self.assertEqual(len(killer.killed), 1)
        self.assertGreaterEqual(self.failed_tasks("pipe-retry"), 1)
        self.assertScoresMatch(scores, options.expected, "pipe, retried after a kill")

    def test_dataframe(self):
        self.context.setJobGroup("frame-retry", "DataFrame after a kill")
        frame = self.lines_frame(4)
        slow = self.spark.createDataFrame(frame.rdd.mapPartitions(slow_first_attempts), frame.schema)
        killer = Killer(self.context, SparkFiles.get(self.shipment.binary))
        rows = self.run_job(lambda: score_dataframe(slow, self.shipment, "text", "line").collect())
        killer.thread.join()
        self.assertEqual(len(killer.killed), 1)
        self.assertGreaterEqual(self.failed_tasks("frame-retry"), 1)
        self.assertEqual(sorted(row["line"] for row in rows), list(range(LINE_COUNT)))
        by_line = {row["line"]: (row["probability"], row["label"]) for row in rows}
        self.assertScoresMatch(
            [by_line[n] for n in range(LINE_COUNT)], options.expected, "DataFrame, retried after a kill")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", required=True, help="the sentiment run on Spark (self-contained)")
    parser.add_argument("--reference", required=True, help="the sentiment whose scores are expected")
    parser.add_argument("--model", required=True)
    parser.add_argument("--work", required=True, help="a scratch directory")
    parser.add_argument("unittest_arguments", nargs="*", help="test names, as unittest takes them")
    parsed = parser.parse_args()
    vars(options).update(vars(parsed))
    options.repository = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    options.lines = os.path.join(options.work, "lines.txt")
    write_lines(options.lines)
    options.expected = reference_scores(options.lines)
    with open(options.lines, "rb") as file:
        options.sample = [line.decode("utf-8", "replace") for line in file.read().split(b"\n")[:400]]
    order = [PipeRecipeTests, DataFrameRecipeTests, KilledProcessTests, RetryAfterKillTests]
    loader = unittest.TestLoader()
    if parsed.unittest_arguments:
        suite = loader.loadTestsFromNames(parsed.unittest_arguments, sys.modules[__name__])
    else:
        suite = unittest.TestSuite(loader.loadTestsFromTestCase(case) for case in order)
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    if Spark.session is not None:
        Spark.session.stop()
    sys.exit(0 if result.wasSuccessful() else 1)


if __name__ == "__main__":
    main()

"""Throughput of the Spark recipes against `sentiment score` alone (issue 26's targets).

    python examples/spark/throughput.py --binary .build/static/sentiment --model MODEL \\
        [--corpus ../shared/data/sst2/train.tsv] [--lines 200000] [--partitions 8] [--repeat 3]

Writes --lines lines (the corpus's text column, cycled) to a scratch file, then times, each --repeat
times (the median is reported):
  - `sentiment score --threads 2` and `--threads 1` on the file, whole process;
  - one `sentiment score` on empty input (start-up and model loading: each partition pays it once);
  - each recipe (RDD.pipe, DataFrame) on local[1] and on local[2], after a warm-up job, so the JVM's
    and the Python workers' start-up are excluded; the scores are forced (count / noop write) but not
    collected.
and prints lines per second, local[2] against `--threads 2` (target >= 70 %) and against local[1]
(target >= 1.7x), and the per-core rate. Run it on a quiet machine: timings of a busy one mean nothing.
"""

import argparse
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time

from pyspark.sql import SparkSession

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from score_dataframe import score_dataframe  # noqa: E402
from score_pipe import score_with_pipe  # noqa: E402
from sentiment_spark import ship  # noqa: E402


def write_lines(corpus: str, count: int, path: str) -> None:
    """`count` lines: the text column of `corpus` (label<TAB>text with a header), cycled."""
    with open(corpus, "rb") as source:
        next(source)
        texts = [line.rstrip(b"\r\n").split(b"\t", 1)[-1] for line in source]
    with open(path, "wb") as output:
        output.writelines(text + b"\n" for text in itertools.islice(itertools.cycle(texts), count))


def median_seconds(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def time_binary(arguments, repeat: int, stdin=None) -> float:
    def run():
        with open(stdin or os.devnull, "rb") as source:
            subprocess.run(arguments, stdin=source, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           check=True)
    return median_seconds(run, repeat)


def time_recipes(master: str, options, lines_path: str) -> dict:
    """Seconds per recipe on `master`, JVM and Python workers warmed up first."""
    spark = (SparkSession.builder.master(master).appName(f"sentiment throughput {master}")
             .config("spark.ui.showConsoleProgress", "false").getOrCreate())
    context = spark.sparkContext
    context.setLogLevel("ERROR")
    shipment = ship(context, options.binary, options.model)

    def pipe():
        texts = context.textFile(lines_path, minPartitions=options.partitions)
        score_with_pipe(texts, shipment).count()

    def frame():
        texts = context.textFile(lines_path, minPartitions=options.partitions)
        table = spark.createDataFrame(texts.zipWithIndex(), "text string, line long")
        score_dataframe(table, shipment, "text", "line").write.format("noop").mode("overwrite").save()

    warm = context.parallelize([f"warm-up line {n}" for n in range(1000)], options.partitions)
    score_with_pipe(warm, shipment).count()
    score_dataframe(spark.createDataFrame(warm.zipWithIndex(), "text string, line long"), shipment,
                    "text", "line").count()
    seconds = {"RDD.pipe": median_seconds(pipe, options.repeat),
               "DataFrame": median_seconds(frame, options.repeat)}
    spark.stop()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    repository = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser.add_argument("--binary", required=True, help="a self-contained sentiment (scripts/build_static.sh)")
    parser.add_argument("--model", required=True)
    parser.add_argument("--corpus", default=os.path.join(repository, "..", "shared", "data", "sst2", "train.tsv"),
                        help="label<TAB>text file whose texts are cycled (default: ../shared SST-2 train)")
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as work:
        lines_path = os.path.join(work, "lines.txt")
        write_lines(options.corpus, options.lines, lines_path)
        score = [options.binary, "score", "--no-header", "--model", options.model]
        alone = {threads: time_binary(score + ["--threads", str(threads), lines_path], options.repeat)
                 for threads in (1, 2)}
        startup = time_binary(score + ["--threads", "1"], max(options.repeat, 5))
        spark = {master: time_recipes(master, options, lines_path) for master in ("local[1]", "local[2]")}

    rate = lambda seconds: options.lines / seconds  # noqa: E731
    print(f"{options.lines} lines of {options.corpus}, {options.partitions} partitions, "
          f"median of {options.repeat}")
    print(f"sentiment score --threads 1: {rate(alone[1]):10.0f} lines/s ({alone[1]:.2f} s)")
    print(f"sentiment score --threads 2: {rate(alone[2]):10.0f} lines/s ({alone[2]:.2f} s)")
    print(f"start-up and model loading of one process (paid once per partition): {startup * 1000:.0f} ms")
    for recipe in ("RDD.pipe", "DataFrame"):
        one, two = spark["local[1]"][recipe], spark["local[2]"][recipe]
        share = alone[2] / two
        speedup = one / two
        print(f"{recipe:>10}: local[1] {rate(one):10.0f} lines/s, local[2] {rate(two):10.0f} lines/s "
              f"({rate(two) / 2:.0f} per core); local[2] = {share:.0%} of --threads 2 "
              f"({'meets' if share >= 0.7 else 'misses'} 70 %), {speedup:.2f}x local[1] "
              f"({'meets' if speedup >= 1.7 else 'misses'} 1.7x)")


if __name__ == "__main__":
    main()

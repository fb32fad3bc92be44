"""The RDD.pipe recipe: every line of a text corpus through `sentiment score` on Spark.

    spark-submit examples/spark/score_pipe.py --binary .build/static/sentiment \\
        --model sentiment.safetensors reviews.txt scores

(`python examples/spark/score_pipe.py ...` runs it in local mode where PySpark is installed.) Writes
one `probability<TAB>label` line per input line, in input order, into the part files of the output
directory. docs/spark.md explains the traps this handles; in short: the binary is self-contained
(the pipe's child gets an empty environment), `--no-header` (a partition starting with a
header-like line would otherwise switch score into header mode), `checkCode=True` (else a failed
process gives no rows and no error), `--threads` from `spark.task.cpus`, texts made single lines of
valid Unicode first, and each partition's count of scores checked against its count of texts.
"""

import argparse
import os
import sys

from pyspark import RDD
from pyspark.sql import SparkSession

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sentiment_spark import ScoreCountMismatch, Shipment, one_line, partition_name, ship  # noqa: E402

def score_with_pipe(texts: RDD, shipment: Shipment) -> RDD:
    """(probability, label) for each element of `texts`, in order, through `RDD.pipe`.

    Elements are turned into single lines of valid Unicode (`one_line`) before the pipe. PySpark's
    pipe feeds the process from a thread that dies silently on an exception, leaving the task hung:
    so an exception raised while reading `texts` is caught here, the partition's input is ended, and
    the exception raised again after the pipe, in the task's own thread.
    """
    # One dict per task, shared by the two steps around the pipe (they run in the same worker).
    state: dict = {}

    def lines(elements):
        state["sent"] = 0
        try:
            for element in elements:
                state["sent"] += 1
                yield one_line(element)
        except BaseException as error:
            state["error"] = error

    def scores(output):
        received = 0
        for line in output:
            received += 1
            probability, label = line.split("\t")
            yield float(probability), label
        if "error" in state:
            raise state["error"]
        if received != state.get("sent"):
            raise ScoreCountMismatch(
                f"{partition_name()}: {state.get('sent')} texts went into sentiment score, "
                f"{received} scores came back")

    command = shipment.pipe_command("score")
    return texts.mapPartitions(lines).pipe(command, checkCode=True).mapPartitions(scores)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", required=True, help="a self-contained sentiment (scripts/build_static.sh)")
    parser.add_argument("--model", required=True, help="the model file")
    parser.add_argument("--partitions", type=int, default=None, help="least number of input partitions")
    parser.add_argument("input", help="text file(s), one text per line (any Hadoop path or glob)")
    parser.add_argument("output", help="output directory (must not exist)")
    arguments = parser.parse_args()

    spark = SparkSession.builder.appName("sentiment score (RDD.pipe)").getOrCreate()
    context = spark.sparkContext
    shipment = ship(context, arguments.binary, arguments.model)
    texts = context.textFile(arguments.input, minPartitions=arguments.partitions)
    scored = score_with_pipe(texts, shipment)
    scored.map(lambda score: f"{score[0]}\t{score[1]}").saveAsTextFile(arguments.output)
    spark.stop()


if __name__ == "__main__":
    main()

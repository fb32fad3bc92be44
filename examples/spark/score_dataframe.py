"""The DataFrame recipe: score (or explain) a text column of a DataFrame on Spark, one `sentiment`
process per partition, each row's id carried through the process and checked on the way back.

    spark-submit examples/spark/score_dataframe.py --binary .build/static/sentiment \\
        --model sentiment.safetensors --id-column review_id --text-column text reviews.parquet scored

(`python examples/spark/score_dataframe.py ...` runs it in local mode where PySpark is installed.)
The input is Parquet, JSON Lines (.json, .jsonl), CSV or TSV with a header (.csv, .tsv); the output
directory gets Parquet (or JSON Lines with --json) of the input's columns plus `probability` and
`label` (with --explain: `probability`, `logit`, `baseline_logit`, `tokens` and `attributions`).
"""

import argparse
import os
import sys

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.types import ArrayType, DoubleType, StringType, StructField, StructType

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sentiment_spark import Shipment, partition_name, run_sentiment, ship  # noqa: E402

SCORE_FIELDS = [StructField("probability", DoubleType(), False), StructField("label", StringType(), False)]
EXPLAIN_FIELDS = [
    StructField("probability", DoubleType(), True),
    StructField("logit", DoubleType(), True),
    StructField("baseline_logit", DoubleType(), True),
    StructField("tokens", ArrayType(StringType(), False), False),
    StructField("attributions", ArrayType(DoubleType(), True), False),
]


def score_dataframe(
    frame: DataFrame, shipment: Shipment, text_column: str = "text", id_column: str = "id",
    explain: bool = False, explain_options: tuple = (),
) -> DataFrame:
    """`frame` with each row's score (or, with `explain`, its explanation) added as columns.

    One `sentiment score --id-column 1 --format jsonl` (or `explain`) process per partition reads
    `id<TAB>text` lines; every output line must carry the id of the row in its place, so a lost,
    extra or reordered line fails the task, as do a non-zero exit and a killed process (with the
    process's standard error in the message); Spark then retries the task. Ids are the `id_column`
    values as strings and must not be null or hold tabs or line breaks; they need not be unique. Rows
    keep all their columns (no join, no shuffle): select the ones you need before scoring. Null texts
    are scored as empty text; `explain_options` go to `sentiment explain` (e.g. `("--method",
    "occlusion")`).
    """
    for column in (text_column, id_column):
        if column not in frame.columns:
            raise ValueError(f"no column {column!r} in {frame.columns}")
    id_index = frame.columns.index(id_column)
    text_index = frame.columns.index(text_column)
    subcommand, options = ("explain", explain_options) if explain else ("score", ())
    added = EXPLAIN_FIELDS if explain else SCORE_FIELDS
    schema = StructType(frame.schema.fields + added)

    def process(rows):
        command = shipment.command(subcommand, "--id-column", "1", "--format", "jsonl", *options)
        results = run_sentiment(
            command, rows, id_of=lambda row: row[id_index], text_of=lambda row: row[text_index],
            describe=partition_name)
        for row, result in results:
            if explain:
                tokens = result["tokens"]
                yield (*row, result["probability"], result["logit"], result["baseline_logit"],
                       [token["token"] for token in tokens], [token["attribution"] for token in tokens])
            else:
                yield (*row, result["probability"], result["label"])

    return frame.sparkSession.createDataFrame(frame.rdd.mapPartitions(process), schema)


def read_table(spark: SparkSession, path: str) -> DataFrame:
    """A table by its extension: Parquet, JSON Lines, or CSV/TSV with a header."""
    extension = os.path.splitext(path.rstrip("/"))[1].lower()
    if extension in (".json", ".jsonl"):
        return spark.read.json(path)
    if extension in (".csv", ".tsv"):
        separator = "\t" if extension == ".tsv" else ","
        return spark.read.option("header", True).option("sep", separator).option("multiLine", True).csv(path)
    return spark.read.parquet(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", required=True, help="a self-contained sentiment (scripts/build_static.sh)")
    parser.add_argument("--model", required=True, help="the model file")
    parser.add_argument("--id-column", default="id", help="column of row ids (default: id)")
    parser.add_argument("--text-column", default="text", help="column of texts (default: text)")
    parser.add_argument("--explain", action="store_true", help="explain each score (sentiment explain)")
    parser.add_argument("--json", action="store_true", help="write JSON Lines instead of Parquet")
    parser.add_argument("input", help="a Parquet, JSON Lines, CSV or TSV table (any Hadoop path)")
    parser.add_argument("output", help="output directory (must not exist)")
    arguments = parser.parse_args()

    spark = SparkSession.builder.appName("sentiment score (DataFrame)").getOrCreate()
    shipment = ship(spark.sparkContext, arguments.binary, arguments.model)
    scored = score_dataframe(
        read_table(spark, arguments.input), shipment, arguments.text_column, arguments.id_column,
        explain=arguments.explain)
    writer = scored.write.mode("errorifexists")
    writer.json(arguments.output) if arguments.json else writer.parquet(arguments.output)
    spark.stop()


if __name__ == "__main__":
    main()

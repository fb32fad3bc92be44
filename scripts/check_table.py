#!/usr/bin/env python3
"""Turns reports of `sentiment check --format json` into Markdown tables of pass rates, side by side.

usage: check_table.py NAME=REPORT.json [NAME=REPORT.json ...] [--tests]

One column per report, one row per language and capability (pass rate = 1 - failure rate, over all
cases of the capability's tests); with --tests, a second table with a row per test. A capability or
test a report did not check shows as "-". Standard library only.
"""
import json
import sys


def load(argument):
    name, _, path = argument.partition("=")
    if not path:
        sys.exit(f"check_table: error: expected NAME=REPORT.json, got {argument!r}")
    with open(path, encoding="utf-8") as file:
        return name, json.load(file)


def rows(reports, key):
    """Row labels in first-seen order, and per report a dict label -> (pass rate, cases)."""
    labels, columns = [], []
    for _, report in reports:
        column = {}
        for capability in report["capabilities"]:
            items = [capability] if key == "capability" else capability["tests"]
            for item in items:
                label = f'{item["language"]} {item["capability"]}' + ("" if key == "capability" else f': {item["name"]}')
                if label not in labels:
                    labels.append(label)
                column[label] = (1 - item["failure_rate"], item["cases"])
        columns.append(column)
    return labels, columns


def table(reports, key):
    labels, columns = rows(reports, key)
    header = "| " + ("capability" if key == "capability" else "test") + " | cases | " + " | ".join(
        name for name, _ in reports) + " |"
    lines = [header, "|" + "---|" * (len(reports) + 2)]
    for label in labels:
        cases = next(column[label][1] for column in columns if label in column)
        cells = [f"{column[label][0] * 100:.1f} %" if label in column else "-" for column in columns]
        lines.append(f"| {label} | {cases} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main():
    arguments = [argument for argument in sys.argv[1:] if argument != "--tests"]
    if not arguments:
        sys.exit(__doc__)
    reports = [load(argument) for argument in arguments]
    print(table(reports, "capability"))
    if "--tests" in sys.argv[1:]:
        print()
        print(table(reports, "test"))


if __name__ == "__main__":
    main()

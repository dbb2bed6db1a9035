"""Medians of each score over seeds, per group: summarize.py RESULTS.jsonl FIELD... (the fields that name a group,
e.g. `variant`, or `workload impl`). Reads the JSON lines the quality modes of MLNetGan.Bench print."""
import json, statistics, sys

path, fields = sys.argv[1], sys.argv[2:]
rows = [json.loads(line) for line in open(path) if line.startswith("{")]
groups = {}
for row in rows:
    groups.setdefault(tuple(str(row[f]) for f in fields), []).append(row["scores"])
for key, scores in groups.items():
    medians = {k: statistics.median(s[k] for s in scores) for k in scores[0]}
    print(f"{rows[0]['workload']} {' '.join(f'{k:14s}' for k in key)} medians over {len(scores)} seeds: "
          + ", ".join(f"{k} {v:g}" for k, v in medians.items()))

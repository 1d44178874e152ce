# A real program: read a JSON file from a granted directory, compute
# statistics, write a JSON report beside it and print a summary.
import heapq  # componentize-py bundles only modules imported when it builds
import json
import statistics
import sys
from collections import Counter

from wit_world import exports


class Run(exports.Run):
    def run(self) -> None:
        with open("/data/input.json") as f:
            doc = json.load(f)
        numbers = doc["numbers"]
        words = Counter(w.lower().strip(".,;!?") for w in doc["text"].split())
        report = {
            "count": len(numbers),
            "sum": sum(numbers),
            "mean": statistics.mean(numbers),
            "median": statistics.median(numbers),
            "stdev": round(statistics.pstdev(numbers), 6),
            "sorted": sorted(numbers),
            "top_words": words.most_common(3),
            "args": sys.argv[1:],
        }
        with open("/data/report.json", "w") as f:
            json.dump(report, f, indent=2, sort_keys=True)
        print(f"{report['count']} numbers, sum {report['sum']}, mean {report['mean']}")
        print("most common:", ", ".join(f"{w} ({n})" for w, n in report["top_words"]))

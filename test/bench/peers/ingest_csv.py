"""pandas peer for test/bench/ingest-memory.ts: what an ingest or backfill does at its simplest, read a CSV
and write it back (pandas.read_csv + DataFrame.to_csv), one process per run so peak RSS is its own.
Usage: ingest_csv.py IN.csv OUT.csv; prints one JSON line {"ms": wall ms inside python, "maxrss_kb": peak
RSS, "rows": n}."""
import json
import resource
import sys
import time

t0 = time.perf_counter()
import pandas as pd  # noqa: E402

df = pd.read_csv(sys.argv[1])
df.to_csv(sys.argv[2], index=False)
print(
    json.dumps(
        {
            "ms": (time.perf_counter() - t0) * 1000.0,
            "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            "rows": len(df),
        }
    )
)

"""pandas.read_csv on feature-group partitions, the peer of our columnar reader.
Usage: read_csv.py REPEATS FILE [FILE...]; prints {"ms": [...], "rows": n}."""
import json
import sys
import time

import pandas as pd

repeats, files = int(sys.argv[1]), sys.argv[2:]
pd.concat([pd.read_csv(f) for f in files])  # warm-up (imports, page cache)
samples = []
rows = 0
for _ in range(repeats):
    t0 = time.perf_counter()
    df = pd.concat([pd.read_csv(f) for f in files], ignore_index=True)
    samples.append((time.perf_counter() - t0) * 1000)
    rows = len(df)
print(json.dumps({"ms": samples, "rows": rows}))

"""pandas.read_csv on feature-group partitions, the peer of our columnar reader, kept running so its
reads alternate with ours (harness.ts timePairs).
Usage: read_csv.py FILE [FILE...]; prints {"ready": true}, then answers each stdin line (a JSON object)
by timing one read of every file (perf_counter) and printing {"ms": ..., "rows": n}. Exits at end of stdin."""
import json
import sys
import time

import pandas as pd

files = sys.argv[1:]
if not files:
    sys.exit(__doc__)
print(json.dumps({"ready": True}), flush=True)
for _line in sys.stdin:
    t0 = time.perf_counter()
    df = pd.concat([pd.read_csv(f) for f in files], ignore_index=True)
    ms = (time.perf_counter() - t0) * 1000
    print(json.dumps({"ms": ms, "rows": len(df)}), flush=True)

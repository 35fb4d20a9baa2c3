"""The same pipeline in pandas + scikit-learn, as one process per step (so peak RSS is the step's own).
  train ROOT DATASET MODEL_OUT   read partitions → GaussianNB fit (80% holdout split) → joblib dump
  infer ROOT DATASET MODEL LOG_DIR  read partitions → predict_proba → log sorted by event_time, id → CSV per month
Prints one JSON line: {"ms": wall ms inside python, "maxrss_kb": peak RSS, "rows": n}."""
import glob
import json
import os
import resource
import sys
import time

t0 = time.perf_counter()
import joblib  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.naive_bayes import GaussianNB  # noqa: E402

mode, root, dataset = sys.argv[1], sys.argv[2], sys.argv[3]
meta = json.load(open(f"{root}/data/{dataset}/v1/metadata.json"))
files = sorted(glob.glob(f"{root}/data/{dataset}/v1/rows-*.csv"))
df = pd.concat([pd.read_csv(f, keep_default_na=False, na_values=[""]) for f in files], ignore_index=True)
cols = []
for f in meta["features"]:
    if f["type"] == "numeric":
        cols.append(df[f["name"]].to_numpy(dtype=float))
    else:
        for c in f["categories"]:
            cols.append((df[f["name"]].astype(str) == c["value"]).to_numpy(dtype=float))
X = np.column_stack(cols)
classes = [c["value"] for c in meta["label"]["classes"]]
label = meta["label"]["name"]
if mode == "train":
    y = df[label].astype(str).map({v: i for i, v in enumerate(classes)}).to_numpy()
    tr, te = train_test_split(np.arange(len(y)), test_size=0.2, stratify=y, random_state=0)
    m = GaussianNB().fit(X[tr], y[tr])
    acc = float((m.predict(X[te]) == y[te]).mean())
    joblib.dump(m, sys.argv[4])
    out = {"accuracy": acc}
else:
    m = joblib.load(sys.argv[4])
    p = m.predict_proba(X)
    best = p.argmax(axis=1)
    log = pd.DataFrame({
        "id": df["id"], "event_time": df["event_time"], "predicted_at": "2026-11-24T12:00:00Z", "model_version": 1,
        "predicted": np.array(classes)[best], "probability": p[np.arange(len(best)), best].round(6),
        "actual": df[label].astype(str),
    }).sort_values(["event_time", "id"], kind="stable")
    os.makedirs(sys.argv[5], exist_ok=True)
    for month, part in log.groupby(log["event_time"].str.slice(0, 7)):
        part.to_csv(f"{sys.argv[5]}/{month}.csv", index=False)
    out = {}
def peak_rss_kb():
    # VmHWM is this process's own peak; ru_maxrss also counts the parent's pages copied before exec.
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


out.update({"ms": (time.perf_counter() - t0) * 1000, "maxrss_kb": peak_rss_kb(), "rows": int(len(df))})
print(json.dumps(out))

"""Peer for test/bench/forest.ts: scikit-learn RandomForestClassifier(n_jobs=1), kept running so its fits
alternate with ours pair by pair (harness.ts timePairs).

    forest.py wine <wine.csv> <forest_wine.json>
        requests: {"op": "train"} fits RF(100, random_state=0) on split 0's train rows;
                  {"op": "predict"} times predict_proba of the last fit on split 0's test rows;
                  {"op": "split", "split": k, "offset": o} fits split k with random_state = its seed + o
                  and reports the test accuracy (offset 0 reproduces the fixture's sklearnAccuracy);
                  {"op": "info"} the last fit's node count and pickle size (ms 0, not a timing).
    forest.py synthetic <data.csv> <n_trees>
        requests: {} fits RF(n_trees, random_state=0) on a CSV whose last column is the class index.

After loading it prints {"ready": true}; each stdin line (a JSON object) is answered with one JSON line
{"ms": ..., ...}, times in milliseconds measured here with perf_counter. Exits at the end of stdin.
"""

import json
import pickle
import sys
import time

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier

SEED_OFFSETS = (0, 100, 200)  # keep equal to SEED_OFFSETS in forest.ts


def wine_features(path):
    """Same features as test/fixtures/sklearn/make_forest_fixture.py and wineMatrix() in forest.ts."""
    df = pd.read_csv(path)
    numeric = [c for c in df.columns if c not in ("type", "quality")]
    for c in numeric:
        df[c] = df[c].fillna(df[c].median())
    df["red"] = (df["type"] == "red").astype(np.float64)
    X = df[numeric + ["red"]].to_numpy(dtype=np.float64)
    return X, (df["quality"] - df["quality"].min()).to_numpy()


def timed(fn):
    t0 = time.perf_counter()
    result = fn()
    return (time.perf_counter() - t0) * 1000, result


def wine(csv_path, fixture_path):
    X, y = wine_features(csv_path)
    with open(fixture_path) as f:
        splits = json.load(f)["splits"]
    rows = np.arange(len(y))

    def split(s):
        test = np.array(s["test"])
        return np.setdiff1d(rows, test), test

    train, test = split(splits[0])
    state = {"model": None}

    def answer(request):
        op = request.get("op")
        if op == "train":
            ms, state["model"] = timed(
                lambda: RandomForestClassifier(n_estimators=100, n_jobs=1, random_state=0).fit(X[train], y[train])
            )
            return {"ms": ms}
        if op == "predict":
            return {"ms": timed(lambda: state["model"].predict_proba(X[test]))[0]}
        if op == "split":
            s = splits[int(request["split"])]
            tr, te = split(s)
            forest = RandomForestClassifier(n_estimators=100, n_jobs=1, random_state=s["seed"] + int(request["offset"]))
            ms, m = timed(lambda: forest.fit(X[tr], y[tr]))
            return {"ms": ms, "accuracy": float((m.predict(X[te]) == y[te]).mean())}
        if op == "info":
            model = state["model"]
            return {
                "ms": 0,
                "nodes": int(sum(e.tree_.node_count for e in model.estimators_)),
                "pickleBytes": len(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)),
            }
        raise ValueError(f"forest.py: unknown request {request}")

    return answer


def synthetic(csv_path, n_trees):
    data = pd.read_csv(csv_path, header=None).to_numpy(dtype=np.float64)
    X, y = data[:, :-1], data[:, -1].astype(np.int64)

    def answer(_request):
        ms, model = timed(lambda: RandomForestClassifier(n_estimators=n_trees, n_jobs=1, random_state=0).fit(X, y))
        return {"ms": ms, "nodes": int(sum(e.tree_.node_count for e in model.estimators_))}

    return answer


def main(argv):
    if len(argv) == 3 and argv[0] == "wine":
        answer = wine(argv[1], argv[2])
    elif len(argv) == 3 and argv[0] == "synthetic":
        answer = synthetic(argv[1], int(argv[2]))
    else:
        sys.exit(__doc__)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        print(json.dumps(answer(json.loads(line))), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])

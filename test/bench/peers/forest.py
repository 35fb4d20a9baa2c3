"""Peer for test/bench/forest.ts: scikit-learn RandomForestClassifier(n_jobs=1) timings and accuracy.

    forest.py wine <wine.csv> <forest_wine.json> <repeats>
        fit RF(100) on split 0's train rows `repeats` times, time predict_proba on its test rows, then the
        accuracy (and fit time) on each of the fixture's 5 splits with random_state = split seed + offset,
        for each offset in SEED_OFFSETS (offset 0 reproduces the fixture's sklearnAccuracy).
    forest.py synthetic <data.csv> <repeats> <n_trees>
        fit RF(n_trees) on a CSV whose last column is the class index, `repeats` times.

Prints one JSON object on the last stdout line; times are milliseconds measured here with perf_counter.
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


def wine(csv_path, fixture_path, repeats):
    X, y = wine_features(csv_path)
    with open(fixture_path) as f:
        splits = json.load(f)["splits"]
    rows = np.arange(len(y))

    def split(s):
        test = np.array(s["test"])
        return np.setdiff1d(rows, test), test

    train, test = split(splits[0])
    train_ms, predict_ms = [], []
    model = None
    for _ in range(repeats):
        ms, model = timed(lambda: RandomForestClassifier(n_estimators=100, n_jobs=1, random_state=0).fit(X[train], y[train]))
        train_ms.append(ms)
        predict_ms.append(timed(lambda: model.predict_proba(X[test]))[0])
    nodes = int(sum(e.tree_.node_count for e in model.estimators_))
    pickle_bytes = len(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL))

    accuracies, split_ms = [], []
    for offset in SEED_OFFSETS:
        row = []
        for s in splits:
            train, test = split(s)
            forest = RandomForestClassifier(n_estimators=100, n_jobs=1, random_state=s["seed"] + offset)
            ms, m = timed(lambda: forest.fit(X[train], y[train]))
            split_ms.append(ms)
            row.append(float((m.predict(X[test]) == y[test]).mean()))
        accuracies.append(row)
    return {
        "trainMs": train_ms,
        "predictMs": predict_ms,
        "nodes": nodes,
        "pickleBytes": pickle_bytes,
        "splitTrainMs": split_ms,
        "accuracies": accuracies,
    }


def synthetic(csv_path, repeats, n_trees):
    data = pd.read_csv(csv_path, header=None).to_numpy(dtype=np.float64)
    X, y = data[:, :-1], data[:, -1].astype(np.int64)
    train_ms = []
    for _ in range(repeats):
        ms, model = timed(lambda: RandomForestClassifier(n_estimators=n_trees, n_jobs=1, random_state=0).fit(X, y))
        train_ms.append(ms)
    return {"trainMs": train_ms, "nodes": int(sum(e.tree_.node_count for e in model.estimators_))}


def main(argv):
    if len(argv) == 4 and argv[0] == "wine":
        out = wine(argv[1], argv[2], int(argv[3]))
    elif len(argv) == 4 and argv[0] == "synthetic":
        out = synthetic(argv[1], int(argv[2]), int(argv[3]))
    else:
        sys.exit(__doc__)
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])

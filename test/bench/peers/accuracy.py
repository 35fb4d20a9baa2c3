"""scikit-learn reference accuracies on the same rows and the same splits as `gitml evaluate`.

Reads the backfilled feature group (data/<dataset>/v1/rows-*.csv, the cleaned real rows), one-hot
encodes categorical features and scores GaussianNB, KNeighbors(5) and LogisticRegression on standardised
features, RandomForest(100) and HistGradientBoosting on gitml's own honest splits: stdin holds
{"<dataset>": [[test row positions], ...]} (positions into the real labelled rows, in file order), as
`gitml evaluate --peer` writes it. Before fitting it checks with pandas that no feature row is on both
sides of a split (identical rows form one group; the label is not part of it) and exits 1 otherwise.
Prints one JSON object: per dataset the splits it used and the accuracy per family and split.
Usage: accuracy.py ROOT DATASET [DATASET...] < splits.json
"""
import glob
import json
import sys

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.preprocessing import StandardScaler

root, names = sys.argv[1], sys.argv[2:]
given = json.load(sys.stdin)
out = {}
for name in names:
    meta = json.load(open(f"{root}/data/{name}/v1/metadata.json"))
    files = sorted(glob.glob(f"{root}/data/{name}/v1/rows-*.csv"))
    df = pd.concat([pd.read_csv(f, dtype=str, keep_default_na=False) for f in files])
    df = df[df["source"] != "synthetic"].reset_index(drop=True)
    label = meta["label"]["name"]
    df = df[df[label] != ""].reset_index(drop=True)
    cols = []
    for f in meta["features"]:
        if f["type"] == "numeric":
            cols.append(df[f["name"]].astype(float).rename(f["name"]))
        else:
            for c in f["categories"]:
                cols.append((df[f["name"]] == c["value"]).astype(float).rename(f"{f['name']}={c['value']}"))
    features = pd.concat(cols, axis=1)
    X = features.to_numpy()
    classes = [c["value"] for c in meta["label"]["classes"]]
    y = df[label].map({v: i for i, v in enumerate(classes)}).to_numpy()
    groups = features.groupby(list(features.columns), sort=False).ngroup().to_numpy()
    res = {"splits": [], "groups": int(groups.max()) + 1, "accuracy": {k: [] for k in (
        "gaussian-nb", "knn", "logistic-regression", "random-forest", "hist-gradient-boosting")}}
    for seed, test in enumerate(given[name]):
        te = np.array(sorted(test), dtype=int)
        is_test = np.zeros(len(y), dtype=bool)
        is_test[te] = True
        tr = np.flatnonzero(~is_test)
        straddling = set(groups[tr]) & set(groups[te])
        if straddling:
            sys.exit(f"{name} split {seed}: {len(straddling)} groups of identical feature rows are on both sides")
        res["splits"].append([int(i) for i in te])
        sc = StandardScaler().fit(X[tr])
        models = {
            "gaussian-nb": (GaussianNB(), False),
            "knn": (KNeighborsClassifier(5, algorithm="brute"), True),
            "logistic-regression": (LogisticRegression(max_iter=2000), True),
            "random-forest": (RandomForestClassifier(100, random_state=seed, n_jobs=1), False),
            "hist-gradient-boosting": (HistGradientBoostingClassifier(random_state=seed), False),
        }
        for key, (m, scale) in models.items():
            Xtr, Xte = (sc.transform(X[tr]), sc.transform(X[te])) if scale else (X[tr], X[te])
            m.fit(Xtr, y[tr])
            res["accuracy"][key].append(float((m.predict(Xte) == y[te]).mean()))
    out[name] = res
print(json.dumps(out))

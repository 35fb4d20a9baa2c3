"""scikit-learn reference accuracies on the same rows and the same splits as `gitml evaluate`.

Reads the backfilled feature group (data/<dataset>/v1/rows-*.csv, the cleaned real rows), one-hot
encodes categorical features, makes 5 seeded stratified 80/20 splits with train_test_split
(random_state 0..4), and prints one JSON object: the splits (test row positions) and the accuracy of
GaussianNB, KNeighbors(5) on standardised features, RandomForest(100) and HistGradientBoosting per split.
Usage: accuracy.py ROOT DATASET [DATASET...]
"""
import glob
import json
import sys

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.preprocessing import StandardScaler

root, names = sys.argv[1], sys.argv[2:]
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
    X = pd.concat(cols, axis=1).to_numpy()
    classes = [c["value"] for c in meta["label"]["classes"]]
    y = df[label].map({v: i for i, v in enumerate(classes)}).to_numpy()
    idx = np.arange(len(y))
    res = {"splits": [], "accuracy": {"gaussian-nb": [], "knn": [], "random-forest": [], "hist-gradient-boosting": []}}
    for seed in range(5):
        tr, te = train_test_split(idx, test_size=0.2, stratify=y, random_state=seed)
        res["splits"].append(sorted(int(i) for i in te))
        sc = StandardScaler().fit(X[tr])
        models = {
            "gaussian-nb": (GaussianNB(), False),
            "knn": (KNeighborsClassifier(5, algorithm="brute"), True),
            "random-forest": (RandomForestClassifier(100, random_state=seed, n_jobs=1), False),
            "hist-gradient-boosting": (HistGradientBoostingClassifier(random_state=seed), False),
        }
        for key, (m, scale) in models.items():
            Xtr, Xte = (sc.transform(X[tr]), sc.transform(X[te])) if scale else (X[tr], X[te])
            m.fit(Xtr, y[tr])
            res["accuracy"][key].append(float((m.predict(Xte) == y[te]).mean()))
    out[name] = res
print(json.dumps(out))

"""scikit-learn reference figures on the same rows and the same splits as `gitml evaluate`.

Reads the backfilled feature group (data/<dataset>/v1/rows-*.csv, the cleaned real rows), one-hot
encodes categorical features and, on gitml's own honest splits, scores
- a categorical label: GaussianNB, KNeighbors(5) and LogisticRegression on standardised features,
  RandomForest(100) and HistGradientBoosting (accuracy per family and split);
- a numeric label (regression): LinearRegression, Ridge(1) and KNeighborsRegressor(5) on standardised
  features (LinearRegression on raw ones), RandomForestRegressor(100) — MAE, RMSE, R², median absolute
  error, the share within each tolerance and the MAE/RMSE of predicting the training mean, per split.
stdin holds {"<dataset>": [[test row positions], ...]} for a classifier or {"<dataset>": {"splits":
[[...], ...], "tolerances": [0.5, 1], "by": "type"}} for a regressor ("by", optional: also the figures on
each category's test rows of that categorical feature; positions into the real labelled rows, in file
order), as `gitml evaluate --peer` writes it. Before fitting it checks with pandas that no feature row is on
both sides of a split (identical rows form one group; the label is not part of it) and exits 1 otherwise.
Prints one JSON object: per dataset the splits it used and the figures per family and split.
Usage: actions/cli/peers/accuracy.py ROOT DATASET [DATASET...] < splits.json
"""
import glob
import json
import sys

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.metrics import mean_absolute_error, mean_squared_error, median_absolute_error, r2_score
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.preprocessing import StandardScaler


def regression_figures(y_true, y_pred, train_mean, tolerances):
    """The figures gitml's regressionMetrics gives, by scikit-learn (within T: |error| <= T)."""
    base = np.full(len(y_true), train_mean)
    err = np.abs(y_pred - y_true)
    return {
        "rows": int(len(y_true)),
        "mae": float(mean_absolute_error(y_true, y_pred)),
        "rmse": float(np.sqrt(mean_squared_error(y_true, y_pred))),
        "r2": float(r2_score(y_true, y_pred)),
        "medianAbsoluteError": float(median_absolute_error(y_true, y_pred)),
        "within": [{"tolerance": t, "accuracy": float(np.mean(err <= t * (1 + 1e-9)))} for t in tolerances],
        "baselineMae": float(mean_absolute_error(y_true, base)),
        "baselineRmse": float(np.sqrt(mean_squared_error(y_true, base))),
    }


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
    numeric = []  # which columns are numeric features (gitml standardises those, not one-hot columns)
    for f in meta["features"]:
        if f["type"] == "numeric":
            cols.append(df[f["name"]].astype(float).rename(f["name"]))
            numeric.append(True)
        else:
            for c in f["categories"]:
                cols.append((df[f["name"]] == c["value"]).astype(float).rename(f"{f['name']}={c['value']}"))
                numeric.append(False)
    numeric = np.array(numeric)
    features = pd.concat(cols, axis=1)
    X = features.to_numpy()
    groups = features.groupby(list(features.columns), sort=False).ngroup().to_numpy()
    regression = meta["label"].get("type") == "numeric"
    if regression:
        y = df[label].astype(float).to_numpy()
        splits, tolerances, by = given[name]["splits"], given[name]["tolerances"], given[name].get("by")
        families = ("linear-regression", "ridge", "knn-regressor", "random-forest-regressor")
        res = {"splits": [], "groups": int(groups.max()) + 1, "regression": {k: [] for k in families}}
        if by:
            by_values = df[by].to_numpy()
            by_categories = [c["value"] for f in meta["features"] if f["name"] == by for c in f["categories"]]
            res["regressionBy"] = {k: {c: [] for c in by_categories} for k in families}
    else:
        classes = [c["value"] for c in meta["label"]["classes"]]
        y = df[label].map({v: i for i, v in enumerate(classes)}).to_numpy()
        splits = given[name]
        res = {"splits": [], "groups": int(groups.max()) + 1, "accuracy": {k: [] for k in (
            "gaussian-nb", "knn", "logistic-regression", "random-forest", "hist-gradient-boosting")}}
    for seed, test in enumerate(splits):
        te = np.array(sorted(test), dtype=int)
        is_test = np.zeros(len(y), dtype=bool)
        is_test[te] = True
        tr = np.flatnonzero(~is_test)
        straddling = set(groups[tr]) & set(groups[te])
        if straddling:
            sys.exit(f"{name} split {seed}: {len(straddling)} groups of identical feature rows are on both sides")
        res["splits"].append([int(i) for i in te])
        sc = StandardScaler().fit(X[tr])
        if regression:
            # As gitml's feature view: numeric columns standardised by the training rows, one-hot as is.
            nsc = StandardScaler().fit(X[tr][:, numeric])

            def standardised(A):
                out = A.copy()
                out[:, numeric] = nsc.transform(A[:, numeric])
                return out

            regressors = {
                "linear-regression": (LinearRegression(), False),
                "ridge": (Ridge(alpha=1.0), True),
                "knn-regressor": (KNeighborsRegressor(5, algorithm="brute"), True),
                "random-forest-regressor": (RandomForestRegressor(100, random_state=seed, n_jobs=1), False),
            }
            for key, (m, scale) in regressors.items():
                Xtr, Xte = (standardised(X[tr]), standardised(X[te])) if scale else (X[tr], X[te])
                m.fit(Xtr, y[tr])
                predicted = m.predict(Xte)
                res["regression"][key].append(
                    regression_figures(y[te], predicted, float(y[tr].mean()), tolerances))
                for c in (by_categories if by else []):
                    at = by_values[te] == c
                    if at.any():
                        res["regressionBy"][key][c].append(
                            regression_figures(y[te][at], predicted[at], float(y[tr].mean()), tolerances))
            continue
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

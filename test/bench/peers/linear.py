"""scikit-learn peer for test/bench/models-linear.ts. Times, inside python, only the fit being compared.

    linear.py linear   <X.f64> <y.f64> <rows> <cols> <repeats>   LinearRegression().fit
    linear.py logistic <X.f64> <y.f64> <rows> <cols> <repeats>   LogisticRegression().fit (lbfgs, defaults)
    linear.py forest   <wine.csv> <forest_wine.json> <repeats>   RandomForestRegressor(100, n_jobs=1).fit on
                                                                 split 0's train rows; MAE and R² on its test rows
X.f64 is the TypeScript matrix as written (float64, column-major: feature by feature); y.f64 its targets
(class indices for logistic). Each timing has one untimed warm-up first, like the TypeScript harness.
Prints one JSON object on the last stdout line; times in milliseconds (perf_counter).
"""

import json
import sys
import time

import numpy as np
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import LinearRegression, LogisticRegression


def timed(repeats, fn):
    result = fn()
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - t0) * 1000.0)
    return samples, result


def matrix(x_path, y_path, rows, cols):
    X = np.ascontiguousarray(np.fromfile(x_path, dtype=np.float64).reshape(cols, rows).T)
    return X, np.fromfile(y_path, dtype=np.float64)


def linear(x_path, y_path, rows, cols, repeats):
    X, y = matrix(x_path, y_path, rows, cols)
    samples, model = timed(repeats, lambda: LinearRegression().fit(X, y))
    return {"fitMs": samples, "coef": model.coef_.tolist(), "intercept": float(model.intercept_)}


def logistic(x_path, y_path, rows, cols, repeats):
    X, y = matrix(x_path, y_path, rows, cols)
    y = y.astype(np.int64)
    samples, model = timed(repeats, lambda: LogisticRegression().fit(X, y))
    proba = model.predict_proba(X[:1000])
    return {"fitMs": samples, "iterations": int(model.n_iter_[0]), "proba": proba.ravel().tolist()}


def forest(csv_path, fixture_path, repeats):
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from forest import wine_features

    X, y = wine_features(csv_path)
    quality = y + 3.0
    with open(fixture_path) as f:
        test = np.array(json.load(f)["splits"][0]["test"])
    train = np.setdiff1d(np.arange(len(quality)), test)
    samples, model = timed(
        repeats,
        lambda: RandomForestRegressor(n_estimators=100, n_jobs=1, random_state=0).fit(X[train], quality[train]),
    )
    err = model.predict(X[test]) - quality[test]
    r2 = 1 - (err**2).sum() / ((quality[test] - quality[test].mean()) ** 2).sum()
    return {
        "fitMs": samples,
        "mae": float(np.abs(err).mean()),
        "r2": float(r2),
        "nodes": int(sum(e.tree_.node_count for e in model.estimators_)),
    }


def main(argv):
    if len(argv) == 6 and argv[0] in ("linear", "logistic"):
        fn = linear if argv[0] == "linear" else logistic
        out = fn(argv[1], argv[2], int(argv[3]), int(argv[4]), int(argv[5]))
    elif len(argv) == 4 and argv[0] == "forest":
        out = forest(argv[1], argv[2], int(argv[3]))
    else:
        sys.exit(__doc__)
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])

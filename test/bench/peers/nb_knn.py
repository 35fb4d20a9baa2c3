"""scikit-learn peer for test/bench/models-nb-knn.ts.

Generates data shaped like the TypeScript suite's (7 Gaussian class centres ~ N(0, 1) in 12 features,
unit noise, seeded) and times, inside python, only the work being compared:
  - GaussianNB().fit(X, y).predict(X) at each requested row count;
  - KNeighborsClassifier(5, algorithm='brute').fit(train).predict(test).
Prints one JSON line: {"gnb": {"<rows>": [ms, ...]}, "knn": [ms, ...], "sklearn": version}.
Usage: nb_knn.py --repeats 5 --nb-rows 10000,100000,1000000 --knn 10000,1000
"""

import argparse
import json
import time

import numpy as np
import sklearn
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier

FEATURES = 12
CLASSES = 7
CENTRE_SCALE = 1.0  # spread of class centres vs unit noise: classes overlap, as in real data


def synthetic(rows, rng, centres):
    y = rng.integers(0, CLASSES, rows)
    X = centres[y] + rng.standard_normal((rows, FEATURES))
    return X, y


def timed(repeats, fn):
    fn()  # warm-up, like the TypeScript harness
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000.0)
    return samples


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--nb-rows", default="10000,100000,1000000")
    ap.add_argument("--knn", default="10000,1000")
    args = ap.parse_args()

    rng = np.random.default_rng(20240601)
    centres = CENTRE_SCALE * rng.standard_normal((CLASSES, FEATURES))
    out = {"gnb": {}, "sklearn": sklearn.__version__}
    for rows in (int(r) for r in args.nb_rows.split(",") if r):
        X, y = synthetic(rows, rng, centres)
        out["gnb"][str(rows)] = timed(args.repeats, lambda: GaussianNB().fit(X, y).predict(X))
        del X, y

    n_train, n_test = (int(v) for v in args.knn.split(","))
    Xtr, ytr = synthetic(n_train, rng, centres)
    Xte, _ = synthetic(n_test, rng, centres)
    out["knn"] = timed(
        args.repeats, lambda: KNeighborsClassifier(n_neighbors=5, algorithm="brute").fit(Xtr, ytr).predict(Xte)
    )
    print(json.dumps(out))


if __name__ == "__main__":
    main()

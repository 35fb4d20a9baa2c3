"""scikit-learn peer for test/bench/knn-wide.ts, kept running so its fits alternate with ours.

    knn_wide.py digits <out-dir> <train-rows> <test-rows>
        Writes digits-like data once and exits: sklearn.datasets.load_digits (1797 × 64, shipped with
        scikit-learn, offline), standardised per feature, rows drawn with replacement plus N(0, 0.1) noise
        (seeded) up to train + test rows. Files (float64): digits-train-X.f64, digits-train-y.f64,
        digits-test-X.f64 in <out-dir>; X column-major (feature by feature). Prints {"rows": ..., "cols": 64}.
    knn_wide.py serve <train-X.f64> <train-y.f64> <test-X.f64> <cols>
        Loads the matrices, prints {"ready": true, "blas": ...}; then each stdin line times, inside python,
        KNeighborsClassifier(n_neighbors=5, algorithm='brute').fit(train).predict(test) and prints
        {"ms": ..., "predict": [...]}. Exits at the end of stdin.
"""

import json
import os
import sys
import time

import numpy as np
from sklearn.neighbors import KNeighborsClassifier


def digits(out_dir, train_rows, test_rows):
    from sklearn.datasets import load_digits

    d = load_digits()
    X = d.data.astype(np.float64)
    sd = X.std(axis=0)
    X = (X - X.mean(axis=0)) / np.where(sd > 0, sd, 1.0)
    rng = np.random.default_rng(17)
    n = int(train_rows) + int(test_rows)
    pick = rng.integers(0, X.shape[0], n)
    Xn = X[pick] + rng.normal(0.0, 0.1, (n, X.shape[1]))
    yn = d.target[pick].astype(np.float64)
    t = int(train_rows)
    np.asfortranarray(Xn[:t]).T.tofile(os.path.join(out_dir, "digits-train-X.f64"))
    yn[:t].tofile(os.path.join(out_dir, "digits-train-y.f64"))
    np.asfortranarray(Xn[t:]).T.tofile(os.path.join(out_dir, "digits-test-X.f64"))
    print(json.dumps({"rows": n, "cols": int(X.shape[1])}))


def blas():
    try:
        from threadpoolctl import threadpool_info

        return ",".join(f"{i['internal_api']} {i.get('architecture', '')}".strip() for i in threadpool_info())
    except ImportError:
        return "unknown"


def serve(train_x, train_y, test_x, cols):
    cols = int(cols)
    y = np.fromfile(train_y, dtype=np.float64).astype(np.int64)
    X = np.ascontiguousarray(np.fromfile(train_x, dtype=np.float64).reshape(cols, -1).T)
    Xt = np.ascontiguousarray(np.fromfile(test_x, dtype=np.float64).reshape(cols, -1).T)
    print(json.dumps({"ready": True, "blas": blas()}), flush=True)
    for line in sys.stdin:
        json.loads(line)
        t0 = time.perf_counter()
        predicted = KNeighborsClassifier(n_neighbors=5, algorithm="brute").fit(X, y).predict(Xt)
        ms = (time.perf_counter() - t0) * 1000.0
        print(json.dumps({"ms": ms, "predict": predicted.tolist()}), flush=True)


def main(argv):
    if len(argv) == 4 and argv[0] == "digits":
        digits(*argv[1:])
    elif len(argv) == 5 and argv[0] == "serve":
        serve(*argv[1:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])

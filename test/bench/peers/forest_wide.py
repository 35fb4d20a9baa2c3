"""scikit-learn peer for test/bench/forest-wide.ts, kept running so its timings alternate with ours.

    forest_wide.py digits <X.f64> <y.f64>
        writes sklearn.datasets.load_digits (1797 × 64, offline) as the TypeScript matrices are laid out,
        prints {"rows": ..., "cols": ...} and exits.
    forest_wide.py fit <X.f64> <y.f64> <rows> <cols>
        each stdin line {"seed": s} times RandomForestClassifier(100, n_jobs=1, random_state=s).fit.
    forest_wide.py predict <X.f64> <y.f64> <rows> <cols> <test-X.f64> <test-rows>
        fits RandomForestClassifier(100, n_jobs=1, random_state=0) once; each stdin line times
        predict_proba on the test rows.
X.f64 files are float64, column-major (feature by feature); y.f64 the class indices as float64. After
loading, prints {"ready": true}; then one JSON line per request: {"ms": ..., plus what it reports}.
"""

import json
import sys
import time

import numpy as np
from sklearn.ensemble import RandomForestClassifier


def matrix(x_path, rows, cols):
    return np.ascontiguousarray(np.fromfile(x_path, dtype=np.float64).reshape(int(cols), int(rows)).T)


def labels(y_path):
    return np.fromfile(y_path, dtype=np.float64).astype(np.int64)


def digits(x_path, y_path):
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    np.ascontiguousarray(X.T, dtype=np.float64).tofile(x_path)
    y.astype(np.float64).tofile(y_path)
    print(json.dumps({"rows": X.shape[0], "cols": X.shape[1]}), flush=True)


def serve(timed):
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        t0 = time.perf_counter()
        report = timed(request)
        ms = (time.perf_counter() - t0) * 1000.0
        print(json.dumps({"ms": ms, **report()}), flush=True)


def fit(x_path, y_path, rows, cols):
    X, y = matrix(x_path, rows, cols), labels(y_path)

    def timed(request):
        model = RandomForestClassifier(
            n_estimators=100, n_jobs=1, random_state=int(request.get("seed", 0))
        ).fit(X, y)
        return lambda: {"nodes": int(sum(e.tree_.node_count for e in model.estimators_))}

    serve(timed)


def predict(x_path, y_path, rows, cols, test_path, test_rows):
    X, y = matrix(x_path, rows, cols), labels(y_path)
    X_test = matrix(test_path, test_rows, cols)
    model = RandomForestClassifier(n_estimators=100, n_jobs=1, random_state=0).fit(X, y)

    def timed(_request):
        proba = model.predict_proba(X_test)
        return lambda: {"meanTop": float(proba.max(axis=1).mean())}

    serve(timed)


def main(argv):
    modes = {"digits": (digits, 2), "fit": (fit, 4), "predict": (predict, 6)}
    if not argv or argv[0] not in modes or len(argv) != modes[argv[0]][1] + 1:
        sys.exit(__doc__)
    make, _ = modes[argv[0]]
    make(*argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])

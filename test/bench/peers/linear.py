"""scikit-learn peer for test/bench/models-linear.ts, kept running so its fits alternate with ours.

    linear.py linear   <X.f64> <y.f64> <rows> <cols>      LinearRegression().fit
    linear.py logistic <X.f64> <y.f64> <rows> <cols>      LogisticRegression().fit (lbfgs, defaults)
    linear.py forest   <train-X.f64> <train-y.f64> <test-X.f64> <test-y.f64> <cols>
                                                         RandomForestRegressor(100, n_jobs=1).fit; MAE on test
X.f64 files are the TypeScript matrices as written (float64, column-major: feature by feature); y.f64 their
targets (class indices for logistic). After loading, prints {"ready": true, "blas": ...}; then each stdin
line (a JSON object; "seed" sets the forest's random_state) times one fit inside python (perf_counter) and
prints one JSON line: {"ms": ..., plus what that fit gives to compare}. Exits at the end of stdin.
"""

import json
import sys
import time

import numpy as np
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import LinearRegression, LogisticRegression


def matrix(x_path, rows, cols):
    return np.ascontiguousarray(np.fromfile(x_path, dtype=np.float64).reshape(cols, rows).T)


def targets(y_path):
    return np.fromfile(y_path, dtype=np.float64)


def linear(x_path, y_path, rows, cols):
    X, y = matrix(x_path, int(rows), int(cols)), targets(y_path)

    def fit(_request):
        model = LinearRegression().fit(X, y)
        return model, lambda: {"coef": model.coef_.tolist(), "intercept": float(model.intercept_)}

    return fit


def logistic(x_path, y_path, rows, cols):
    X, y = matrix(x_path, int(rows), int(cols)), targets(y_path).astype(np.int64)

    def fit(_request):
        model = LogisticRegression().fit(X, y)
        return model, lambda: {
            "iterations": int(model.n_iter_[0]),
            "proba": model.predict_proba(X[:1000]).ravel().tolist(),
        }

    return fit


def forest(train_x, train_y, test_x, test_y, cols):
    y, y_test = targets(train_y), targets(test_y)
    X = matrix(train_x, len(y), int(cols))
    X_test = matrix(test_x, len(y_test), int(cols))

    def fit(request):
        seed = int(request.get("seed", 0))
        model = RandomForestRegressor(n_estimators=100, n_jobs=1, random_state=seed).fit(X, y)

        def report():
            err = model.predict(X_test) - y_test
            return {
                "mae": float(np.abs(err).mean()),
                "r2": float(1 - (err**2).sum() / ((y_test - y_test.mean()) ** 2).sum()),
                "nodes": int(sum(e.tree_.node_count for e in model.estimators_)),
            }

        return model, report

    return fit


def blas():
    try:
        from threadpoolctl import threadpool_info

        return ",".join(f"{i['internal_api']} {i.get('architecture', '')}".strip() for i in threadpool_info())
    except ImportError:
        return "unknown"


def main(argv):
    modes = {"linear": (linear, 4), "logistic": (logistic, 4), "forest": (forest, 5)}
    if not argv or argv[0] not in modes or len(argv) != modes[argv[0]][1] + 1:
        sys.exit(__doc__)
    make, _ = modes[argv[0]]
    fit = make(*argv[1:])
    print(json.dumps({"ready": True, "blas": blas()}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        t0 = time.perf_counter()
        _model, report = fit(request)
        ms = (time.perf_counter() - t0) * 1000.0
        print(json.dumps({"ms": ms, **report()}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])

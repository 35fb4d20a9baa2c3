"""scikit-learn peer for test/bench/models-nb-knn.ts, kept running so its fits alternate with ours.

Generates data shaped like the TypeScript suite's (7 Gaussian class centres ~ N(0, 1) in 12 features,
unit noise, seeded) and times, inside python, only the work being compared:
    nb_knn.py gnb <rows> [features]  GaussianNB().fit(X, y).predict(X) (12 features unless given)
    nb_knn.py knn <train> <test>     KNeighborsClassifier(5, algorithm='brute').fit(train).predict(test)
After generating its data it prints {"ready": true, "sklearn": version}; then each stdin line (a JSON
object) times one run (perf_counter) and prints {"ms": ...}. Exits at the end of stdin.
"""

import json
import sys
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
    X = centres[y] + rng.standard_normal((rows, centres.shape[1]))
    return X, y


def main(argv):
    rng = np.random.default_rng(20240601)
    features = int(argv[2]) if len(argv) == 3 and argv[0] == "gnb" else FEATURES
    centres = CENTRE_SCALE * rng.standard_normal((CLASSES, features))
    if len(argv) in (2, 3) and argv[0] == "gnb":
        X, y = synthetic(int(argv[1]), rng, centres)

        def run():
            GaussianNB().fit(X, y).predict(X)

    elif len(argv) == 3 and argv[0] == "knn":
        Xtr, ytr = synthetic(int(argv[1]), rng, centres)
        Xte, _ = synthetic(int(argv[2]), rng, centres)

        def run():
            KNeighborsClassifier(n_neighbors=5, algorithm="brute").fit(Xtr, ytr).predict(Xte)

    else:
        sys.exit(__doc__)
    print(json.dumps({"ready": True, "sklearn": sklearn.__version__}), flush=True)
    for _line in sys.stdin:
        t0 = time.perf_counter()
        run()
        print(json.dumps({"ms": (time.perf_counter() - t0) * 1000.0}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])

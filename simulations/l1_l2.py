"""L1 and L2 regularization: why one penalty gives exact zeros and the other never does.

A regularized linear model minimises the fit to the training data plus a penalty on the
size of its weights. Here every objective has the same form,

    J(w) = (1 / 2n) * sum_i (y_i - x_i . w)^2  +  alpha * P(w),

with the L1 penalty P(w) = sum_j |w_j| (the sum of the ABSOLUTE values, not of the weights
themselves: a weight of -4 adds 4) and the L2 penalty P(w) = sum_j w_j^2. For w = (3, -4, 0)
the L1 penalty is 3 + 4 + 0 = 7 and the L2 penalty is 9 + 16 + 0 = 25. The strength alpha
(lambda) trades fit against size: too large and every model underfits.

Why L1 zeroes weights. Look at one weight whose unpenalised value would be z. With the L2
penalty the best value is z / (1 + 2 alpha): every weight is scaled down by the same factor,
so it gets smaller but is zero only if z already was. The slope of w^2 is 2w, which vanishes
near zero, so the pull towards zero fades just where it would be needed to finish the job.
With the L1 penalty the best value is the *soft threshold* sign(z) * max(|z| - alpha, 0):
every weight is moved alpha towards zero and any weight with |z| <= alpha lands *exactly*
on zero. The slope of |w| is +-1 however small w is, so the pull never fades. Geometrically,
the L1 constraint region is a diamond whose corners lie on the axes (where some weights are
0); the L2 region is a round ball with no corners.

So L1 (lasso) performs feature selection and returns a sparse model: with 100 features of
which 10 matter, a well-chosen alpha keeps about 10 non-zero coefficients. L2 (ridge, and
"weight decay" in neural networks trained with plain SGD) keeps every feature with a small
weight: a dense model. Ridge has a closed form, w = (X'X/n + 2 alpha I)^-1 X'y/n. The lasso
has none, and |w| is not differentiable at 0, which is why L1 is often called
"computationally inefficient"; in practice coordinate descent with soft-thresholding (the
solver written below, and the one scikit-learn and glmnet use) is fast, and a warm start
along a decreasing path of alphas makes a whole path cost little more than one fit. Elastic
net mixes the two penalties. Penalties act on the raw size of each weight, so features must
be standardised first, otherwise a feature's unit decides how hard it is penalised.

The same two norms appear as *losses*: L1 loss (mean absolute error) grows linearly with a
residual and is minimised by the median, so a few outliers barely move the fit; L2 loss
(mean squared error) grows with the square and is minimised by the mean, so a single large
outlier can drag the fit towards itself.
"""

from __future__ import annotations

import numpy as np

from quizzer.simulations import Param, SimulationError, scenario
from quizzer.simulations.example import Annotation, Chart, Panel, Series, Table, worked

# ----------------------------------------------------------------------------------- helpers


def _soft(z, t):
    """Soft threshold: move z towards zero by t, stopping at exactly zero."""
    return np.sign(z) * np.maximum(np.abs(z) - t, 0.0)


def _standardize(train: np.ndarray, *others: np.ndarray):
    """Centre and scale every column with the TRAINING mean and standard deviation."""
    mean = train.mean(axis=0)
    std = train.std(axis=0)
    std[std == 0] = 1.0
    return tuple((a - mean) / std for a in (train, *others))


def _linear_data(rng, n_train: int, n_val: int, n_features: int, n_informative: int,
                 noise: float):
    """Gaussian features; the first n_informative have weights of size 1..3, the rest 0."""
    n = n_train + n_val
    X = rng.standard_normal((n, n_features))
    true = np.zeros(n_features)
    true[:n_informative] = rng.uniform(1.0, 3.0, n_informative) * rng.choice(
        [-1.0, 1.0], n_informative)
    y = X @ true + noise * rng.standard_normal(n)
    Xtr, Xval = _standardize(X[:n_train], X[n_train:])
    return Xtr, y[:n_train], Xval, y[n_train:], true


def _gram(X: np.ndarray, y: np.ndarray):
    """G = X'X/n and c = X'(y - mean y)/n: all the solvers need from the training data."""
    n = len(y)
    yc = y - y.mean()
    return X.T @ X / n, X.T @ yc / n


def _coordinate_descent(G: np.ndarray, c: np.ndarray, l1: float, l2: float,
                        w0: np.ndarray | None = None, tol: float = 1e-9,
                        max_sweeps: int = 2000) -> np.ndarray:
    """Minimise 1/2 w'Gw - c'w + l1 * sum|w| + l2 * sum w^2 by cyclic coordinate descent.

    Each coordinate update is exact: w_j = soft(c_j - (Gw)_j + G_jj w_j, l1) / (G_jj + 2 l2),
    so a weight whose partial correlation with the residual is within l1 is set to exactly
    0.0. After each full sweep the solver tries the exact solution on the current non-zero
    (active) set with its signs, a single linear solve, and keeps it if the optimality
    conditions hold; otherwise it iterates over the active weights until they settle and
    sweeps everything again (the glmnet strategy).
    """
    p = len(c)
    w = np.zeros(p) if w0 is None else np.array(w0, dtype=float)
    Gw = G @ w
    diag = G.diagonal().tolist()
    cl = c.tolist()
    denom = [d + 2.0 * l2 for d in diag]

    def sweep(indices) -> float:
        biggest = 0.0
        for j in indices:
            old = float(w[j])
            rho = cl[j] - float(Gw[j]) + diag[j] * old
            if rho > l1:
                new = (rho - l1) / denom[j]
            elif rho < -l1:
                new = (rho + l1) / denom[j]
            else:
                new = 0.0
            if new != old:
                Gw.__iadd__(G[j] * (new - old))
                w[j] = new
                biggest = max(biggest, abs(new - old))
        return biggest

    def exact_on_active():
        """Once the signs are known the optimum is a linear solve; None if it does not hold."""
        active = np.flatnonzero(w)
        if active.size == 0:
            return None
        signs = np.sign(w[active])
        A = G[np.ix_(active, active)] + 2.0 * l2 * np.eye(active.size)
        try:
            wa = np.linalg.solve(A, c[active] - l1 * signs)
        except np.linalg.LinAlgError:
            return None
        if not np.all(np.sign(wa) == signs):
            return None
        out = np.zeros(p)
        out[active] = wa
        pull = c - G @ out
        inactive = np.ones(p, dtype=bool)
        inactive[active] = False
        return out if np.all(np.abs(pull[inactive]) <= l1 + 1e-12) else None

    everything = range(p)
    for _ in range(max_sweeps):
        if sweep(everything) < tol:
            break
        exact = exact_on_active()
        if exact is not None:
            return exact
        active = np.flatnonzero(w).tolist()
        for _ in range(max_sweeps):
            if sweep(active) < tol:
                break
    return w


def _ridge(G: np.ndarray, c: np.ndarray, alpha: float) -> np.ndarray:
    """Closed form of 1/2 w'Gw - c'w + alpha * sum w^2: (G + 2 alpha I)^-1 c."""
    return np.linalg.solve(G + 2.0 * alpha * np.eye(len(c)), c)


def _mse(X: np.ndarray, y: np.ndarray, w: np.ndarray, intercept: float) -> float:
    r = y - X @ w - intercept
    return float(np.mean(r * r))


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise SimulationError(message)


def _g(x: float) -> str:
    return f"{x:.3g}"


# --------------------------------------------------------------------------------- scenarios


@scenario(
    "The L1 and L2 penalties of a weight vector, and how each shrinks a single weight",
    weights=Param("floats", (3.0, -4.0, 0.0), "the weights to penalise (comma-separated)",
                  low=-1000, high=1000),
    alpha=Param("float", 1.0, "penalty strength used for the one-weight shrinkage",
                low=0.0, high=100.0),
)
def penalties(*, seed, weights, alpha):
    _check(len(weights) <= 12, "weights: give at most 12 numbers so the table stays readable")
    w = np.array(weights, dtype=float)
    l1 = float(np.abs(w).sum())
    l2 = float((w * w).sum())
    l1_shrunk = _soft(w, alpha)
    l2_shrunk = w / (1.0 + 2.0 * alpha)
    rows = [(round(float(v), 4), round(abs(float(v)), 4), round(float(v * v), 4),
             round(float(a), 4), round(float(b), 4))
            for v, a, b in zip(w, l1_shrunk, l2_shrunk)]
    rows.append(("sum", round(l1, 4), round(l2, 4), "", ""))
    table = Table.of(["w", "|w| (L1 term)", "w^2 (L2 term)", f"L1-shrunk (alpha={alpha:g})",
                      f"L2-shrunk (alpha={alpha:g})"], rows)
    l1_zeroed = int(np.sum((l1_shrunk == 0) & (w != 0)))
    findings = [
        f"L1 penalty = sum of absolute values = {' + '.join(_g(abs(v)) for v in w)} = {l1:g}; "
        f"a negative weight adds its size, it does not cancel a positive one.",
        f"L2 penalty = sum of squares = {' + '.join(_g(v * v) for v in w)} = {l2:g} "
        f"(its square root, the Euclidean length, is {np.sqrt(l2):.4g}).",
        (f"With alpha = {alpha:g}, L1 moves every weight {alpha:g} towards zero and sets "
         f"{l1_zeroed} non-zero weight(s) with |w| <= {alpha:g} to exactly 0; L2 divides every "
         f"weight by {1 + 2 * alpha:g}, so no non-zero weight becomes 0."
         if l1_zeroed else
         f"With alpha = {alpha:g}, L1 moves every non-zero weight {alpha:g} towards zero (none "
         f"is small enough to reach 0); L2 divides every weight by {1 + 2 * alpha:g}."),
        "The slope of |w| is 1 however small w is, while the slope of w^2 (2w) fades to 0 near "
        "zero: only L1 keeps pulling until a weight reaches zero.",
    ]
    grid = np.linspace(-3.0, 3.0, 121)
    top = max(3.0, float(np.abs(w).max()) if len(w) else 3.0)
    z = np.linspace(-top, top, 121)
    # the title states what these weights show: when none is zeroed, the penalty values
    chart = Chart(
        (f"L1 sets {l1_zeroed} of these weights (|w| <= alpha = {alpha:g}) to exactly zero; L2 "
         "only scales weights down" if l1_zeroed else
         f"For w = ({', '.join(_g(v) for v in w)}): L1 = {l1:g} (absolute values), L2 = "
         f"{l2:g}; the signed sum would be {_g(float(w.sum()))}"),
        (
            Panel("lines", "Penalty paid by one weight", "weight w", "penalty",
                  series=(Series.of("L1: |w|", grid, np.abs(grid)),
                          Series.of("L2: w^2", grid, grid * grid, "dashed")),
                  annotations=(Annotation(0.5, 0.5, "near 0, |w| > w^2: L1 still pulls"),)),
            Panel("lines", f"Best weight after penalising (alpha = {alpha:g})",
                  "unpenalised weight z", "penalised weight",
                  series=(Series.of("L1: soft threshold", z, _soft(z, alpha)),
                          Series.of("L2: z / (1 + 2 alpha)", z, z / (1 + 2 * alpha), "dashed"),
                          Series.of("no penalty", z, z, "dotted")),
                  vlines=((-alpha, "-alpha"), (alpha, "+alpha")),
                  annotations=(Annotation(0.0, 0.0, "flat at exactly 0 for |z| <= alpha"),)),
        ),
    )
    values = {"l1_penalty": l1, "l2_penalty": l2, "l2_norm": float(np.sqrt(l2)),
              "n_weights": len(w), "l1_zeroed": l1_zeroed,
              "l2_zeroed": int(np.sum((l2_shrunk == 0) & (w != 0))),
              "l2_shrink_factor": 1.0 / (1.0 + 2.0 * alpha)}
    return worked(values, table, findings, chart)


@scenario(
    "Lasso (L1) vs ridge (L2), and no penalty, on many features of which few matter (by "
    "default 100 and 10): exact zeros vs none",
    # 150 rows (not 200): with 200 rows least squares already validates as well as ridge, so
    # the L2 row could not be told apart from no penalty (blind review B).
    n_samples=Param("int", 150, "training rows", low=20, high=2000),
    n_features=Param("int", 100, "number of features", low=5, high=300),
    n_informative=Param("int", 10, "features with a non-zero true weight", low=1, high=100),
    noise=Param("float", 1.0, "standard deviation of the label noise", low=0.0, high=20.0),
    l1_alpha=Param("float", 0.25, "L1 (lasso) penalty strength", low=0.0, high=50.0),
    l2_alpha=Param("float", 0.01, "L2 (ridge) penalty strength (each penalty has its own "
                   "scale; with the default data 0.01 beats no penalty on validation)", low=0.0, high=50.0),
)
def sparsity(*, seed, n_samples, n_features, n_informative, noise, l1_alpha, l2_alpha):
    _check(n_informative <= n_features, "n_informative cannot exceed n_features")
    rng = np.random.default_rng(seed)
    Xtr, ytr, Xval, yval, true = _linear_data(rng, n_samples, 1000, n_features,
                                              n_informative, noise)
    G, c = _gram(Xtr, ytr)
    b = float(ytr.mean())
    w1 = _coordinate_descent(G, c, l1_alpha, 0.0)
    w2 = _ridge(G, c, l2_alpha)
    informative = true != 0
    l1_nonzero = int(np.count_nonzero(w1))
    l2_nonzero = int(np.count_nonzero(w2))
    l1_kept = int(np.count_nonzero(w1[informative]))
    l1_false = int(np.count_nonzero(w1[~informative]))
    n_uninf = int((~informative).sum())
    l1_mse, l2_mse = _mse(Xval, yval, w1, b), _mse(Xval, yval, w2, b)
    # The unpenalised baseline: ordinary least squares (the minimum-norm fit when there are
    # more features than rows, which then matches the training data exactly).
    w0, *_ = np.linalg.lstsq(Xtr, ytr - b, rcond=None)
    ols_train, ols_val = _mse(Xtr, ytr, w0, b), _mse(Xval, yval, w0, b)
    l1_train, l2_train = _mse(Xtr, ytr, w1, b), _mse(Xtr, ytr, w2, b)
    l2_smallest = float(np.abs(w2).min())
    values = {
        "n_features": n_features, "n_informative": n_informative, "n_train_rows": n_samples,
        "n_uninformative": n_uninf,
        "l1_nonzero": l1_nonzero, "l1_zeros": n_features - l1_nonzero,
        "l2_nonzero": l2_nonzero, "l2_zeros": n_features - l2_nonzero,
        "l1_informative_kept": l1_kept, "l1_uninformative_kept": l1_false,
        "l1_uninformative_zeroed": n_uninf - l1_false,
        "l1_val_mse": l1_mse, "l2_val_mse": l2_mse,
        "l1_train_mse": l1_train, "l2_train_mse": l2_train,
        "ols_train_mse": ols_train, "ols_val_mse": ols_val,
        "ols_gap": ols_val - ols_train, "l1_gap": l1_mse - l1_train, "l2_gap": l2_mse - l2_train,
        "l2_smallest_abs_coef": l2_smallest,
        "l2_uninformative_mean_abs": float(np.abs(w2[~informative]).mean()) if n_uninf else None,
        "l1_alpha": l1_alpha, "l2_alpha": l2_alpha,
    }
    rows = []
    for name, w in (("none (least squares)", w0), ("L1 (lasso)", w1), ("L2 (ridge)", w2)):
        nz = int(np.count_nonzero(w))
        rows.append((name, nz, int(np.count_nonzero(w[informative])),
                     round(float(np.abs(w).min()), 6), round(_mse(Xtr, ytr, w, b), 4),
                     round(_mse(Xval, yval, w, b), 4)))
    table = Table.of(["penalty", f"non-zero (of {n_features})",
                      f"informative kept (of {n_informative})", "smallest |w|", "training MSE",
                      "validation MSE"], rows)
    better = "L1" if l1_mse < l2_mse else "L2"
    findings = [
        f"L1 set {n_features - l1_nonzero} of {n_features} coefficients to exactly 0 and kept "
        f"{l1_nonzero}; L2 set "
        + ("none of them" if l2_nonzero == n_features else f"{n_features - l2_nonzero}")
        + f" to exactly 0 and kept {l2_nonzero}.",
        ("The L1 penalty is so strong that every coefficient is 0, informative ones "
         "included: the model just predicts the mean and underfits."
         if l1_nonzero == 0 else
         # every feature informative: there is nothing to weed out, so say only what was kept
         f"L1 kept {l1_kept} of the {n_informative} features, all of them informative here."
         if n_uninf == 0 else
         f"L1 kept {l1_kept} of the {n_informative} informative features and {l1_false} of "
         f"the {n_uninf} uninformative ones"
         + (": automatic feature selection." if 2 * l1_false < n_uninf else
            "; this alpha is too weak to weed out most of them.")),
        f"The smallest L2 coefficient is {l2_smallest:.2g}: small, but not zero"
        + (f"; the uninformative ones average {values['l2_uninformative_mean_abs']:.3f} in size."
           if n_uninf else "."),
        f"Validation MSE: L1 (alpha {l1_alpha:g}) {l1_mse:.3f}, L2 (alpha {l2_alpha:g}) "
        f"{l2_mse:.3f}; {better} is lower here"
        + ("" if l1_nonzero else ", because the L1 model has no feature left")
        + f", with {n_informative} of {n_features} features informative.",
        f"Without any penalty, least squares has training MSE {ols_train:.3f} and validation "
        f"MSE {ols_val:.3f} (gap {ols_val - ols_train:.3f}); the train-validation gap is "
        f"{l1_mse - l1_train:.3f} with L1 and {l2_mse - l2_train:.3f} with L2; "
        + ("ridge validates better than no penalty yet, like least squares, zeroes none."
           if l2_mse < ols_val else
           f"at alpha {l2_alpha:g} ridge validates no better than no penalty: this strength "
           "barely regularises this data."),
    ]
    idx = np.arange(n_features)
    chart = Chart(
        (f"L1 zeroes {n_features - l1_nonzero} of {n_features} coefficients; L2 zeroes "
         f"{n_features - l2_nonzero}" if l1_nonzero < n_features else
         # nothing to contrast at this strength: say so rather than imply a difference
         f"At L1 alpha {l1_alpha:g} both keep all {n_features} coefficients; only L2 keeps "
         "them at every strength"),
        (
            Panel("scatter", "Fitted coefficient of each feature", "feature index",
                  "coefficient (standardised feature)",
                  series=(Series.of("true weight", idx, true, "points"),
                          Series.of("L2 (ridge)", idx, w2, "points"),
                          Series.of("L1 (lasso)", idx, w1, "points")),
                  vlines=((n_informative - 0.5, "informative | uninformative"),),
                  hlines=((0.0, "zero"),)),
            Panel("bars", "Counts over all features", "", "number of features",
                  series=(Series.of("L1 (lasso)", ["non-zero", "exactly 0", "informative kept"],
                                    [l1_nonzero, n_features - l1_nonzero, l1_kept]),
                          Series.of("L2 (ridge)", ["non-zero", "exactly 0", "informative kept"],
                                    [l2_nonzero, n_features - l2_nonzero,
                                     int(np.count_nonzero(w2[informative]))]))),
        ),
    )
    return worked(values, table, findings, chart)


@scenario(
    "Coefficient paths over log-spaced alphas: L1 zeroes features at different strengths, L2 never does",
    n_samples=Param("int", 150, "training rows", low=20, high=1000),
    n_features=Param("int", 30, "number of features", low=3, high=100),
    n_informative=Param("int", 5, "features with a non-zero true weight", low=1, high=100),
    noise=Param("float", 1.0, "standard deviation of the label noise", low=0.0, high=20.0),
    alpha_min=Param("float", 0.001, "smallest penalty strength", low=1e-6, high=100.0),
    alpha_max=Param("float", 10.0, "largest penalty strength", low=1e-5, high=1000.0),
    n_alphas=Param("int", 25, "number of log-spaced alphas", low=3, high=60),
)
def paths(*, seed, n_samples, n_features, n_informative, noise, alpha_min, alpha_max,
          n_alphas):
    _check(n_informative <= n_features, "n_informative cannot exceed n_features")
    _check(alpha_min < alpha_max, "alpha_min must be smaller than alpha_max")
    rng = np.random.default_rng(seed)
    Xtr, ytr, Xval, yval, true = _linear_data(rng, n_samples, 500, n_features,
                                              n_informative, noise)
    G, c = _gram(Xtr, ytr)
    b = float(ytr.mean())
    alphas = np.geomspace(alpha_min, alpha_max, n_alphas)
    # L1: warm start from the largest alpha (all zero) down to the smallest.
    l1_path = np.zeros((n_alphas, n_features))
    w = np.zeros(n_features)
    for i in range(n_alphas - 1, -1, -1):
        w = _coordinate_descent(G, c, float(alphas[i]), 0.0, w0=w)
        l1_path[i] = w
    # L2: one eigendecomposition gives the closed form at every alpha.
    lam, V = np.linalg.eigh(G)
    Vc = V.T @ c
    l2_path = np.array([V @ (Vc / (lam + 2.0 * a)) for a in alphas])
    l1_nz = np.count_nonzero(l1_path, axis=1)
    l2_nz = np.count_nonzero(l2_path, axis=1)
    l1_mse = np.array([_mse(Xval, yval, w, b) for w in l1_path])
    l1_train = np.array([_mse(Xtr, ytr, w, b) for w in l1_path])
    l2_mse = np.array([_mse(Xval, yval, w, b) for w in l2_path])
    alpha_all_zero = float(np.abs(c).max())  # smallest alpha at which the lasso is all zero
    i1, i2 = int(np.argmin(l1_mse)), int(np.argmin(l2_mse))
    informative = true != 0
    values = {
        "n_features": n_features, "n_alphas": n_alphas, "alpha_min": alpha_min,
        "alpha_max": alpha_max,
        "alpha_all_zero": alpha_all_zero,
        "l1_nonzero_at_alpha_min": int(l1_nz[0]), "l1_nonzero_at_alpha_max": int(l1_nz[-1]),
        "l2_nonzero_min": int(l2_nz.min()),
        "l2_smallest_abs_coef_at_alpha_max": float(np.abs(l2_path[-1]).min()),
        "l1_best_alpha": float(alphas[i1]), "l1_best_val_mse": float(l1_mse[i1]),
        "l1_train_mse_at_alpha_min": float(l1_train[0]),
        "l1_train_mse_argmin_alpha": float(alphas[int(np.argmin(l1_train))]),
        "l1_train_mse_at_best": float(l1_train[i1]),
        "l1_val_mse_at_alpha_min": float(l1_mse[0]),
        "l1_nonzero_at_best": int(l1_nz[i1]),
        "l1_informative_kept_at_best": int(np.count_nonzero(l1_path[i1][informative])),
        "l2_best_alpha": float(alphas[i2]), "l2_best_val_mse": float(l2_mse[i2]),
        "l1_val_mse_at_alpha_max": float(l1_mse[-1]),
        "l2_val_mse_at_alpha_max": float(l2_mse[-1]),
    }
    step = max(1, int(np.ceil(n_alphas / 12)))
    shown = list(range(0, n_alphas, step))
    rows = [(float(f"{alphas[i]:.3g}"), int(l1_nz[i]), int(l2_nz[i]),
             round(float(l1_mse[i]), 3), round(float(l2_mse[i]), 3)) for i in shown]
    table = Table.of(["alpha", "L1 non-zero", "L2 non-zero", "L1 val MSE", "L2 val MSE"], rows)
    findings = [
        f"As alpha grows from {alpha_min:g} to {alpha_max:g}, the L1 model goes from "
        f"{l1_nz[0]} to {l1_nz[-1]} non-zero coefficients, features reaching 0 at different strengths; "
        f"the L2 model keeps {l2_nz.min()} of {n_features} non-zero at every alpha.",
        f"Every L1 coefficient is exactly 0 once alpha >= max|X'y|/n = {alpha_all_zero:.3g}; "
        f"at alpha = {alpha_max:g} the smallest L2 coefficient is "
        f"{np.abs(l2_path[-1]).min():.2g}, shrunk but not zero.",
        f"Best validation MSE: L1 {l1_mse[i1]:.3f} at alpha {alphas[i1]:.3g} with "
        f"{l1_nz[i1]} features; L2 {l2_mse[i2]:.3f} at alpha {alphas[i2]:.3g} with all "
        f"{l2_nz[i2]}.",
        f"Too much penalty underfits: at alpha = {alpha_max:g} validation MSE is "
        f"{l1_mse[-1]:.3f} (L1) and {l2_mse[-1]:.3f} (L2).",
    ]
    order = np.argsort(-np.abs(true))
    picks = [int(j) for j in order[:2]] + [int(np.flatnonzero(~informative)[0])] \
        if (~informative).any() else [int(j) for j in order[:3]]
    coef_series = []
    for j in picks:
        tag = "informative" if informative[j] else "uninformative"
        coef_series.append(Series.of(f"L1 w{j} ({tag})", alphas, l1_path[:, j], "line"))
        coef_series.append(Series.of(f"L2 w{j} ({tag})", alphas, l2_path[:, j], "dashed"))
    chart = Chart(
        f"As alpha grows from {alpha_min:g} to {alpha_max:g}, L1 goes from {l1_nz[0]} to "
        f"{l1_nz[-1]} non-zero coefficients; L2 keeps at least {l2_nz.min()} of {n_features}",
        (
            Panel("lines", "Non-zero coefficients", "alpha (penalty strength, log scale)",
                  "number of non-zero coefficients",
                  series=(Series.of("L1 (lasso)", alphas, l1_nz, "steps"),
                          Series.of("L2 (ridge)", alphas, l2_nz, "dashed")),
                  x_log=True,
                  vlines=((alpha_all_zero, "L1 all zero"),) if
                  alpha_min <= alpha_all_zero <= alpha_max else ()),
            Panel("lines", "Coefficient paths", "alpha (penalty strength, log scale)",
                  "coefficient", series=tuple(coef_series), x_log=True,
                  hlines=((0.0, "zero"),)),
        ),
    )
    return worked(values, table, findings, chart)


@scenario(
    "Why features are standardised before an L1 penalty: units decide who gets penalised",
    n_samples=Param("int", 200, "training rows", low=20, high=2000),
    small_unit_std=Param("float", 0.05, "spread of the informative feature recorded in small "
                         "numbers (e.g. kilometres instead of metres)", low=1e-4, high=1.0),
    big_unit_std=Param("float", 100.0, "spread of the uninformative feature recorded in big "
                       "numbers (e.g. cents instead of dollars)", low=1.0, high=1e4),
    effect=Param("float", 1.5, "effect on y of one standard deviation of each informative "
                 "feature", low=0.0, high=10.0),
    noise=Param("float", 1.0, "standard deviation of the label noise", low=0.0, high=20.0),
    alpha=Param("float", 0.2, "L1 penalty strength", low=0.0, high=50.0),
)
def scaling(*, seed, n_samples, small_unit_std, big_unit_std, effect, noise, alpha):
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n_samples, 6))  # every feature in standard units
    y = Z[:, :3] @ np.full(3, effect) + noise * rng.standard_normal(n_samples)
    units = np.array([small_unit_std, 1.0, 1.0, 1.0, 1.0, big_unit_std])
    X = Z * units  # what the raw data looks like: same information, different units
    names = ["f0 informative, small units", "f1 informative", "f2 informative",
             "f3 uninformative", "f4 uninformative", "f5 uninformative, big units"]
    Xc = X - X.mean(axis=0)
    G, c = _gram(Xc, y)
    w_raw = _coordinate_descent(G, c, alpha, 0.0)
    Xs, = _standardize(X)
    Gs, cs = _gram(Xs, y)
    w_std = _coordinate_descent(Gs, cs, alpha, 0.0)
    sd = X.std(axis=0)
    per_sd_raw = w_raw * sd  # effect of one standard deviation, comparable across features
    rows = [(names[j], float(f"{sd[j]:.3g}"), effect if j < 3 else 0.0,
             round(float(per_sd_raw[j]), 4), round(float(w_std[j]), 4)) for j in range(6)]
    table = Table.of(["feature", "std in raw units", "true effect per std",
                      "L1 on raw units (per std)", "L1 on standardised"], rows)
    values = {
        "raw_nonzero": int(np.count_nonzero(w_raw)),
        "std_nonzero": int(np.count_nonzero(w_std)),
        "raw_informative_kept": int(np.count_nonzero(w_raw[:3])),
        "std_informative_kept": int(np.count_nonzero(w_std[:3])),
        "raw_small_unit_coef_per_std": float(per_sd_raw[0]),
        "std_small_unit_coef": float(w_std[0]),
        "raw_big_unit_coef_per_std": float(per_sd_raw[5]),
        "std_big_unit_coef": float(w_std[5]),
    }
    findings = [
        f"On raw units the L1 model kept {values['raw_informative_kept']} of 3 informative "
        f"features: f0, recorded in small numbers (std {sd[0]:.3g}), needs a coefficient "
        f"{1 / sd[0]:.3g} times larger for the same effect, so the penalty on it is that much "
        f"heavier; its coefficient is {per_sd_raw[0]:.3f} per std.",
        f"f5 carries no information but is recorded in big numbers (std {sd[5]:.3g}); its "
        f"coefficient is tiny in raw units, so the penalty barely touches it: "
        f"{per_sd_raw[5]:.3f} per std on raw units vs {w_std[5]:.3f} after standardising.",
        f"After standardising every feature to std 1 the same alpha keeps "
        f"{values['std_informative_kept']} of 3 informative features and "
        f"{values['std_nonzero'] - values['std_informative_kept']} of 3 uninformative ones.",
    ]
    labels = ["f0", "f1", "f2", "f3", "f4", "f5"]
    chart = Chart(
        (f"Without standardising, L1 keeps {values['raw_informative_kept']} of 3 informative "
         f"features ({'dropping' if w_raw[0] == 0 else 'keeping'} the one in small units); "
         f"standardised, it keeps {values['std_informative_kept']}"),
        (
            Panel("bars", "Coefficient per standard deviation of each feature",
                  "feature (f0-f2 informative; f0 small units, f5 big units)",
                  "effect of one std on y",
                  series=(Series.of("true", labels, [effect] * 3 + [0.0] * 3),
                          Series.of("L1 on raw units", labels, per_sd_raw),
                          Series.of("L1 on standardised", labels, w_std))),
        ),
    )
    return worked(values, table, findings, chart)


def _lad_line(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Exact least-absolute-deviation line: some optimum passes through two data points."""
    i, j = np.triu_indices(len(x), 1)
    dx = x[j] - x[i]
    ok = dx != 0
    i, j, dx = i[ok], j[ok], dx[ok]
    slope = (y[j] - y[i]) / dx
    intercept = y[i] - slope * x[i]
    loss = np.abs(y[None, :] - intercept[:, None] - slope[:, None] * x[None, :]).sum(axis=1)
    k = int(np.argmin(loss))
    return float(slope[k]), float(intercept[k])


def _ls_line(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    slope, intercept = np.polyfit(x, y, 1)
    return float(slope), float(intercept)


@scenario(
    "MAE (L1 loss) vs MSE (L2 loss) line fits on data with a few large outliers",
    n_samples=Param("int", 40, "points (outliers included)", low=5, high=150),
    n_outliers=Param("int", 4, "points at the largest x pushed up by outlier_size",
                     low=0, high=50),
    outlier_size=Param("float", 30.0, "how far each outlier is pushed up", low=0.0,
                       high=1000.0),
    slope=Param("float", 2.0, "true slope", low=-100.0, high=100.0),
    intercept=Param("float", 1.0, "true intercept", low=-100.0, high=100.0),
    noise=Param("float", 1.0, "standard deviation of the ordinary noise", low=0.0, high=50.0),
)
def loss_outliers(*, seed, n_samples, n_outliers, outlier_size, slope, intercept, noise):
    _check(n_outliers < n_samples / 2, "n_outliers must be fewer than half of n_samples")
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(0.0, 10.0, n_samples))
    y_clean = intercept + slope * x + noise * rng.standard_normal(n_samples)
    y = y_clean.copy()
    out = np.zeros(n_samples, dtype=bool)
    if n_outliers:
        out[-n_outliers:] = True
    y[out] += outlier_size
    mse_clean, mae_clean = _ls_line(x, y_clean), _lad_line(x, y_clean)
    mse_fit, mae_fit = _ls_line(x, y), _lad_line(x, y)
    r_true = y - (intercept + slope * x)
    sq, ab = r_true ** 2, np.abs(r_true)
    mse_share = float(sq[out].sum() / sq.sum()) if sq.sum() > 0 else None
    mae_share = float(ab[out].sum() / ab.sum()) if ab.sum() > 0 else None
    values = {
        "true_slope": slope, "true_intercept": intercept,
        "mse_slope": mse_fit[0], "mse_intercept": mse_fit[1],
        "mae_slope": mae_fit[0], "mae_intercept": mae_fit[1],
        "mse_slope_clean": mse_clean[0], "mae_slope_clean": mae_clean[0],
        "mse_slope_shift": mse_fit[0] - mse_clean[0],
        "mae_slope_shift": mae_fit[0] - mae_clean[0],
        "mean_y_shift": float(y.mean() - y_clean.mean()),
        "median_y_shift": float(np.median(y) - np.median(y_clean)),
        "outlier_share_of_squared_error": mse_share,
        "outlier_share_of_absolute_error": mae_share,
        "outlier_fraction": n_outliers / n_samples,
    }
    rows = [
        ("MSE (L2 loss) line", round(mse_clean[0], 3), round(mse_fit[0], 3),
         round(mse_fit[0] - mse_clean[0], 3), round(mse_fit[1], 3)),
        ("MAE (L1 loss) line", round(mae_clean[0], 3), round(mae_fit[0], 3),
         round(mae_fit[0] - mae_clean[0], 3), round(mae_fit[1], 3)),
        ("mean of y (MSE constant)", round(float(y_clean.mean()), 3), round(float(y.mean()), 3),
         round(values["mean_y_shift"], 3), ""),
        ("median of y (MAE constant)", round(float(np.median(y_clean)), 3),
         round(float(np.median(y)), 3), round(values["median_y_shift"], 3), ""),
    ]
    table = Table.of(["fit", "slope/value without outliers", "with outliers", "shift",
                      "intercept with outliers"], rows)
    findings = [
        f"{n_outliers} of {n_samples} points pushed up by {outlier_size:g} move the MSE slope "
        f"from {mse_clean[0]:.3f} to {mse_fit[0]:.3f} (shift {mse_fit[0] - mse_clean[0]:+.3f}); "
        f"the MAE slope moves from {mae_clean[0]:.3f} to {mae_fit[0]:.3f} "
        f"(shift {mae_fit[0] - mae_clean[0]:+.3f}). True slope: {slope:g}.",
        f"For a constant fit the outliers move the mean (the MSE minimiser) by "
        f"{values['mean_y_shift']:+.3f} but the median (the MAE minimiser) by "
        f"{values['median_y_shift']:+.3f}"
        # a zero shift reads like a rounding artefact unless its reason is given
        + (": the pushed points already lay above the median, so the middle value stays."
           if values["median_y_shift"] == 0 else "."),
    ]
    if mse_share is not None and mae_share is not None:
        findings.append(
            f"Measured from the true line, the outliers are {n_outliers / n_samples:.0%} of the "
            f"points but {mse_share:.0%} of the squared error and {mae_share:.0%} of the "
            f"absolute error: squaring lets a few large errors dominate the fit.")
    else:
        findings.append("With no noise and no outliers every residual is 0, so the loss "
                        "shares are undefined.")
    xs = np.array([0.0, 10.0])
    chart = Chart(
        f"{n_outliers} outlier{'s' if n_outliers != 1 else ''} move the MSE slope by "
        f"{mse_fit[0] - mse_clean[0]:+.2f} and the MAE slope by {mae_fit[0] - mae_clean[0]:+.2f} "
        f"(true slope {slope:g})",
        (
            Panel("lines", "Line fits with outliers", "x", "y",
                  series=(Series.of("ordinary points", x[~out], y[~out], "points"),
                          Series.of("outliers", x[out], y[out], "points"),
                          Series.of(f"true line (slope {slope:g})", xs, intercept + slope * xs,
                                    "dotted"),
                          Series.of(f"MSE fit (slope {mse_fit[0]:.2f})", xs,
                                    mse_fit[1] + mse_fit[0] * xs, "line"),
                          Series.of(f"MAE fit (slope {mae_fit[0]:.2f})", xs,
                                    mae_fit[1] + mae_fit[0] * xs, "dashed"))),
        ),
    )
    return worked(values, table, findings, chart)


@scenario(
    "Elastic net: mixing L1 and L2 on groups of correlated features (l1_ratio 1 = lasso, "
    "0 = ridge)",
    n_samples=Param("int", 100, "training rows", low=20, high=1000),
    n_groups=Param("int", 3, "hidden signals, each measured by a group of correlated features",
                   low=1, high=10),
    group_size=Param("int", 3, "correlated features measuring each signal", low=1, high=10),
    n_noise_features=Param("int", 30, "uninformative independent features", low=0, high=200),
    correlation=Param("float", 0.99, "correlation between two features of the same group",
                      low=0.0, high=0.999),
    noise=Param("float", 1.0, "standard deviation of the label noise", low=0.0, high=20.0),
    alpha=Param("float", 0.3, "overall penalty strength", low=0.0, high=50.0),
    l1_ratios=Param("floats", (1.0, 0.5, 0.1, 0.0),
                    "mixes to compare: share of the penalty that is L1", low=0.0, high=1.0),
)
def elastic_net(*, seed, n_samples, n_groups, group_size, n_noise_features, correlation,
                noise, alpha, l1_ratios):
    """Penalty alpha * (r * sum|w| + (1 - r) * sum w^2) for each mix r in l1_ratios."""
    _check(len(l1_ratios) <= 12, "l1_ratios: give at most 12 values")
    rng = np.random.default_rng(seed)
    n = n_samples + 500
    signal = rng.standard_normal((n, n_groups))
    own = rng.standard_normal((n, n_groups * group_size))
    grouped = np.sqrt(correlation) * np.repeat(signal, group_size, axis=1) \
        + np.sqrt(1.0 - correlation) * own
    X = np.hstack([grouped, rng.standard_normal((n, n_noise_features))])
    p = X.shape[1]
    n_inf = n_groups * group_size
    y = signal @ rng.uniform(2.0, 4.0, n_groups) + noise * rng.standard_normal(n)
    Xtr, Xval = _standardize(X[:n_samples], X[n_samples:])
    ytr, yval = y[:n_samples], y[n_samples:]
    G, c = _gram(Xtr, ytr)
    b = float(ytr.mean())
    rows, nz, kept, mses, whole, noise_kept = [], [], [], [], [], []
    w = np.zeros(p)
    for r in l1_ratios:
        # pure L2 has a closed form; otherwise warm-start from the previous mix
        w = _ridge(G, c, alpha) if r == 0.0 else _coordinate_descent(
            G, c, alpha * r, alpha * (1.0 - r), w0=w)
        nz.append(int(np.count_nonzero(w)))
        kept.append(int(np.count_nonzero(w[:n_inf])))
        noise_kept.append(int(np.count_nonzero(w[n_inf:])))
        whole.append(int(sum(bool(np.all(w[g * group_size:(g + 1) * group_size] != 0))
                             for g in range(n_groups))))
        mses.append(_mse(Xval, yval, w, b))
        rows.append((r, nz[-1], p - nz[-1], kept[-1], whole[-1], round(mses[-1], 4)))
    table = Table.of(["l1_ratio", "non-zero", "exactly 0", f"group features kept (of {n_inf})",
                      f"groups kept whole (of {n_groups})", "validation MSE"], rows)
    values = {"n_features": p, "n_group_features": n_inf, "n_groups": n_groups,
              "n_noise_features": n_noise_features}
    for r, a, k, g, m, q in zip(l1_ratios, nz, kept, whole, mses, noise_kept):
        key = f"{int(round(r * 100)):03d}"
        values[f"noise_kept_l1_ratio_{key}"] = q
        values[f"nonzero_l1_ratio_{key}"] = a
        values[f"zeros_l1_ratio_{key}"] = p - a
        values[f"group_kept_l1_ratio_{key}"] = k
        values[f"groups_whole_l1_ratio_{key}"] = g
        values[f"val_mse_l1_ratio_{key}"] = m
    findings = [
        "Non-zero coefficients by l1_ratio: " + ", ".join(
            f"{r:g} -> {a}" for r, a in zip(l1_ratios, nz)) + f" (of {p}): the more L1 in the "
        "mix, the sparser the model.",
        "Correlated group features kept: " + ", ".join(
            f"{r:g} -> {k}" for r, k in zip(l1_ratios, kept)) + f" (of {n_inf}: {n_groups} "
        f"signals, each measured by {group_size} features).",
    ]
    lasso = [i for i, r in enumerate(l1_ratios) if r == 1.0]
    mixed = [i for i, r in enumerate(l1_ratios) if 0.0 < r < 1.0]
    if lasso and mixed:
        i, j = lasso[0], mixed[0]
        findings.append(
            f"Pure L1 kept {whole[i]} of {n_groups} groups whole; elastic net at l1_ratio "
            f"{l1_ratios[j]:g} kept {whole[j]} whole while still setting {p - nz[j]} "
            "coefficients to exactly 0 (the L2 part spreads weight across correlated features).")
        # the price of the mix, stated whichever way it falls (blind review B)
        findings.append(
            f"Noise features kept: {noise_kept[i]} of {n_noise_features} by the lasso, "
            f"{noise_kept[j]} by elastic net at l1_ratio {l1_ratios[j]:g}; validation MSE "
            f"{mses[i]:.3f} (lasso) vs {mses[j]:.3f} (elastic net): "
            + ("the lasso validates better here." if mses[i] < mses[j]
               else "elastic net validates better here."))
    ridge = [i for i, r in enumerate(l1_ratios) if r == 0.0]
    if ridge:
        findings.append(f"l1_ratio 0 is pure L2: {p - nz[ridge[0]]} coefficients are exactly 0.")
    labels = [f"{r:g}" for r in l1_ratios]
    chart = Chart(
        "Exact zeros by l1_ratio (share of L1 in the mix): "
        + ", ".join(f"{r:g} -> {p - a}" for r, a in zip(l1_ratios, nz)) + f" of {p}",
        (
            Panel("bars", f"Features kept (of {p}) by l1_ratio", "l1_ratio (1 = lasso, 0 = ridge)",
                  "number of features",
                  series=(Series.of("non-zero", labels, nz),
                          Series.of("group features kept", labels, kept))),
        ),
    )
    return worked(values, table, findings, chart)

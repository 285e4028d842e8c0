"""Curve fits the claims and the notebooks share (numpy)."""
import numpy as np


def fit_loglog(x, y):
    """Slope and intercept of log10(y) = a + b*log10(x), and R^2; needs >= 2 distinct positive x."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    ok = (x > 0) & (y > 0) & np.isfinite(x) & np.isfinite(y)
    x, y = np.log10(x[ok]), np.log10(y[ok])
    if len(np.unique(x)) < 2:
        return None
    b, a = np.polyfit(x, y, 1)
    pred = a + b * x
    ss = ((y - y.mean()) ** 2).sum()
    r2 = 1 - ((y - pred) ** 2).sum() / ss if ss > 0 else 1.0
    return {"slope": float(b), "slope_err": _slope_err(x, y - pred), "intercept": float(a), "r2": float(r2)}


def _slope_err(x, residuals):
    """Standard error of a least-squares slope (NaN with fewer than 3 points)."""
    n = len(x)
    sxx = float(((x - x.mean()) ** 2).sum())
    if n < 3 or sxx == 0:
        return float("nan")
    return float(np.sqrt((residuals ** 2).sum() / (n - 2) / sxx))


def fit_log(x, y):
    """y = a + b*log2(x) and, for comparison, y = c + d*x: coefficients and residual sums.
    The first article's O(log m) claim predicts the log model fits better than the linear one."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    ok = (x > 0) & np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    if len(np.unique(x)) < 3:
        return None
    b, a = np.polyfit(np.log2(x), y, 1)
    b_err = _slope_err(np.log2(x), y - (a + b * np.log2(x)))
    d, c = np.polyfit(x, y, 1)
    rss_log = float(((y - (a + b * np.log2(x))) ** 2).sum())
    rss_lin = float(((y - (c + d * x)) ** 2).sum())
    return {"a": float(a), "b_per_doubling": float(b), "b_err": b_err, "c": float(c), "d_per_unit": float(d),
            "rss_log": rss_log, "rss_linear": rss_lin}

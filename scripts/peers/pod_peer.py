"""pyMOR's POD on rom-bench pod's snapshot matrix, for the side-by-side figures of docs/benchmarks.md.

Usage: PYTHON pod_peer.py ROWS COLUMNS RTOL [REPEATS]; prints the best time of pyMOR's `pod`.
The peer lives outside the repository: python3 -m venv /opt/peers && /opt/peers/bin/pip install pymor
The matrix is rom-bench's formula u(x; t) = sum_k e^{-k/2} sin(k pi x (1 + t)) cos(k t).
"""
import sys, time
import numpy as np
n = int(sys.argv[1]); k = int(sys.argv[2]); rtol = float(sys.argv[3]); reps = int(sys.argv[4]) if len(sys.argv) > 4 else 2
x = np.arange(n) / max(n - 1, 1)
t = np.arange(k) / max(k - 1, 1)
S = np.zeros((n, k))
for kk in range(1, 13):
    S += np.exp(-kk / 2) * np.sin(kk * np.pi * np.outer(x, 1 + t)) * np.cos(kk * t)[None, :]
from pymor.algorithms.pod import pod
from pymor.vectorarrays.numpy import NumpyVectorSpace
V = NumpyVectorSpace.from_numpy(S)
best = 1e9
for _ in range(reps):
    t0 = time.perf_counter(); modes, svals = pod(V, rtol=rtol); best = min(best, time.perf_counter() - t0)
M = modes.to_numpy()
print(f"pymor_pod_seconds {best:.4f} modes {len(svals)} orth {np.abs(M.T @ M - np.eye(M.shape[1])).max():.2e}")

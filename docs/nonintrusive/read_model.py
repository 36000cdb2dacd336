"""Reads a `rom nonintrusive` model with numpy and answers one query without ROMKit:
magic entries -> beta, gamma (forward substitution) -> reduced solve -> field.

    python3 read_model.py MODEL.npz
"""
import json
import sys

import numpy as np
import scipy.linalg as sl
import scipy.sparse.linalg as spla

from write_family import assemble, inner_product, right_hand_side

z = np.load(sys.argv[1])
header = json.loads(z["model.json"])
print("method:", header["method"], " sizes:", header["sizes"])
for name in z.files:
    if name != "model.json":
        print(f"  {name:24s} {str(z[name].shape):16s} {z[name].dtype}")

V = z["basis"]                                    # (n, N)
A_N = z["reduced_operators"]                      # (N, N, d+1): V^T Q_m V
f_N = z["reduced_rhs"]                            # (N, d_f+1):  V^T F_l
entries = z["operator_entries"].astype(int)       # (d+1, 3): row, column, part
B = z["operator_interpolation"]                   # (d+1, d+1), unit lower triangular
rhs_entries = z["rhs_entries"].astype(int)        # (d_f+1, 2): index, part
B_f = z["rhs_interpolation"]
d, d_f = A_N.shape[2] - 1, f_N.shape[1] - 1       # the last term of each is the estimator's

mu = (0.41, 0.63)
A, f = assemble(mu).tocsr(), right_hand_side(mu)
beta = sl.solve_triangular(B, np.array([A[r, c] for r, c, _ in entries]), lower=True, unit_diagonal=True)
gamma = sl.solve_triangular(B_f, f[rhs_entries[:, 0]], lower=True, unit_diagonal=True)
u_N = np.linalg.solve(A_N[:, :, :d] @ beta[:d], f_N[:, :d_f] @ gamma[:d_f])
u = V @ u_N

truth = spla.spsolve(A.tocsc(), f)
X = inner_product()
norm = lambda v: np.sqrt(v @ (X @ v))
print(f"mu = {mu}: beta_d = {beta[d]:.1e} (the estimator term), relative X-error {norm(u - truth) / norm(truth):.2e}")

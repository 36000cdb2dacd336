"""Writes a parametrized family A(mu) u = f for `rom nonintrusive`.

-div(kappa grad u) = 1 on the unit square, u = 0 on its boundary, with a conductivity bump
kappa(x; mu) = 1 + 4 exp(-|x - mu|^2 / 0.03) whose centre mu = (cx, cy) moves in [0.3, 0.7]^2
(not affine in mu). 5-point finite differences, kappa at the edge midpoints, 22 x 22 interior
points: n = 484 unknowns. 15 x 15 centres: 225 samples.

    python3 write_family.py FOLDER
"""
import os
import sys

import numpy as np
import scipy.io
import scipy.sparse as sp

M = 22                  # interior points per side
H = 1.0 / (M + 1)
N = M * M               # unknowns


def kappa(x, y, mu):
    return 1 + 4 * np.exp(-((x - mu[0]) ** 2 + (y - mu[1]) ** 2) / 0.03)


def assemble(mu):
    """A(mu), CSR, symmetric positive definite; unknown k = i * M + j at (x_j, y_i)."""
    i, j = np.divmod(np.arange(N), M)
    x, y = (j + 1) * H, (i + 1) * H
    # kappa at the edge midpoints, computed alike from both sides so that A is exactly symmetric
    west, east = kappa((j + 0.5) * H, y, mu), kappa((j + 1.5) * H, y, mu)
    south, north = kappa(x, (i + 0.5) * H, mu), kappa(x, (i + 1.5) * H, mu)
    k = np.arange(N)
    rows, cols, vals = [k], [k], [(west + east + south + north) / H**2]
    for has, other, weight in ((j > 0, k - 1, west), (j < M - 1, k + 1, east),
                               (i > 0, k - M, south), (i < M - 1, k + M, north)):
        rows.append(k[has]); cols.append(other[has]); vals.append(-weight[has] / H**2)
    return sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(N, N))


def right_hand_side(mu):
    return np.ones(N)


def inner_product():
    """X: the same stencil with kappa = 1 (the H1_0 seminorm), so errors are energy-like."""
    lap1 = sp.diags([-np.ones(M - 1), 2 * np.ones(M), -np.ones(M - 1)], [-1, 0, 1]) / H**2
    return (sp.kron(sp.identity(M), lap1) + sp.kron(lap1, sp.identity(M))).tocsr()


if __name__ == "__main__":
    folder = sys.argv[1]
    os.makedirs(folder, exist_ok=True)
    centres = np.linspace(0.3, 0.7, 15)
    parameters = [(cx, cy) for cy in centres for cx in centres]
    with open(os.path.join(folder, "parameters.csv"), "w") as out:
        out.write("cx,cy\n")
        for mu in parameters:
            out.write(f"{float(mu[0])!r},{float(mu[1])!r}\n")
    for s, mu in enumerate(parameters):
        scipy.io.mmwrite(os.path.join(folder, f"A_{s:04d}.mtx"), assemble(mu))
        np.save(os.path.join(folder, f"f_{s:04d}.npy"), right_hand_side(mu))
    scipy.io.mmwrite(os.path.join(folder, "inner_product.mtx"), inner_product())
    print(f"{len(parameters)} samples of order {N} in {folder}")

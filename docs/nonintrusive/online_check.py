"""Queries a `rom nonintrusive` model at fresh parameters in the three online ways and compares
with the truth solve: --matrix (the assembled A(mu)), --entries (only the magic entries, from
`rom info --json`'s list), --mu alone (coefficients interpolated in mu).

    python3 online_check.py MODEL.npz [COUNT]
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import scipy.io
import scipy.sparse.linalg as spla

from write_family import assemble, inner_product, right_hand_side

ROM = os.environ.get("ROM", "rom")
model = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 20
X = inner_product()

# The magic entries, in the order --entries reads them: (row, column, part) of A, then (index, part) of f.
info = json.loads(subprocess.run([ROM, "info", model, "--json", "-"], check=True, capture_output=True, text=True).stdout)
operator_entries = [(int(r), int(c)) for r, c, part in info["operator_entries"]]
rhs_entries = [int(i) for i, part in info["rhs_entries"]]


def online(mu, *extra):
    """`rom online` at mu; returns the reconstructed field and the error indicator."""
    with tempfile.TemporaryDirectory() as tmp:
        field = os.path.join(tmp, "u.npy")
        out = subprocess.run([ROM, "online", model, "--mu", f"{mu[0]},{mu[1]}", "--field", field, "--json", "-", *extra],
                             check=True, capture_output=True, text=True).stdout
        return np.load(field), json.loads(out)["error_estimate"]


def x_norm(v):
    return np.sqrt(v @ (X @ v))


rng = np.random.default_rng(7)
results = {"matrix": [], "entries": [], "mu": []}   # (relative error, indicator / error)
with tempfile.TemporaryDirectory() as tmp:
    for _ in range(count):
        mu = rng.uniform(0.3, 0.7, size=2)
        A, f = assemble(mu), right_hand_side(mu)      # what the external code computes at mu
        truth = spla.spsolve(A.tocsc(), f)
        a_path, f_path, e_path = (os.path.join(tmp, name) for name in ("A.mtx", "f.npy", "E.npy"))
        scipy.io.mmwrite(a_path, A)
        np.save(f_path, f)
        # A code that computes single entries computes only these (here read from A).
        A = A.tocsr()
        np.save(e_path, np.array([A[r, c] for r, c in operator_entries] + [f[i] for i in rhs_entries]))
        for way, extra in (("matrix", ["--matrix", a_path, "--rhs", f_path]), ("entries", ["--entries", e_path]), ("mu", [])):
            u, eta = online(mu, *extra)
            error = x_norm(u - truth) / x_norm(truth)
            results[way].append((error, eta / (error * x_norm(truth))))
for way, rows in results.items():
    errors, effectivities = zip(*rows)
    print(f"--{way:8s} over {count} fresh mu: worst relative X-error {max(errors):.2e}, "
          f"indicator / error {min(effectivities):.2f} ... {max(effectivities):.2f}")

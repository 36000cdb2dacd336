import json, subprocess
import numpy as np, scipy.io

info = json.loads(subprocess.run(["rom", "info", "model.npz", "--json", "-"],
                                 check=True, capture_output=True, text=True).stdout)
A, f = scipy.io.mmread("A.mtx").tocsr(), np.load("f.npy")
E = [A[int(r), int(c)] for r, c, part in info["operator_entries"]] + [f[int(i)] for i, part in info["rhs_entries"]]
np.save("E.npy", np.array(E))
print(len(E), "entries:", len(info["operator_entries"]), "of A, then", len(info["rhs_entries"]), "of f")

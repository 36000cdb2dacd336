#!/bin/bash
# Alternating runs: rom-bench pod then pyMOR's pod on the same matrix, one BLAS thread each
# (docs/benchmarks.md, "POD"). Needs a release build (make build) and pyMOR in PEER_PYTHON's
# environment (default /opt/peers/bin/python; see pod_peer.py).
cd "$(dirname "$0")/../.."
export OPENBLAS_NUM_THREADS=1 ROMKIT_NUM_THREADS=1
core=$(scripts/openblas-coretype); [ -n "$core" ] && export OPENBLAS_CORETYPE=$core
for r in 1 2 3; do
  .build/release/rom-bench pod --repeats 2 --json /tmp/pod_run$r.json > /dev/null 2>&1
  python3 -c "
import json; d=json.load(open('/tmp/pod_run$r.json'))
print('run $r', 'snapshots %.3f randomized %.3f' % (d['pod_snapshots_seconds'], d['pod_randomized_seconds']), {k.replace('pod_randomized_','').replace('_seconds',''):round(v,3) for k,v in d.items() if k.startswith('pod_randomized_') and k.endswith('_seconds')}, 'rank', d['randomized_rank'], 'modes', d['randomized_modes'], 'orth %.1e est %.1e dev %.1e' % (d['randomized_orthogonality_error'], d['randomized_relative_estimate'], d['randomized_singular_value_deviation']), d['automatic_method'])"
  ${PEER_PYTHON:-/opt/peers/bin/python} scripts/peers/pod_peer.py 200000 400 1e-6 2 2>/dev/null | tail -1
  uptime
done

# ROMKit: two commands on a fresh Debian machine.
#   make run   installs what is missing, builds in release, runs the main case and writes its report
#   make test  installs what is missing and runs the whole test suite (release mode)
#   make deps  installs the Debian packages that are missing (quiet when nothing is missing)

SHELL := /bin/bash
DEBIAN_PACKAGES := libopenblas-dev liblapacke-dev libsuitesparse-dev libmetis-dev \
                   libopenmpi-dev openmpi-bin pkg-config zlib1g-dev
SWIFT ?= swift
CONFIG ?= release
OUT ?= out

# Debian 12's OpenBLAS 0.3.21 runs a generic kernel on CPUs it does not know: every recipe that
# runs our code sets OPENBLAS_CORETYPE for such CPUs, unless the user set it (README, "BLAS kernel").
BLAS_ENV = core=$$(scripts/openblas-coretype); if [ -n "$$core" ]; then export OPENBLAS_CORETYPE=$$core; fi;

.PHONY: deps build run test bench fuzz clean

deps:
	@scripts/install-deps $(DEBIAN_PACKAGES)

build: deps
	$(SWIFT) build -c $(CONFIG)

run: build
	@$(BLAS_ENV) set -x; $(SWIFT) run -c $(CONFIG) thermal-block --out $(OUT)/thermal-block --json $(OUT)/thermal-block/thermal-block.json
	@echo "report, model, basis and fields in $(OUT)/thermal-block/"

test: deps
	@$(BLAS_ENV) set -x; $(SWIFT) test -c $(CONFIG)

bench: build
	@mkdir -p $(OUT); $(BLAS_ENV) set -x; for suite in linalg fem pod online eim; do $(SWIFT) run -c $(CONFIG) rom-bench $$suite --json $(OUT)/bench-$$suite.json; done

# libFuzzer on every reader (docs/reliability.md, "Fuzzing"): FUZZ_SECONDS each, new inputs and any
# crash file in $(OUT)/fuzz/TARGET/, the stored corpus Tests/FuzzCorpusTests/corpus/TARGET/ as seeds.
FUZZ_TARGETS ?= gmsh matrix-market npy npz model parameter-table expression
FUZZ_SECONDS ?= 60
fuzz: deps
	$(SWIFT) build -c release --sanitize fuzzer --sanitize address -Xswiftc -DFUZZING --product romkit-fuzz --build-path .build-fuzz
	@$(BLAS_ENV) for target in $(FUZZ_TARGETS); do \
	  mkdir -p $(OUT)/fuzz/$$target; echo "fuzzing $$target for $(FUZZ_SECONDS) s"; \
	  ROMKIT_FUZZ_TARGET=$$target ASAN_OPTIONS=detect_leaks=0 OPENBLAS_NUM_THREADS=1 .build-fuzz/release/romkit-fuzz \
	    -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
	    -artifact_prefix=$(OUT)/fuzz/$$target/ $(OUT)/fuzz/$$target Tests/FuzzCorpusTests/corpus/$$target || exit 1; \
	done

clean:
	rm -rf .build .build-fuzz $(OUT)

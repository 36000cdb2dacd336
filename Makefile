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

.PHONY: deps build run test bench clean

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

clean:
	rm -rf .build $(OUT)

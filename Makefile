# The sPAPR TCE VFIO + KVM series for Debian's Linux 6.1 and 6.12: build,
# boot and test them on emulated POWER. 'make help' lists the targets.
SHELL := /bin/bash
S := scripts
# The series a target is for: BASE=6.1 (patches/6.1, the default) or
# BASE=6.12 (patches/6.12); bases/*.conf pin them.
BASE ?= 6.1
export BASE

.PHONY: help deps tree kernel selftests images run check fresh bench deb lint quicklint bisect matrix export clean

help:           ## list the targets
	@sed -n 's/^\([a-z-]*\):.*## \(.*\)/  make \1\t\2/p' Makefile | expand -t 24
	@echo '  BASE=6.12: tree, kernel, quicklint, bisect, matrix, export, run and bench work on'
	@echo '  the 6.12 series (default: 6.1); make check checks it too (lint-6.12, bisect-6.12,'
	@echo '  sparse-6.12, matrix-6.12 and the scenarios whose BASES name 6.12)'

deps:           ## install build and test tools from Debian's archive (root)
	@$(S)/deps.sh

tree: deps      ## git tree build/linux (6.12: build/6.12/linux): base + patches/BASE/series
	@$(S)/tree.sh

kernel: tree    ## build the ppc64le kernel from configs/*.config
	@$(S)/kernel.sh

selftests: kernel ## build the series' kselftests (static) into build/kselftest
	@$(S)/selftests.sh

images: selftests ## initramfs images: guest, l1kvm (QEMU + L2 inside), kdump
	@$(S)/images.sh guest && $(S)/images.sh l1kvm && $(S)/images.sh kdump

run: deps       ## the main job: NVMe passthrough to an L2 guest, TCEs in KVM
	@$(S)/run.sh

check: deps     ## build and run every test; last line 'N passed, N failed'
	@$(S)/check.sh $(SCENARIOS)

fresh:          ## make run on a new Debian 12 root (debootstrap); FRESH=check adds make check
	@$(S)/fresh.sh run $(FRESH)

bench: deps     ## KVM vs QEMU handling of passed-through TCEs (BASE=6.12: the series vs 6.12 unpatched, POWER8 real mode and tce_bench; not in check)
	@$(S)/bench.sh

deb: deps       ## Debian packages of the series in Debian's config (not in check; hours)
	@$(S)/deb.sh

lint: tree      ## the gate: git am + checkpatch, every patch builds, sparse, configs
	@$(S)/gate.sh

quicklint: tree ## git am + checkpatch --strict on every patch, rst, shellcheck
	@$(S)/lint.sh

bisect: kernel  ## every patch builds; sparse and W=1 add no warning
	@$(S)/lint.sh && $(S)/bisect.sh && $(S)/sparse.sh

matrix: tree    ## the series in each configuration of configs/matrix
	@$(S)/matrix.sh

export:         ## export the commits of the tree back to patches/BASE/
	@$(S)/export.sh

clean:          ## remove build outputs (keeps the trees and downloads)
	for d in build $$(ls bases | sed -n 's|^\(.*\)\.conf$$|build/\1|p' | grep -vx build/6.1); do \
		rm -rf $$d/obj $$d/bisect/obj $$d/images $$d/logs $$d/kselftest $$d/disks \
			$$d/mx-* $$d/variants $$d/deb; \
	done

# The two commands of the README. Everything else is in scripts/.
.PHONY: dev test build bench

## Set everything up and run the app locally with the demo school.
dev:
	@scripts/dev.sh

## Set everything up and run every check; ends with "N passed, N failed, N skipped, N cancelled".
test:
	@scripts/test.sh

build:
	@scripts/bootstrap.sh && scripts/build.sh

bench:
	@scripts/bench.sh

# sockerless ACA functions — the two commands are `make run` and `make test`.
SHELL := /bin/bash
MVN ?= mvn -B -q
LISTEN ?= $(or $(SOCKERLESS_LISTEN),127.0.0.1:7071)

.PHONY: run bridge arm-stand-in test fmt fuzz bicep-syntax bench deps deps-node deps-registry deps-skopeo package clean

## The JVM options Azure starts a Java app with: the Functions Java worker's (Azure/azure-functions-java-worker,
## worker.config.json: C1 only, which runs SHA-256 at a tenth of C2's speed), then the app's own
## languageWorkers__java__arguments (bicep/modules/functionapp.bicep: C2 back on). `make run` and the benchmark's app use both.
FUNCTIONS_JAVA_OPTIONS := -XX:+TieredCompilation -XX:TieredStopAtLevel=1 -noverify -Djava.net.preferIPv4Stack=true
APP_JAVA_ARGUMENTS := -XX:TieredStopAtLevel=4

## run: build and serve the function app on $SOCKERLESS_LISTEN (default 127.0.0.1:7071), with Azurite unless AzureWebJobsStorage is set
run: deps-node package
	exec java $(FUNCTIONS_JAVA_OPTIONS) $(APP_JAVA_ARGUMENTS) -cp "localhost/target/classes:$$(cat localhost/target/classpath.txt)" dev.sockerless.aca.localhost.LocalHost

## bridge: build and run the bridge next to the docker CLI: the Docker API on $SOCKERLESS_BRIDGE_LISTEN (default
## 127.0.0.1:2375) for the app at $SOCKERLESS_BRIDGE_APP, called with the function key $SOCKERLESS_BRIDGE_KEY
bridge: package
	exec java -cp "bridge/target/classes:$$(cat bridge/target/classpath.txt)" dev.sockerless.aca.bridge.Bridge

## arm-stand-in: the strict ARM jobs stand-in (test code) for `make run` without Azure: plain http on 127.0.0.1:$(ARM_PORT),
## executions succeed after $(ARM_RUN_SECONDS) s; run the app with SOCKERLESS_ARM_ENDPOINT=http://127.0.0.1:$(ARM_PORT)
ARM_PORT ?= 8089
ARM_RUN_SECONDS ?= 10
arm-stand-in: package
	exec java -cp "localhost/target/test-classes:localhost/target/classes:$$(cat localhost/target/test-classpath.txt)" \
	  dev.sockerless.aca.testing.ArmStandIn $(ARM_PORT) $(ARM_RUN_SECONDS)

FUZZ_TARGETS := ParsersFuzzTest\#imageReference ParsersFuzzTest\#registryAuthHeader ParsersFuzzTest\#manifests \
	ParsersFuzzTest\#logsParameters ParsersFuzzTest\#kqlLiteral ArchiveFuzzTest\#dockerArchive
FUZZ_ROUNDS ?= 6

## test: install what the tests need (Azurite and tree-sitter-bicep from npm, docker-registry from apt), check the
## Bicep syntax, run every test, then a short fuzzing run
test: deps bicep-syntax
	$(MVN) verify
	$(MAKE) fuzz FUZZ_ROUNDS=1

## fmt: apply the formatting that `make test` checks (Spotless: palantir-java-format at 120 columns, ordered imports)
fmt:
	$(MVN) spotless:apply

## fuzz: each Jazzer target in fuzzing mode, FUZZ_ROUNDS times its annotated duration (the corpus carries over)
fuzz:
	@for round in $$(seq $(FUZZ_ROUNDS)); do for target in $(FUZZ_TARGETS); do \
	  echo "fuzzing $$target (round $$round)"; \
	  JAZZER_FUZZ=1 $(MVN) -o test -pl functions -am -Dtest="$$target" -Dsurefire.failIfNoSpecifiedTests=false || exit 1; \
	done; done

## bicep-syntax: parse every bicep/*.bicep(param) with tree-sitter-bicep (syntax only: no types, schemas or references)
bicep-syntax: deps-node
	node scripts/bicep-syntax.js

## package: the function app (functions/target/azure-functions/...) and the local host, without tests
package:
	$(MVN) package -DskipTests

deps: deps-node deps-registry

deps-node:
	@if [ ! -x node_modules/.bin/azurite ] || [ ! -d node_modules/tree-sitter ] || [ ! -d node_modules/tree-sitter-bicep ]; then \
	  echo "installing Azurite and tree-sitter-bicep (npm ci)"; npm ci --no-audit --no-fund; fi

deps-registry:
	@if ! command -v docker-registry >/dev/null 2>&1; then \
	  echo "installing docker-registry (apt)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends docker-registry; \
	fi

deps-skopeo:
	@if ! command -v skopeo >/dev/null 2>&1; then \
	  echo "installing skopeo (apt), the benchmark's peer"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends skopeo; \
	fi

clean:
	$(MVN) clean

## bench: registry requests per pull, load, logs and follow figures, ARM requests per docker run -d / docker ps (strict ARM
## stand-in); then the bridge: its overhead on pull and inspect, and the docker logs -f delay through it.
## BENCH_ROWS="load logs pull lifecycle" (any of them) runs only those tables of the app's benchmark, without the bridge's
bench: deps deps-skopeo package
	java -Dbench.appJvmOptions="$(FUNCTIONS_JAVA_OPTIONS) $(APP_JAVA_ARGUMENTS)" -cp "localhost/target/test-classes:localhost/target/classes:$$(cat localhost/target/test-classpath.txt)" dev.sockerless.aca.bench.Benchmark $(BENCH_ROWS)
	$(if $(BENCH_ROWS),,java -cp "bridge/target/test-classes:bridge/target/classes:$$(cat bridge/target/test-classpath.txt)" dev.sockerless.aca.bench.BridgeBenchmark)

#!/usr/bin/env bash
# Cold start-up cost of the StateTree starter: a minimal non-web Spring Boot application
# (io.statetree.benchmarks.startup.MinimalApplication) started in a fresh JVM per run, with the
# starter's modules on the class path and without them (the same class path minus state-core,
# state-redis and state-spring-boot-autoconfigure). Wall time of the whole JVM, launch to exit.
# Runs alternate (with, without, with, ...) so a change in machine load hits both sides alike;
# the report gives the difference of the medians and the median of the run-by-run differences.
# Measure on a quiet machine: under load the spread swamps a difference of tens of ms.
#
# Usage: state-benchmarks/startup.sh [runs]   (runs per side, default 11, at least 9)
# Needs the project compiled offline-capable (the script compiles state-benchmarks and its
# upstream modules with ./mvnw -o; it never installs). Target: median added <= 50 ms.
set -euo pipefail

RUNS="${1:-11}"
if [ "$RUNS" -lt 9 ]; then
	echo "startup.sh: at least 9 runs per side, got $RUNS" >&2
	exit 2
fi
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CP_FILE="$ROOT/state-benchmarks/target/startup.classpath"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

cd "$ROOT"
./mvnw -B -o -q -pl state-benchmarks -am test-compile dependency:build-classpath \
	-Dmdep.outputFile=target/startup.classpath -Dmdep.includeScope=runtime >/dev/null
DEPS="$(cat "$CP_FILE")"
WITH="$ROOT/state-benchmarks/target/classes:$DEPS"
WITHOUT="$(printf '%s' "$WITH" | tr ':' '\n' \
	| grep -v -E '/(state-core|state-redis|state-spring-boot-autoconfigure)/target/classes$|/io/statetree/' \
	| paste -sd: -)"

run() {
	local cp="$1" start end out
	start=$(date +%s%N)
	out=$("$JAVA" -cp "$cp" io.statetree.benchmarks.startup.MinimalApplication --spring.main.banner-mode=off \
		--logging.level.root=warn)
	end=$(date +%s%N)
	echo "$(( (end - start) / 1000000 )) $out"
}

# one untimed start of each, so both sides find the files in the page cache
run "$WITH" >/dev/null
run "$WITHOUT" >/dev/null

with_ms=()
without_ms=()
for i in $(seq 1 "$RUNS"); do
	w=$(run "$WITH")
	case "$w" in *stateController=true*) ;; *) echo "startup.sh: no StateTree controller with the starter: $w" >&2; exit 1 ;; esac
	o=$(run "$WITHOUT")
	case "$o" in *stateController=false*) ;; *) echo "startup.sh: a StateTree controller without the starter: $o" >&2; exit 1 ;; esac
	with_ms+=("${w%% *}")
	without_ms+=("${o%% *}")
	echo "run $i: with ${w%% *} ms (${w#* }), without ${o%% *} ms (${o#* })"
done

python3 - "${with_ms[*]}" "${without_ms[*]}" <<'PY'
import statistics, sys
wr = [int(x) for x in sys.argv[1].split()]
orr = [int(x) for x in sys.argv[2].split()]
w, o = sorted(wr), sorted(orr)
def q(xs):
    qs = statistics.quantiles(xs, n=4)
    return f"median {statistics.median(xs):.0f} ms, IQR {qs[0]:.0f}-{qs[2]:.0f} ms, min {xs[0]} ms, max {xs[-1]} ms"
print(f"with starter    ({len(w)} runs): {q(w)}")
print(f"without starter ({len(o)} runs): {q(o)}")
added = statistics.median(w) - statistics.median(o)
paired = statistics.median(a - b for a, b in zip(wr, orr))
print(f"added by the starter: {added:.0f} ms (difference of medians), {paired:.0f} ms (median of paired "
      f"differences); target <= 50 ms")
PY

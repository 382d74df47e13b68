#!/usr/bin/env bash
# Cold start-up cost of the StateTree starter: a minimal non-web Spring Boot application
# (io.statetree.benchmarks.startup.MinimalApplication) started in a fresh JVM per run, with and
# without the starter. "With" is the run-time class path of state-spring-boot-starter (what an
# application that adds the starter gets: spring-boot-starter, state-core, the auto-configuration,
# Jackson); "without" is the same class path minus what the starter adds to spring-boot-starter
# (StateTree's modules, Jackson, spring-boot-jackson), i.e. a plain spring-boot-starter application;
# "excluded" is the "with" class path started with every StateTree auto-configuration excluded
# (--spring.autoconfigure.exclude=...), which shows what the starter's jars cost on their own.
# StateTree's modules are packaged as jars first (target/startup/*.jar, from their target/classes),
# as an application gets them: Maven's reactor would hand out target/classes directories, from
# which the JVM and Spring read every class and resource as a separate file.
# Wall time of the whole JVM, launch to exit. Runs alternate (with, excluded, without, ...) so a change
# in machine load hits both sides alike; the report gives the difference of the medians and the
# median of the run-by-run differences, and the same for the CPU time of the JVM (user + system),
# which a loaded machine inflates less than wall time, and the main thread's CPU time up to the end
# of start-up (the application prints it), which leaves out the JIT compiler's threads: they take
# more than half of the JVM's CPU time in these starts, on the other core, and vary by hundreds of
# milliseconds from run to run. Measure on a quiet machine: under load the spread swamps a
# difference of tens of ms.
#
# Usage: state-benchmarks/startup.sh [runs]   (runs per side, default 11, at least 9)
# STARTUP_NO_BUILD=1 reuses the classes and class path of the last build instead of compiling.
# STARTUP_CDS=1 times every side with class-data sharing, as Spring Boot recommends for start-up
# time: one training start per side writes an archive of the classes it loaded
# (-XX:ArchiveClassesAtExit, target/startup/<side>.jsa) and the timed starts map it
# (-XX:SharedArchiveFile); MinimalApplication then comes from a jar too, since an archive takes jars
# only. The classes line says how many classes came from the archive.
# Needs the project compiled offline-capable (the script compiles the starter, state-benchmarks
# and their upstream modules with ./mvnw -o; it never installs). Target: median added <= 50 ms.
set -euo pipefail

RUNS="${1:-11}"
if [ "$RUNS" -lt 9 ]; then
	echo "startup.sh: at least 9 runs per side, got $RUNS" >&2
	exit 2
fi
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CP_FILE="$ROOT/state-spring-boot-starter/target/startup.classpath"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

cd "$ROOT"
if [ -z "${STARTUP_NO_BUILD:-}" ] || [ ! -f "$CP_FILE" ]; then
	./mvnw -B -o -q -pl state-benchmarks,state-spring-boot-starter -am test-compile dependency:build-classpath \
		-Dmdep.outputFile=target/startup.classpath -Dmdep.includeScope=runtime >/dev/null
fi
JAR="${JAVA_HOME:+$JAVA_HOME/bin/}jar"
JARS="$ROOT/state-spring-boot-starter/target/startup"
rm -rf "$JARS"
mkdir -p "$JARS"
DEPS=""
for entry in $(tr ':' '\n' <"$CP_FILE"); do
	case "$entry" in
	"$ROOT"/state-*/target/classes)
		module="$(basename "$(dirname "$(dirname "$entry")")")"
		"$JAR" --create --file "$JARS/$module.jar" -C "$entry" .
		entry="$JARS/$module.jar"
		;;
	esac
	DEPS="${DEPS:+$DEPS:}$entry"
done
# MinimalApplication alone comes from state-benchmarks' classes (nothing else there is loaded)
APP="$ROOT/state-benchmarks/target/classes"
if [ -n "${STARTUP_CDS:-}" ]; then
	"$JAR" --create --file "$JARS/minimal-application.jar" -C "$APP" io/statetree/benchmarks/startup
	APP="$JARS/minimal-application.jar"
fi
WITH="$APP:$DEPS"
WITHOUT="$(printf '%s' "$DEPS" | tr ':' '\n' \
	| grep -v -E '/state-[a-z-]+/target/classes$|/target/startup/state-[a-z-]+\.jar$|/io/statetree/|/tools/jackson/|/com/fasterxml/jackson/|/spring-boot-(starter-)?jackson/' \
	| paste -sd: -)"
WITHOUT="$APP:$WITHOUT"
EXCLUDE="--spring.autoconfigure.exclude=$(grep -v '^#' \
	state-spring-boot-autoconfigure/src/main/resources/META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports \
	| grep . | paste -sd, -)"

TIMES="$(mktemp)"
CLASSES="$(mktemp)"
trap 'rm -f "$TIMES" "$CLASSES"' EXIT

# the JVM options of a side (with, excluded, without): its class-data sharing archive with STARTUP_CDS
jvm_options() {
	if [ -n "${STARTUP_CDS:-}" ]; then
		echo "-XX:SharedArchiveFile=$JARS/$1.jsa -Xshare:auto"
	fi
}

# prints "<wall ms> <cpu ms> <application output>"; arguments: side, class path, application arguments
run() {
	local options start end out cpu
	options="$(jvm_options "$1")"
	local cp="$2"
	shift 2
	start=$(date +%s%N)
	# shellcheck disable=SC2086 # the options are separate words
	out=$(/usr/bin/time -f '%U %S' -o "$TIMES" "$JAVA" $options -cp "$cp" io.statetree.benchmarks.startup.MinimalApplication \
		--spring.main.banner-mode=off --logging.level.root=warn "$@")
	end=$(date +%s%N)
	cpu=$(awk '{ printf "%d", ($1 + $2) * 1000 }' "$TIMES")
	echo "$(( (end - start) / 1000000 )) $cpu $out"
}

# with STARTUP_CDS, one training start of each side writes its archive (logging off: the JVM
# reports the classes it cannot archive on standard output)
train() {
	local side="$1" cp="$2"
	shift 2
	rm -f "$JARS/$side.jsa"
	"$JAVA" -XX:ArchiveClassesAtExit="$JARS/$side.jsa" -Xlog:disable -cp "$cp" \
		io.statetree.benchmarks.startup.MinimalApplication --spring.main.banner-mode=off --logging.level.root=warn \
		"$@" >/dev/null
}
if [ -n "${STARTUP_CDS:-}" ]; then
	train with "$WITH"
	train excluded "$WITH" "$EXCLUDE"
	train without "$WITHOUT"
fi

# one untimed start of each, so both sides find the files in the page cache
run with "$WITH" >/dev/null
run excluded "$WITH" "$EXCLUDE" >/dev/null
run without "$WITHOUT" >/dev/null

with_ms=()
without_ms=()
excluded_ms=()
with_cpu=()
without_cpu=()
excluded_cpu=()
with_main=()
without_main=()
excluded_main=()
# the main thread's CPU time the application printed
main_cpu() {
	printf '%s' "$1" | sed -n 's/.*mainCpuMs=\([0-9]*\).*/\1/p'
}
for i in $(seq 1 "$RUNS"); do
	w=$(run with "$WITH")
	case "$w" in *stateController=true*) ;; *) echo "startup.sh: no StateTree controller with the starter: $w" >&2; exit 1 ;; esac
	x=$(run excluded "$WITH" "$EXCLUDE")
	case "$x" in *stateController=false*) ;; *) echo "startup.sh: a StateTree controller with it excluded: $x" >&2; exit 1 ;; esac
	o=$(run without "$WITHOUT")
	case "$o" in *stateController=false*) ;; *) echo "startup.sh: a StateTree controller without the starter: $o" >&2; exit 1 ;; esac
	read -r w_ms w_cpu w_out <<<"$w"
	read -r x_ms x_cpu x_out <<<"$x"
	read -r o_ms o_cpu o_out <<<"$o"
	with_ms+=("$w_ms")
	excluded_ms+=("$x_ms")
	without_ms+=("$o_ms")
	with_cpu+=("$w_cpu")
	excluded_cpu+=("$x_cpu")
	without_cpu+=("$o_cpu")
	with_main+=("$(main_cpu "$w_out")")
	excluded_main+=("$(main_cpu "$x_out")")
	without_main+=("$(main_cpu "$o_out")")
	echo "run $i: with $w_ms ms (cpu $w_cpu ms; $w_out), excluded $x_ms ms (cpu $x_cpu ms; $x_out),"\
		"without $o_ms ms (cpu $o_cpu ms; $o_out)"
done

# classes loaded: independent of the machine's load (one more start of each, -Xlog:class+load)
classes() {
	local options
	options="$(jvm_options "$1")"
	local cp="$2"
	shift 2
	# shellcheck disable=SC2086 # the options are separate words
	"$JAVA" $options -Xlog:class+load:file="$CLASSES" -cp "$cp" io.statetree.benchmarks.startup.MinimalApplication \
		--spring.main.banner-mode=off --logging.level.root=warn "$@" >/dev/null
	local shared=""
	if [ -n "${STARTUP_CDS:-}" ]; then
		shared=", $(grep -c 'shared objects file' "$CLASSES" || true) from the JDK's and the side's archives"
	fi
	echo "$(wc -l <"$CLASSES") ($(grep -c ' io\.statetree\.' "$CLASSES" || true) of StateTree's$shared)"
}
echo "classes loaded: with starter $(classes with "$WITH"), excluded $(classes excluded "$WITH" "$EXCLUDE"),"\
	"without $(classes without "$WITHOUT")"

python3 - "${with_ms[*]}" "${without_ms[*]}" "${with_cpu[*]}" "${without_cpu[*]}" "${excluded_ms[*]}" \
	"${excluded_cpu[*]}" "${with_main[*]}" "${without_main[*]}" "${excluded_main[*]}" <<'PY'
import statistics, sys
def report(what, with_runs, without_runs, side="with starter   "):
    wr = [int(x) for x in with_runs.split()]
    orr = [int(x) for x in without_runs.split()]
    w, o = sorted(wr), sorted(orr)
    def q(xs):
        qs = statistics.quantiles(xs, n=4)
        return f"median {statistics.median(xs):.0f} ms, IQR {qs[0]:.0f}-{qs[2]:.0f} ms, min {xs[0]} ms, max {xs[-1]} ms"
    print(f"{what}, {side} ({len(w)} runs): {q(w)}")
    if side.startswith("with starter"):
        print(f"{what}, without starter ({len(o)} runs): {q(o)}")
    added = statistics.median(w) - statistics.median(o)
    paired = statistics.median(a - b for a, b in zip(wr, orr))
    return added, paired
added, paired = report("wall", sys.argv[1], sys.argv[2])
x_added, x_paired = report("wall", sys.argv[5], sys.argv[2], "excluded       ")
cpu_added, cpu_paired = report("cpu ", sys.argv[3], sys.argv[4])
x_cpu_added, x_cpu_paired = report("cpu ", sys.argv[6], sys.argv[4], "excluded       ")
main_added, main_paired = report("main", sys.argv[7], sys.argv[8])
x_main_added, x_main_paired = report("main", sys.argv[9], sys.argv[8], "excluded       ")
print(f"added by the starter: {added:.0f} ms wall (difference of medians), {paired:.0f} ms (median of paired "
      f"differences); target <= 50 ms")
print(f"CPU time added (user + system, all JVM threads): {cpu_added:.0f} ms (difference of medians), "
      f"{cpu_paired:.0f} ms (median of paired differences)")
print(f"main thread's CPU time added (launch to the end of start-up, no JIT threads): {main_added:.0f} ms "
      f"(difference of medians), {main_paired:.0f} ms (median of paired differences)")
print(f"added by its jars alone (auto-configurations excluded): {x_added:.0f} ms wall, {x_paired:.0f} ms paired; "
      f"CPU {x_cpu_added:.0f} ms, {x_cpu_paired:.0f} ms paired; main thread {x_main_added:.0f} ms, "
      f"{x_main_paired:.0f} ms paired")
PY

#!/bin/bash
# System calls per filesystem write (issue 20, the README's ◇ rows), a count a loaded machine does
# not blur: runs FileSystemCommitCounts under `strace -f -c` once with 0 writes and once with N,
# and prints the difference per write, by system call.
#   bash state-benchmarks/filesystem-syscalls.sh ours|bare fsync|nofsync [N]
#   bash state-benchmarks/filesystem-syscalls.sh group THREADS [COMMITS_PER_THREAD]
# Needs strace and state-benchmarks/target/benchmarks.jar (./mvnw -pl state-benchmarks -am package).
set -euo pipefail
JAR="${JAR:-$(dirname "$0")/target/benchmarks.jar}"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
if [ "$1" = group ]; then
  PER="${3:-50}"; TOTAL=$(( $2 * PER ))
  ZERO=(group "$2" 0); RUN=(group "$2" "$PER")
else
  TOTAL="${3:-300}"
  ZERO=("$1" "$2" 0 nowarmup); RUN=("$1" "$2" "$TOTAL" nowarmup)
fi
trace() { strace -f -c -e trace=file,desc,fsync,fdatasync -o "$1" java -cp "$JAR" io.statetree.benchmarks.FileSystemCommitCounts "${@:2}" >/dev/null; }
trace "$OUT/zero" "${ZERO[@]}"
trace "$OUT/run" "${RUN[@]}"
awk -v n="$TOTAL" '
  FNR == 1 { file++ }
  $1 ~ /^[0-9]/ && $NF != "total" && NF >= 5 { calls[$NF] += (file == 1 ? -$4 : $4) }
  END {
    for (name in calls) { per = calls[name] / n; if (per >= 0.05 || per <= -0.05) { printf "%-12s %6.2f\n", name, per; total += per } }
    printf "%-12s %6.2f\n", "total", total
  }' "$OUT/zero" "$OUT/run" | sort

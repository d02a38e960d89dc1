#!/usr/bin/env bash
# Runs the IndexQueue-vs-baseline comparisons (JMH, alternating A/B rounds) and prints
#   RATIO <name> value=<x.xx> target=<op><y.yy> PASS|BELOW
# lines and a summary table. Usage: benchmarks/run-comparison.sh [--quick] [--only=e2e,churn,...,kafka-submit,kafka-e2e]
#   --quick   smaller sizes, fewer iterations: under 10 minutes on 2 cores
# Environment: JAVA (default: java on PATH), BENCH_JAVA_OPTS (extra options of the runner JVM,
# e.g. -Dindexq.corpus.dir=/path/to/real/files or -Dindexq.bench.tmp=/dev/shm/x).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/target/benchmarks.jar"
if [[ ! -f "$jar" ]]; then
  echo "building $jar ..." >&2
  (cd "$here/.." && mvn -B -ntp -o -q -pl benchmarks -am package -DskipTests) >&2
fi
exec "${JAVA:-java}" ${BENCH_JAVA_OPTS:-} -cp "$jar" dev.indexqueue.benchmarks.ComparisonRunner "$@"

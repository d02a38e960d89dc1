#!/usr/bin/env bash
# Runs the IndexQueue-vs-baseline comparisons (JMH, alternating A/B rounds) and prints
#   RATIO <name> value=<x.xx> target=<op><y.yy> PASS|BELOW
# lines and a summary table. Usage: benchmarks/run-comparison.sh [--quick] [--only=e2e,churn,...,kafka-submit,kafka-e2e,backlog,group-commit,visibility-4p,solr]
#   --quick   smaller sizes, fewer iterations: about 12 minutes on 2 cores
# Environment: JAVA (default: java on PATH), BENCH_JAVA_OPTS (extra options of the runner JVM,
# e.g. -Dindexq.corpus.dir=/path/to/real/files or -Dindexq.bench.tmp=/dev/shm/x).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [[ " $* " == *"--only="*solr* ]]; then
  # e2e-solr-vs-lucene needs the solr profile (an in-process SolrCloud from solr-test-framework,
  # kept out of the default build and of benchmarks.jar): build it, run JMH from the class path
  if [[ ! -f "$here/target/solr.classpath" ]]; then
    echo "building the benchmarks with -Psolr ..." >&2
    (cd "$here/.." && mvn -B -ntp -o -q -Psolr -pl benchmarks -am package -DskipTests) >&2
  fi
  exec "${JAVA:-java}" ${BENCH_JAVA_OPTS:-} \
    -cp "$here/target/classes:$(cat "$here/target/solr.classpath")" \
    dev.indexqueue.benchmarks.ComparisonRunner "$@"
fi
jar="$here/target/benchmarks.jar"
if [[ ! -f "$jar" ]]; then
  echo "building $jar ..." >&2
  (cd "$here/.." && mvn -B -ntp -o -q -pl benchmarks -am package -DskipTests) >&2
fi
exec "${JAVA:-java}" ${BENCH_JAVA_OPTS:-} -cp "$jar" dev.indexqueue.benchmarks.ComparisonRunner "$@"

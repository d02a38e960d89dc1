package dev.indexqueue.internal;

import java.util.concurrent.atomic.LongAdder;

/** The service's counters for status, the shutdown report and metrics. Thread-safe. */
final class Counters {
  final LongAdder accepted = new LongAdder();
  final LongAdder replayed = new LongAdder();
  final LongAdder applied = new LongAdder();
  final LongAdder coalesced = new LongAdder();
  final LongAdder retried = new LongAdder();
  final LongAdder deadLettered = new LongAdder();
}

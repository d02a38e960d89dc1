package dev.indexqueue.cli;

import java.util.ArrayDeque;
import java.util.Locale;

/**
 * Estimates the time left from the recent rate, not the average since the start: the first seconds
 * of a run (reading files, warming up) would make the first estimates far too long or too short. No
 * estimate is shown until the work has progressed for {@link #MIN_NANOS} and at least {@link
 * #MIN_DONE} items. Not thread-safe: one progress display uses it.
 */
final class Eta {
  /** How far back the rate looks. */
  static final long WINDOW_NANOS = 5_000_000_000L;

  /** How long the work must have progressed before an estimate is shown. */
  static final long MIN_NANOS = 1_000_000_000L;

  /** How many items must be done before an estimate is shown. */
  static final int MIN_DONE = 5;

  private record Sample(long nanos, int done) {}

  private final ArrayDeque<Sample> samples = new ArrayDeque<>();
  private long firstProgress = -1;

  /** Records that {@code done} items were done at {@code nanos}. */
  void sample(long nanos, int done) {
    if (firstProgress < 0 && done > 0) {
      firstProgress = nanos;
      samples.clear();
      samples.add(new Sample(nanos, 0)); // the clock starts with the first progress
    }
    if (firstProgress < 0) {
      return;
    }
    samples.add(new Sample(nanos, done));
    while (samples.size() > 2 && nanos - samples.peekFirst().nanos() > WINDOW_NANOS) {
      samples.pollFirst();
    }
  }

  /** Items per second over the window, or 0 when unknown. */
  double rate() {
    if (samples.size() < 2) {
      return 0;
    }
    Sample a = samples.peekFirst();
    Sample b = samples.peekLast();
    long dt = b.nanos() - a.nanos();
    return dt <= 0 ? 0 : (b.done() - a.done()) / (dt / 1e9);
  }

  /** The time left as text ({@code 12 s}, {@code 3 min}), or {@code -} when not known yet. */
  String left(long nanos, int done, int total) {
    if (firstProgress < 0
        || done >= total
        || done < MIN_DONE
        || nanos - firstProgress < MIN_NANOS
        || rate() <= 0) {
      return "-";
    }
    double secs = (total - done) / rate();
    if (secs < 90) {
      return String.format(Locale.ROOT, "%.0f s", Math.ceil(secs));
    }
    return String.format(Locale.ROOT, "%.0f min", Math.ceil(secs / 60));
  }
}

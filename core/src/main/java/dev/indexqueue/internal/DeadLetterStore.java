package dev.indexqueue.internal;

import dev.indexqueue.DeadLetter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The in-memory, bounded dead-letter store. Thread-safe (one monitor). */
final class DeadLetterStore {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterStore.class);

  private final int max;
  private final ArrayDeque<DeadLetter> letters = new ArrayDeque<>();
  private long dropped;

  DeadLetterStore(int max) {
    this.max = max;
  }

  synchronized void add(DeadLetter letter) {
    if (letters.size() >= max) {
      DeadLetter oldest = letters.pollFirst();
      dropped++;
      LOG.warn(
          "Dead-letter store full ({} entries): dropped the oldest, task {} ({} dropped so far)",
          max,
          oldest.id(),
          dropped);
    }
    letters.addLast(letter);
  }

  /** The letters in the order they were added (each lane adds its own in its order). */
  synchronized List<DeadLetter> list() {
    return new ArrayList<>(letters);
  }

  synchronized int count() {
    return letters.size();
  }

  /** Removes and returns every letter, in the order they were added. */
  synchronized List<DeadLetter> drain() {
    List<DeadLetter> out = list();
    letters.clear();
    return out;
  }
}

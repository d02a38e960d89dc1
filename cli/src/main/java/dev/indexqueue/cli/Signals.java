package dev.indexqueue.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) and SIGTERM for long commands: the first signal stops the command's thread
 * (interrupts it) so it can finish gracefully and exit with its own code; a second signal exits at
 * once with 130. Without a terminal to signal (in tests), interrupting the thread does the same.
 * Not thread-safe: one command installs and restores it.
 */
final class Signals implements AutoCloseable {
  private final List<Signal> signals = new ArrayList<>();
  private final List<SignalHandler> previous = new ArrayList<>();
  private final AtomicInteger received = new AtomicInteger();
  private volatile String name;

  private Signals() {}

  /** Interrupts {@code thread} on the first SIGINT or SIGTERM; exits 130 on the second. */
  static Signals interruptOnSignal(Thread thread) {
    Signals s = new Signals();
    for (String n : List.of("INT", "TERM")) {
      try {
        Signal sig = new Signal(n);
        SignalHandler before =
            Signal.handle(
                sig,
                x -> {
                  s.name = "SIG" + x.getName();
                  if (s.received.incrementAndGet() > 1) {
                    Runtime.getRuntime().halt(Indexq.EXIT_INTERRUPTED);
                  }
                  thread.interrupt();
                });
        s.signals.add(sig);
        s.previous.add(before);
      } catch (IllegalArgumentException | UnsupportedOperationException e) {
        // this platform or JVM does not let us handle it: the default handling stays
      }
    }
    return s;
  }

  /** Whether a signal arrived. */
  boolean received() {
    return received.get() > 0;
  }

  /** The signal's name, such as SIGINT, or null. */
  String name() {
    return name;
  }

  /** Restores the handlers that were there before. */
  @Override
  public void close() {
    for (int i = 0; i < signals.size(); i++) {
      try {
        Signal.handle(signals.get(i), previous.get(i));
      } catch (IllegalArgumentException e) {
        // nothing to restore
      }
    }
    signals.clear();
  }
}

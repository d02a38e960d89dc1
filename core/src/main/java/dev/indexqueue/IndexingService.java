package dev.indexqueue;

import java.time.Duration;

/**
 * Keeps an index consistent with a changing set of documents: accepts {@link IndexTask}s from any
 * number of threads into a FIFO queue and applies them, one serializing worker per lane, to an
 * index backend. Thread-safe: every method may be called from any thread.
 *
 * <p>Guarantees (docs/DESIGN.md §3): {@link #submit} returns once the task is in the queue, never
 * waiting for indexing; tasks of one workspace are applied in acceptance order, by one worker at a
 * time; with one lane and equal priorities the whole service is one FIFO; coalescing drops a task
 * only when a later task of its workspace makes it irrelevant; failures are retried or
 * dead-lettered without stopping the worker; {@link #shutdown} stops accepting, drains, commits and
 * closes. Build one with {@link #builder()}.
 *
 * <pre>{@code
 * try (IndexingService service = IndexingService.builder()
 *     .queue("memory", Map.of())
 *     .backend("lucene", Map.of("directory", "/tmp/index"))
 *     .build()) {
 *   Ticket t = service.submit(IndexTask.indexFile("docs", "a/readme.md", "hello world"));
 *   t.visible().join();
 * }
 * }</pre>
 */
public interface IndexingService extends AutoCloseable {

  /** Starts building a service. */
  static IndexingServiceBuilder builder() {
    return new IndexingServiceBuilder();
  }

  /**
   * Accepts a task: validates it, appends it to the queue and returns at once.
   *
   * @param task the task
   * @return the ticket: sequence number, workspace and stage futures
   * @throws IllegalArgumentException when the task is invalid (for example its content exceeds
   *     {@code maxContentBytes}); nothing is enqueued
   * @throws QueueFullException when the queue is full and the backpressure policy gives up
   * @throws IllegalStateException when the service is shutting down, stopped or failed
   */
  Ticket submit(IndexTask task);

  /**
   * Waits until every task of {@code workspace} accepted before this call (and every task replayed
   * at start) is visible to searches, or was dead-lettered. Blocks on signals, never polls.
   *
   * <p>On a queue shared by several processes (a cluster), the tasks waited for are those this
   * service accepted; when another process applies them (a producer node, or a partition this node
   * does not own), they are visible once the backend's visible checkpoint of their partition passes
   * them, which this service reads at most once per refresh interval while someone waits.
   *
   * @param workspace a valid workspace name
   * @param timeout how long to wait at most
   * @return true when ready, false on timeout
   * @throws IllegalStateException when the service failed or stopped before that
   * @throws InterruptedException when the thread is interrupted
   */
  boolean awaitIndexReady(String workspace, Duration timeout) throws InterruptedException;

  /** A snapshot of the queue, lanes, counters and checkpoint. */
  QueueStatus queueStatus();

  /**
   * Compares the index of a workspace with its source of truth, as of the last refresh. When the
   * service was search-idle (see {@link IndexingServiceBuilder#searchIdleAfter}), first waits for
   * one refresh of what was applied to the workspace.
   *
   * @param workspace a valid workspace name
   */
  IndexStatus indexStatus(String workspace);

  /**
   * Searches a workspace with the backend's query syntax, as of the last refresh. When the service
   * was search-idle (see {@link IndexingServiceBuilder#searchIdleAfter}), first waits for one
   * refresh of what was applied to the workspace.
   *
   * @param workspace a valid workspace name
   * @param query the query; at most {@value SearchResults#MAX_QUERY_LENGTH} characters (see {@link
   *     SearchResults#checkQuery})
   * @param limit the most hits, at least 1
   * @return the best hits, at most {@code limit}, and how many files match in all
   * @throws IllegalArgumentException when the query is blank, too long or cannot be parsed
   * @throws UnsupportedOperationException when the backend cannot search
   */
  SearchResults search(String workspace, String query, int limit);

  /** The dead-letter store: list, count, replay, clear. */
  DeadLetters deadLetters();

  /**
   * Stops accepting, drains and commits until the timeout, then stops the workers and closes the
   * queue and the backend. Later calls return the first report. Submits in progress are waited for
   * within the timeout (at least the builder's shutdown grace); one still stuck in the queue's
   * append then fails when the queue closes, or its task stays in a persistent queue.
   *
   * @param timeout how long to wait for submits in progress and to drain, at most
   * @return what was applied and what remains in the queue
   */
  ShutdownReport shutdown(Duration timeout);

  /** {@link #shutdown} with the configured default timeout. Closing twice is a no-op. */
  @Override
  void close();
}

package dev.indexqueue.spi;

import dev.indexqueue.SearchHit;
import dev.indexqueue.SearchResults;
import java.util.List;
import java.util.Set;

/**
 * Stores the index and the checkpoint vector. Implementations must be thread-safe.
 *
 * <p><b>Who calls what, from which thread:</b>
 *
 * <ul>
 *   <li>{@link #apply} — the lane workers, concurrently (one batch at a time per lane; batches of
 *       concurrent lanes hold disjoint workspaces);
 *   <li>{@link #commit} — the core's committer thread, one commit at a time, concurrently with
 *       {@code apply} and with {@code makeVisible};
 *   <li>{@link #makeVisible} — the core's maintainer thread, one refresh at a time, concurrently
 *       with {@code apply} and with {@code commit} (so that the core never holds a refresh back
 *       behind a commit's sync; a refresh that runs beside a commit must still show everything
 *       applied before it was called; the engine may still serialize parts of the two: Lucene's
 *       refresh waits while a commit flushes the writer's buffer, not while it syncs);
 *   <li>{@link #committedCheckpoint} — the core at start, and the maintainer; and, with {@link
 *       #visibleCheckpoint}, the core's checkpoint watcher on nodes that wait for tasks another
 *       node applies (concurrently with everything else);
 *   <li>{@link #startReplay} — one lane worker, after a {@link BackendStateLostException}, once
 *       every lane has stopped applying and no commit runs;
 *   <li>{@link #documents}, {@link #workspaces} and {@link #search} — any thread (callers of the
 *       service), concurrently with everything above;
 *   <li>{@link #close} — once, at shutdown, after the lanes stopped or after the shutdown grace
 *       while an {@code apply} may still be stuck (it must then make that apply fail or return, not
 *       hang the close).
 * </ul>
 *
 * <p>Guarantees an implementation gives (checked by the tck's {@code IndexBackendContract}):
 *
 * <ul>
 *   <li><b>Idempotent apply</b>: applying a task twice has the effect of applying it once; applying
 *       a suffix of a workspace's tasks again, in order, converges to the same documents.
 *   <li><b>Commit with checkpoint</b>: {@link #commit} makes everything applied before the call
 *       durable together with the checkpoint, atomically; the logs the checkpoint does not cover
 *       keep their earlier committed positions. {@link #committedCheckpoint()} of a reopened
 *       backend returns the merged result of every commit.
 *   <li><b>Visibility</b>: after {@link #makeVisible()} returns, searches and {@link #documents}
 *       see everything applied before the call.
 * </ul>
 *
 * <p>Failures: throw {@link TransientBackendException} for what a retry may fix, {@link
 * BackendStateLostException} when uncommitted work was lost (the core stops every lane, calls
 * {@link #startReplay} and replays from the checkpoint it returns), and anything else for a
 * permanent failure of the task. An {@link Error} stops the service (state FAILED).
 */
public interface IndexBackend extends AutoCloseable {

  /**
   * Tells the backend how many partitions the service's queue has: the service calls it once, at
   * start, before any other call but {@link #preferredBatchSize()}. A backend may lay out a new
   * index by it (the Lucene backend gives a new index two shards per partition, so lanes never
   * share a writer); it must not change an existing index. The default ignores it.
   *
   * @param partitions the queue's partitions, at least 1
   */
  default void partitions(int partitions) {}

  /**
   * Applies a batch in order.
   *
   * @param batch the tasks, in the order to apply them
   * @throws TransientBackendException when a retry may succeed
   * @throws BackendStateLostException when work applied since the last commit was lost
   * @throws RuntimeException any other, for a permanent failure
   */
  void apply(Batch batch);

  /**
   * Durably commits everything applied so far with the checkpoint, atomically.
   *
   * @param checkpoint for each log it covers, every task below its position was applied before this
   *     call (or needs no applying)
   */
  void commit(Checkpoint checkpoint);

  /** The checkpoint of the last commit, or {@link Checkpoint#none()} when never committed. */
  Checkpoint committedCheckpoint();

  /**
   * The replay handshake after a {@link BackendStateLostException}: the core has stopped every lane
   * and will replay from the returned checkpoint. A backend that refuses work after losing state
   * (so that no commit records a checkpoint covering lost work) accepts {@code apply} and {@code
   * commit} again from this call on. The default returns {@link #committedCheckpoint()}.
   *
   * @return the committed checkpoint to replay from
   */
  default Checkpoint startReplay() {
    return committedCheckpoint();
  }

  /** Makes everything applied before the call visible to searches and {@link #documents}. */
  void makeVisible();

  /**
   * Makes everything applied to {@code workspaces} before the call visible to their searches and
   * {@link #documents}; it may make more visible. Only called when {@link #refreshesByWorkspace()}
   * is true, by the core's maintainer thread, under the same rules as {@link #makeVisible()}. The
   * default makes everything visible.
   *
   * @param workspaces the workspaces whose applied changes must become visible, not empty
   */
  default void makeVisible(Set<String> workspaces) {
    makeVisible();
  }

  /**
   * How many tasks the service puts in one batch ({@link #apply}) when its builder sets no {@code
   * batchSize}. Larger batches spread a per-call cost (a network round trip) over more tasks;
   * smaller ones bound how long an urgent task waits for the batch in progress on its lane, which
   * it cannot overtake. The default, 256, suits a backend with such a cost; an in-process one may
   * prefer fewer (the Lucene backend: 64). Called once, when the service is built, before {@link
   * #partitions}; must return 1–1,000,000.
   */
  default int preferredBatchSize() {
    return 256;
  }

  /**
   * Whether {@link #makeVisible(Set)} costs less than {@link #makeVisible()}: true for an index
   * split into shards by workspace that refreshes only the shards asked for (the Lucene backend:
   * docs/DESIGN.md §8), so that a VISIBLE wait never waits for a flush of another shard's backlog.
   * The core then refreshes only the waiters' workspaces when waiters are all a refresh is for
   * (searches and the replay at start still refresh everything). The default, false: the core
   * always calls {@link #makeVisible()}. Called once, at start.
   */
  default boolean refreshesByWorkspace() {
    return false;
  }

  /**
   * The checkpoint that searches see: for each log, a position such that every task below it is
   * visible to searches (as of the last {@link #makeVisible()} of any process writing to this
   * backend). It may lag behind what is really visible, never run ahead of it; logs it knows
   * nothing about are {@link Checkpoint#NOT_COVERED}.
   *
   * <p>Used by a service that waits for tasks another process applies (a producer node, or any node
   * for the partitions it does not own; docs/DESIGN.md §12.1): their VISIBLE stage is reached when
   * this checkpoint passes them. The core reads it no more often than the refresh interval, and
   * only while someone waits. A backend shared by several processes (Solr: the checkpoint documents
   * as of the last soft commit) or one that can tell what its searchers see (Lucene: the checkpoint
   * of the last commit before the last refresh) overrides it.
   *
   * <p>The default returns {@link Checkpoint#none()}: this backend cannot tell, so a VISIBLE wait
   * for a task that another process applies never completes (a wait for a task this process applies
   * is unaffected). Called from any thread, concurrently with everything else.
   */
  default Checkpoint visibleCheckpoint() {
    return Checkpoint.none();
  }

  /**
   * Whether searches in other processes see what this instance's {@link #makeVisible()} makes
   * visible: true for an index that every node of a cluster searches (SolrCloud), false when only
   * this process's searches see its refreshes (a Lucene writer: other processes open its directory
   * read-only and see its commits, never its refreshes).
   *
   * <p>On a shared queue ({@link TaskQueue#isShared()}) the core refreshes for the searches and
   * waiters of other processes only when this is true: its interval refreshes then always run and
   * every commit is followed by a refresh (docs/DESIGN.md §12.1). When it is false the core
   * refreshes as on a queue of its own: while this process searches, and for its own waiters. The
   * default, true, is the safe answer for a backend that cannot tell. Called once, at start.
   */
  default boolean refreshesReachOtherProcesses() {
    return true;
  }

  /**
   * The documents of a workspace, as of the last {@link #makeVisible()}, sorted by path.
   *
   * @param workspace a valid workspace name
   */
  List<IndexedDocument> documents(String workspace);

  /** The workspaces that have at least one document, as of the last {@link #makeVisible()}. */
  Set<String> workspaces();

  /**
   * Searches one workspace, as of the last {@link #makeVisible()}.
   *
   * <p>What callers rely on (checked by the tck's {@code IndexBackendContract}): {@link
   * SearchResults#totalHits()} counts every matching document, also those beyond {@code limit}; a
   * hit that matched in the path only is marked {@link SearchHit#pathOnly()} and has no lines;
   * every line of a content hit contains what matched (a whole word, identifier or operator, a
   * phrase, one of the alternatives of an OR), the best line first.
   *
   * @param workspace a valid workspace name
   * @param query the query, in the backend's syntax
   * @param limit the most hits to return, at least 1
   * @return the best hits, best first, and how many documents match in all
   * @throws IllegalArgumentException when the query cannot be parsed
   * @throws UnsupportedOperationException when the backend cannot search
   */
  default SearchResults search(String workspace, String query, int limit) {
    throw new UnsupportedOperationException(getClass().getName() + " does not support search");
  }

  /** Closes the backend without committing. Closing twice is a no-op. */
  @Override
  void close();
}

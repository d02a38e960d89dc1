package dev.indexqueue.spi;

import dev.indexqueue.SearchHit;
import dev.indexqueue.SearchResults;
import java.util.List;
import java.util.Set;

/**
 * Stores the index and the checkpoint. Implementations must be thread-safe: the core calls {@link
 * #apply} concurrently from different lanes (with batches of disjoint workspaces), and {@link
 * #commit} and {@link #makeVisible} concurrently with {@code apply}; it never calls {@code commit}
 * concurrently with itself, nor {@code makeVisible} with itself.
 *
 * <p>Guarantees an implementation gives (checked by the tck's {@code IndexBackendContract}):
 *
 * <ul>
 *   <li><b>Idempotent apply</b>: applying a task twice has the effect of applying it once; applying
 *       a suffix of a workspace's tasks again, in order, converges to the same documents.
 *   <li><b>Commit with checkpoint</b>: {@link #commit(long)} makes everything applied before the
 *       call durable together with the checkpoint, atomically; {@link #committedCheckpoint()} of a
 *       reopened backend returns the last committed one.
 *   <li><b>Visibility</b>: after {@link #makeVisible()} returns, searches and {@link #documents}
 *       see everything applied before the call.
 * </ul>
 *
 * <p>Failures: throw {@link TransientBackendException} for what a retry may fix, {@link
 * BackendStateLostException} when uncommitted work was lost (the core replays from the committed
 * checkpoint), and anything else for a permanent failure of the task. An {@link Error} stops the
 * service (state FAILED).
 */
public interface IndexBackend extends AutoCloseable {

  /**
   * Applies a batch in order.
   *
   * @param batch the tasks, in the order to apply them
   * @throws TransientBackendException when a retry may succeed
   * @throws RuntimeException any other, for a permanent failure
   */
  void apply(Batch batch);

  /**
   * Durably commits everything applied so far with the checkpoint, atomically.
   *
   * @param checkpoint every task with a position below it was applied before this call
   */
  void commit(long checkpoint);

  /** The checkpoint of the last commit, or 0 when the index was never committed. */
  long committedCheckpoint();

  /** Makes everything applied before the call visible to searches and {@link #documents}. */
  void makeVisible();

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

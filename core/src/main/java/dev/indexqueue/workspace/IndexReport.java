package dev.indexqueue.workspace;

import dev.indexqueue.IndexStatus;
import java.time.Duration;

/**
 * What a {@link WorkspaceManager#index} run did. Immutable and thread-safe.
 *
 * @param workspace the workspace
 * @param indexed files submitted for indexing (new or changed)
 * @param removed documents submitted for removal (their files are gone)
 * @param unchanged files already up to date: no task
 * @param applied tasks applied
 * @param failed tasks that failed (dead-lettered) or were refused
 * @param notSubmitted tasks the run did not submit because it was interrupted
 * @param interrupted whether the run was interrupted before everything was applied
 * @param bytes the size of the files submitted for indexing
 * @param took how long the run took
 * @param status the index status at the end (as of the start when nothing was submitted; null when
 *     interrupted before the comparison)
 */
public record IndexReport(
    String workspace,
    int indexed,
    int removed,
    int unchanged,
    int applied,
    int failed,
    int notSubmitted,
    boolean interrupted,
    long bytes,
    Duration took,
    IndexStatus status) {

  /** Tasks submitted but not applied, failed or refused when the run ended. */
  public int pending() {
    return indexed + removed - notSubmitted - applied - failed;
  }

  /** Tasks the run planned and did not get applied: not submitted or still pending. */
  public int left() {
    return notSubmitted + pending();
  }
}

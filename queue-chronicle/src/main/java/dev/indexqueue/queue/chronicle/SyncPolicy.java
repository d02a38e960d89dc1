package dev.indexqueue.queue.chronicle;

/**
 * When the chronicle queue forces appended tasks to the storage device. Immutable and thread-safe.
 *
 * <p>Every policy makes an appended task survive a crash of the process as soon as {@code append}
 * returns: the record is in the operating system's page cache through the memory map. The policies
 * differ only in what survives a power loss or a kernel crash, and in what that costs:
 *
 * <ul>
 *   <li>{@link #NONE}: never forces; the kernel writes pages back on its own schedule (typically
 *       within 30 s on Linux). No cost per task. A power loss may lose any task not yet written
 *       back, including tasks already applied.
 *   <li>{@link #BATCH} (the default): forces the files of a partition's logs written since their
 *       last force once per core batch, when the lane calls {@link
 *       dev.indexqueue.spi.TaskQueue#sync(int)} before applying a batch with tasks of that
 *       partition; so a task is on the device before its effect can reach the index. One {@code
 *       fdatasync} per written log file per batch (about 0.1–10 ms depending on the device),
 *       amortized over up to the batch size; {@code append} itself stays at memory speed (the
 *       module README gives the rates measured). A power loss may lose tasks accepted but not yet
 *       handed to a batch.
 *   <li>{@link #EVERY}: forces the record's mapped region ({@code msync}) before {@code append}
 *       returns, so an accepted task survives a power loss. Costs one {@code msync} per task
 *       (0.1–2.3 ms depending on the device; less with a power-safe write cache): two orders of
 *       magnitude fewer submits per second than BATCH (see the module README).
 * </ul>
 */
public enum SyncPolicy {
  /** Never force; durable against a process crash only. */
  NONE,
  /** Force once per core batch, before the batch is applied (the default). */
  BATCH,
  /** Force every record before {@code append} returns. */
  EVERY
}

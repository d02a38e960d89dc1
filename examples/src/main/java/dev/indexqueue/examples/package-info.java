/**
 * Runnable examples of IndexQueue: {@link dev.indexqueue.examples.QuickStart} (the README's quick
 * start), {@link dev.indexqueue.examples.WorkspaceManagerExample}, {@link
 * dev.indexqueue.examples.ConcurrentWritersExample} and {@link
 * dev.indexqueue.examples.CustomBackendExample}; the {@code indexq} command line lives in {@code
 * dev.indexqueue.examples.cli}.
 */
package dev.indexqueue.examples;

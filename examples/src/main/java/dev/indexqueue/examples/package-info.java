/**
 * Runnable examples of IndexQueue: {@link dev.indexqueue.examples.QuickStart} (the README's quick
 * start), {@link dev.indexqueue.examples.WorkspaceManagerExample}, {@link
 * dev.indexqueue.examples.ConcurrentWritersExample} and {@link
 * dev.indexqueue.examples.CustomBackendExample}. The {@code indexq} command line and its server
 * live in the {@code cli} module.
 */
package dev.indexqueue.examples;

/**
 * The {@code indexq} command line ({@link dev.indexqueue.cli.Indexq}), run by the {@code ./indexq}
 * launcher at the repository root.
 */
package dev.indexqueue.cli;

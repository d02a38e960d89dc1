/**
 * A custom index backend plug-in: {@link dev.indexqueue.examples.custom.GrepBackend} and its
 * provider, registered in {@code META-INF/services} under the name {@code grep}.
 */
package dev.indexqueue.examples.custom;

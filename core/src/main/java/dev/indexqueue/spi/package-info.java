/**
 * Service provider interfaces: implement {@link dev.indexqueue.spi.TaskQueue} or {@link
 * dev.indexqueue.spi.IndexBackend} (and a provider registered in {@code META-INF/services}) to plug
 * a new queue or backend into IndexQueue. The {@code indexqueue-tck} artifact holds the contract
 * suites an implementation must pass.
 */
package dev.indexqueue.spi;

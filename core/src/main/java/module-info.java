/**
 * IndexQueue's core: the service ({@code dev.indexqueue}), the plug-in SPI ({@code
 * dev.indexqueue.spi}) and the filesystem workspaces ({@code dev.indexqueue.workspace}). The engine
 * ({@code dev.indexqueue.internal}) is not exported. Queues and backends are found with {@link
 * java.util.ServiceLoader} by name, among the modules that provide {@link
 * dev.indexqueue.spi.TaskQueueProvider} or {@link dev.indexqueue.spi.IndexBackendProvider} and
 * among {@code META-INF/services} entries on the class path. Needs the JDK and the SLF4J API only.
 */
module dev.indexqueue.core {
  requires org.slf4j;

  exports dev.indexqueue;
  exports dev.indexqueue.spi;
  exports dev.indexqueue.workspace;

  uses dev.indexqueue.spi.TaskQueueProvider;
  uses dev.indexqueue.spi.IndexBackendProvider;
}

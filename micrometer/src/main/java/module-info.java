/**
 * The Micrometer binding of an {@code IndexingService}. Micrometer's jar has no module descriptor:
 * it is an automatic module with a stable name ({@code Automatic-Module-Name: micrometer.core}).
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.indexqueue.micrometer {
  requires transitive dev.indexqueue.core;
  requires transitive micrometer.core;

  exports dev.indexqueue.micrometer;
}

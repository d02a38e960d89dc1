/** The quick start as a named module: it needs only IndexQueue's core API. */
module com.example.quickstart {
  requires dev.indexqueue.core;
}

/** The Lucene index backend, registered as {@code lucene}. */
module dev.indexqueue.index.lucene {
  requires transitive dev.indexqueue.core;
  // LuceneBaseline hands out Lucene types
  requires transitive org.apache.lucene.core;
  requires org.apache.lucene.queryparser;
  requires org.apache.lucene.analysis.common;
  requires org.apache.lucene.highlighter;
  requires org.slf4j;
  // Lucene unmaps MMapDirectory's buffers through jdk.unsupported, which it requires only
  // statically: requiring it here puts it in a modular application's module graph
  requires jdk.unsupported;

  exports dev.indexqueue.index.lucene;

  // not exported: dev.indexqueue.index.lucene.internal (code analysis, query syntax, matching
  // lines), which indexqueue-index-solr uses on the class path

  provides dev.indexqueue.spi.IndexBackendProvider with
      dev.indexqueue.index.lucene.LuceneIndexBackendProvider;
}

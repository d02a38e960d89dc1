/**
 * The SolrCloud index backend: {@link dev.indexqueue.index.solr.SolrIndexBackendProvider} (name
 * {@code solr}) and its settings, {@link dev.indexqueue.index.solr.SolrIndexOptions}. Everything
 * else is package-private. The design is in the module's README.md.
 */
package dev.indexqueue.index.solr;

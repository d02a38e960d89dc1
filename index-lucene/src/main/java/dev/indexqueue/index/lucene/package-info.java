/**
 * The Lucene 9 index backend, named {@code lucene}: one index directory, documents keyed by
 * (workspace, path), code-aware analysis (camelCase, snake_case and digit boundaries split while
 * the original token is kept), checkpoints in the commit user data, near-real-time visibility, and
 * search with the classic query syntax. Create it with {@link
 * dev.indexqueue.index.lucene.LuceneIndexBackendProvider#open} or through {@code
 * IndexingService.builder().backend("lucene", Map.of("directory", "/path/to/index"))}.
 */
package dev.indexqueue.index.lucene;

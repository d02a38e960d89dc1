/**
 * Code search shared by the project's backends: the code analysis ({@code CodeTokenizer}, {@code
 * CodeAnalyzer}), the query syntax ({@code CodeQueryParser}) and the matching lines ({@link
 * dev.indexqueue.index.lucene.internal.LineMatcher}), reached through {@link
 * dev.indexqueue.index.lucene.internal.CodeSearch}. Not exported by the module: usable on the class
 * path only (by {@code indexqueue-index-solr}), not an API.
 */
package dev.indexqueue.index.lucene.internal;

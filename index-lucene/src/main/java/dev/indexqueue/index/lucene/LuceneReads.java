package dev.indexqueue.index.lucene;

import static dev.indexqueue.index.lucene.LuceneIndexBackend.F_CONTENT;
import static dev.indexqueue.index.lucene.LuceneIndexBackend.F_HASH;
import static dev.indexqueue.index.lucene.LuceneIndexBackend.F_LENGTH;
import static dev.indexqueue.index.lucene.LuceneIndexBackend.F_PATH_KEY;
import static dev.indexqueue.index.lucene.LuceneIndexBackend.F_WORKSPACE;

import dev.indexqueue.IndexTask;
import dev.indexqueue.SearchHit;
import dev.indexqueue.SearchResults;
import dev.indexqueue.index.lucene.internal.CodeSearch;
import dev.indexqueue.index.lucene.internal.LineMatcher;
import dev.indexqueue.spi.IndexedDocument;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.MultiTerms;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.IndexSearcher.TooManyClauses;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TotalHits;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;

/**
 * The read side of {@link LuceneIndexBackend}: search, the documents and the workspaces of the
 * index, on searchers the backend lends (it owns the writer, its searcher manager and their
 * lifecycle). Thread-safe: it keeps no state.
 */
final class LuceneReads {
  /** The most lines shown per hit. */
  static final int MAX_MATCH_LINES = CodeSearch.MAX_MATCH_LINES;

  /** Runs a body on a searcher. */
  @FunctionalInterface
  interface SearcherFunction<T> {
    T apply(IndexSearcher searcher) throws IOException;
  }

  /** Lends a searcher of the current index to a body and takes it back. */
  @FunctionalInterface
  interface Searchers {
    <T> T withSearcher(SearcherFunction<T> body);
  }

  private final Searchers searchers;

  /**
   * @param searchers lends the backend's current searcher
   */
  LuceneReads(Searchers searchers) {
    this.searchers = searchers;
  }

  List<IndexedDocument> documents(String workspace) {
    IndexTask.checkWorkspace(workspace);
    return searchers.withSearcher(s -> documents(s, workspace));
  }

  /** The documents of a workspace on {@code s}, sorted by path. */
  static List<IndexedDocument> documents(IndexSearcher s, String workspace) throws IOException {
    List<IndexedDocument> out = new ArrayList<>();
    Query q = new TermQuery(new Term(F_WORKSPACE, workspace));
    Weight weight = s.createWeight(s.rewrite(q), ScoreMode.COMPLETE_NO_SCORES, 1f);
    for (LeafReaderContext ctx : s.getIndexReader().leaves()) {
      Scorer scorer = weight.scorer(ctx);
      if (scorer == null) {
        continue;
      }
      SortedDocValues paths = DocValues.getSorted(ctx.reader(), F_PATH_KEY);
      BinaryDocValues hashes = DocValues.getBinary(ctx.reader(), F_HASH);
      NumericDocValues lengths = DocValues.getNumeric(ctx.reader(), F_LENGTH);
      Bits live = ctx.reader().getLiveDocs();
      DocIdSetIterator it = scorer.iterator();
      for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
        if (live != null && !live.get(doc)) {
          continue;
        }
        if (!paths.advanceExact(doc) || !hashes.advanceExact(doc) || !lengths.advanceExact(doc)) {
          throw new CorruptIndexException(
              "document without path, hash or length", ctx.reader().toString());
        }
        out.add(
            new IndexedDocument(
                paths.lookupOrd(paths.ordValue()).utf8ToString(),
                hashes.binaryValue().utf8ToString(),
                lengths.longValue()));
      }
    }
    out.sort(Comparator.comparing(IndexedDocument::path));
    return out;
  }

  Set<String> workspaces() {
    return searchers.withSearcher(
        s -> {
          Set<String> out = new TreeSet<>();
          Terms terms = MultiTerms.getTerms(s.getIndexReader(), F_WORKSPACE);
          if (terms == null) {
            return out;
          }
          TermsEnum te = terms.iterator();
          for (BytesRef t = te.next(); t != null; t = te.next()) {
            Term term = new Term(F_WORKSPACE, BytesRef.deepCopyOf(t));
            if (s.count(new TermQuery(term)) > 0) {
              out.add(term.text());
            }
          }
          return out;
        });
  }

  /**
   * Searches a workspace with the code-search syntax ({@link CodeSearch#parse}): the best {@code
   * limit} files, each with its best lines, and the exact number of matching files.
   */
  SearchResults search(String workspace, String query, int limit) {
    IndexTask.checkWorkspace(workspace);
    SearchResults.checkQuery(query);
    if (limit < 1) {
      throw new IllegalArgumentException("limit: must be at least 1, was: " + limit);
    }
    Query parsed = CodeSearch.parse(query);
    Query full =
        new BooleanQuery.Builder()
            .add(new TermQuery(new Term(F_WORKSPACE, workspace)), BooleanClause.Occur.FILTER)
            .add(parsed, BooleanClause.Occur.MUST)
            .build();
    return searchers.withSearcher(
        s -> {
          TopDocs top;
          LineMatcher matcher;
          try {
            top = s.search(full, limit);
            matcher = CodeSearch.lineMatcher(s, parsed, query);
          } catch (TooManyClauses e) {
            throw new IllegalArgumentException(
                "query: matches too many terms, was: \"" + query + "\"", e);
          }
          long total =
              top.totalHits.relation == TotalHits.Relation.EQUAL_TO
                  ? top.totalHits.value
                  : s.count(full);
          List<SearchHit> hits = new ArrayList<>(top.scoreDocs.length);
          List<LeafReaderContext> leaves = s.getIndexReader().leaves();
          for (ScoreDoc sd : top.scoreDocs) {
            LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(sd.doc, leaves));
            int doc = sd.doc - leaf.docBase;
            Document stored =
                leaf.reader().storedFields().document(doc, Set.of(F_PATH_KEY, F_CONTENT));
            LineMatcher.Result r = matcher.match(leaf, doc, stored.get(F_CONTENT), MAX_MATCH_LINES);
            hits.add(
                new SearchHit(
                    workspace, stored.get(F_PATH_KEY), sd.score, r.pathOnly(), r.lines()));
          }
          return new SearchResults(total, hits);
        });
  }
}

package dev.indexqueue.index.solr;

import dev.indexqueue.IndexTask;
import dev.indexqueue.SearchHit;
import dev.indexqueue.SearchResults;
import dev.indexqueue.index.lucene.internal.CodeSearch;
import dev.indexqueue.index.lucene.internal.LineMatcher;
import dev.indexqueue.index.solr.plugin.CodeQParserPlugin;
import dev.indexqueue.spi.BackendStateLostException;
import dev.indexqueue.spi.Batch;
import dev.indexqueue.spi.Checkpoint;
import dev.indexqueue.spi.ContentHash;
import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.IndexedDocument;
import dev.indexqueue.spi.PermanentBackendException;
import dev.indexqueue.spi.QueuedTask;
import dev.indexqueue.spi.SourceFile;
import dev.indexqueue.spi.TransientBackendException;
import dev.indexqueue.spi.WorkspaceSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.index.memory.MemoryIndex;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.solr.client.solrj.SolrClient;
import org.apache.solr.client.solrj.SolrQuery;
import org.apache.solr.client.solrj.SolrRequest;
import org.apache.solr.client.solrj.SolrServerException;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.client.solrj.impl.Http2SolrClient;
import org.apache.solr.client.solrj.request.AbstractUpdateRequest;
import org.apache.solr.client.solrj.request.UpdateRequest;
import org.apache.solr.client.solrj.response.FacetField;
import org.apache.solr.client.solrj.response.QueryResponse;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.SolrDocumentList;
import org.apache.solr.common.SolrException;
import org.apache.solr.common.SolrInputDocument;
import org.apache.solr.common.params.CursorMarkParams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SolrCloud {@link IndexBackend}: one collection, reached with SolrJ's cloud client.
 * Thread-safe as {@link IndexBackend} requires: lanes apply concurrently, the maintainer commits
 * and makes work visible concurrently with them, and any thread reads. The design (versions,
 * tombstones, workspace states, checkpoints, generations) is in the module's README.md.
 *
 * <p>Failures: what a retry may fix (a node down, a leader election, a timeout, any 5xx) is a
 * {@link TransientBackendException}; a request Solr refuses (4xx: a bad document, a schema error)
 * is a {@link PermanentBackendException}; a collection that lost what it held (its meta document is
 * gone) is a {@link BackendStateLostException}, after which apply and commit are refused until
 * {@link #startReplay()}.
 */
final class SolrIndexBackend implements IndexBackend {
  private static final Logger LOG = LoggerFactory.getLogger(SolrIndexBackend.class);

  static final String F_ID = "id";
  static final String F_KIND = "kind";
  static final String F_WS = "ws";
  static final String F_PART = "part";
  static final String F_V_NORMAL = "v_n";
  static final String F_V_URGENT = "v_u";
  static final String F_PATH = CodeSearch.PATH;
  static final String F_PATH_KEY = "path_key";
  static final String F_CONTENT = CodeSearch.CONTENT;
  static final String F_HASH = "hash";
  static final String F_LENGTH = "length";
  static final String F_LAYOUT = "layout";
  static final String F_CP0 = "cp_0";
  static final String F_CP1 = "cp_1";
  static final String F_GEN = "gen";

  static final String KIND_FILE = "file";
  static final String KIND_TOMB = "tomb";
  static final String KIND_WS = "ws";
  static final String KIND_CP = "cp";
  static final String KIND_VCP = "vcp";
  static final String KIND_META = "meta";

  static final String META_ID = "~meta";

  /** Adds are sent in requests of about this many content characters. */
  private static final long REQUEST_CHARS = 8L << 20;

  private static final int PAGE = 1000;

  /** The code analysis, for the matching lines (thread-safe). */
  private static final Analyzer ANALYZER = CodeSearch.analyzer();

  private final SolrIndexOptions options;
  private final String collection;
  private final String where;
  private final CloudSolrClient client;

  private final Object metaLock = new Object();

  /** The generation the versions are written in. Guarded by {@link #metaLock} for writes. */
  private volatile long generation;

  /** The layout of the stored checkpoints ("" before the first commit). */
  private volatile String layout = "";

  /** Counts layout changes; the meta document's v_u. */
  private volatile long layoutEpoch;

  /**
   * The checkpoint read when the backend opened: a task below it in its log means that the queue's
   * positions started again (a new memory queue, a replaced queue), and the generation moves on.
   */
  private volatile Checkpoint floor;

  private volatile Checkpoint committed = Checkpoint.none();

  /**
   * What this process committed, merged over its commits (logs that other nodes commit are not
   * covered); written by the maintainer, read by {@link #makeVisible}.
   */
  private volatile Checkpoint ownCommitted = Checkpoint.none();

  /** The checkpoint of the visible-checkpoint documents last written (maintainer thread only). */
  private Checkpoint visibleWritten = Checkpoint.none();

  private volatile boolean replayPending;
  private volatile boolean closed;

  private SolrIndexBackend(SolrIndexOptions options, CloudSolrClient client) {
    this.options = options;
    this.collection = options.collection();
    this.where = options.where();
    this.client = client;
  }

  static SolrIndexBackend open(SolrIndexOptions options) {
    CloudSolrClient client = client(options);
    SolrIndexBackend b = new SolrIndexBackend(options, client);
    try {
      if (options.createCollection()) {
        Configset.ensureCollection(client, options);
      }
      b.readMeta(true);
      b.committed = b.readCheckpoint();
      b.floor = b.committed;
      return b;
    } catch (SolrServerException | IOException | RuntimeException e) {
      closeQuietly(client);
      throw new IllegalStateException(
          "cannot open the " + options.where() + ": " + firstLine(e.toString()), e);
    }
  }

  private static CloudSolrClient client(SolrIndexOptions o) {
    Http2SolrClient.Builder http =
        new Http2SolrClient.Builder()
            .withRequestTimeout(o.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
            .withConnectionTimeout(15, TimeUnit.SECONDS);
    if (o.username() != null) {
      http.withBasicAuthCredentials(o.username(), o.password());
    }
    CloudSolrClient.Builder b;
    if (o.zkHost() != null) {
      String zk = o.zkHost().trim();
      int slash = zk.indexOf('/');
      Optional<String> chroot = slash < 0 ? Optional.empty() : Optional.of(zk.substring(slash));
      String hosts = slash < 0 ? zk : zk.substring(0, slash);
      b = new CloudSolrClient.Builder(Arrays.asList(hosts.split(",")), chroot);
    } else {
      b = new CloudSolrClient.Builder(o.solrUrls());
    }
    b.withInternalClientBuilder(http);
    b.withZkConnectTimeout(15, TimeUnit.SECONDS);
    return b.build();
  }

  // ------------------------------------------------------------------------------ ids, documents

  static String fileId(String workspace, String path) {
    // paths never hold a backslash: mapping '!' to it keeps ids distinct and free of the
    // compositeId router's separator, so files spread over the shards by their whole id
    return workspace + "/" + path.replace('!', '\\');
  }

  static String workspaceId(String workspace) {
    return "~ws/" + workspace;
  }

  static String checkpointId(String layout, int partition) {
    return "~cp/" + layout + "/" + partition;
  }

  static String visibleCheckpointId(String layout, int partition) {
    return "~vcp/" + layout + "/" + partition;
  }

  private static SolrInputDocument base(
      String id, String kind, String workspace, int partition, long[] v) {
    SolrInputDocument d = new SolrInputDocument();
    d.setField(F_ID, id);
    d.setField(F_KIND, kind);
    if (workspace != null) {
      d.setField(F_WS, workspace);
    }
    d.setField(F_PART, partition);
    d.setField(F_V_NORMAL, v[0]);
    d.setField(F_V_URGENT, v[1]);
    return d;
  }

  static SolrInputDocument fileDoc(
      String workspace, String path, String content, int partition, long[] v) {
    SolrInputDocument d = base(fileId(workspace, path), KIND_FILE, workspace, partition, v);
    d.setField(F_PATH, path);
    d.setField(F_PATH_KEY, path);
    d.setField(F_CONTENT, content);
    d.setField(F_HASH, ContentHash.of(content));
    d.setField(F_LENGTH, (long) content.length());
    return d;
  }

  // ------------------------------------------------------------------------------ meta, generation

  /** Reads the meta document (writing it on a new collection); false when it is missing. */
  private boolean readMeta(boolean create) throws SolrServerException, IOException {
    synchronized (metaLock) {
      SolrDocument meta = client.getById(collection, META_ID);
      if (meta == null) {
        if (!create) {
          return false;
        }
        writeMeta(0, "", 0);
        return true;
      }
      generation = asLong(meta.getFieldValue(F_GEN));
      Object l = meta.getFieldValue(F_LAYOUT);
      layout = l == null ? "" : l.toString();
      layoutEpoch = asLong(meta.getFieldValue(F_V_URGENT));
      return true;
    }
  }

  private void writeMeta(long gen, String lay, long epoch) throws SolrServerException, IOException {
    SolrInputDocument d = new SolrInputDocument();
    d.setField(F_ID, META_ID);
    d.setField(F_KIND, KIND_META);
    d.setField(F_GEN, gen);
    d.setField(F_LAYOUT, lay);
    d.setField(F_V_NORMAL, gen);
    d.setField(F_V_URGENT, epoch);
    new UpdateRequest().add(d).process(client, collection);
    generation = gen;
    layout = lay;
    layoutEpoch = epoch;
  }

  /**
   * The generation to write a batch in: when a task lies below the checkpoint read at open in its
   * log, the queue's positions started again, and the generation moves on (once).
   */
  private long generationFor(Batch batch) throws SolrServerException, IOException {
    Checkpoint f = floor;
    QueuedTask below = null;
    if (!f.isNone()) {
      for (QueuedTask q : batch.tasks()) {
        if (f.covers(q.partition(), q.band())
            && q.position() < f.position(q.partition(), q.band())) {
          below = q;
          break;
        }
      }
    }
    if (below == null) {
      return generation;
    }
    synchronized (metaLock) {
      if (floor.isNone()) {
        return generation; // moved on meanwhile, by another lane
      }
      SolrDocument meta = client.getById(collection, META_ID);
      long stored = meta == null ? 0 : asLong(meta.getFieldValue(F_GEN));
      long next = Math.max(stored, generation) + 1;
      LOG.info(
          "{}: a task at position {} of partition {} band {} lies below the committed checkpoint"
              + " {}: the queue's positions started again, so versions move to generation {}",
          where,
          below.position(),
          below.partition(),
          below.band(),
          floor.position(below.partition(), below.band()),
          next);
      writeMeta(next, layout, layoutEpoch);
      floor = Checkpoint.none();
      return next;
    }
  }

  // ------------------------------------------------------------------------------ apply

  @Override
  public void apply(Batch batch) {
    ensureUsable();
    try {
      long gen = generationFor(batch);
      Sender out = new Sender();
      for (QueuedTask q : batch.tasks()) {
        IndexTask t = q.task();
        long[] v = Versions.of(gen, q);
        switch (t.type()) {
          case INDEX_FILE ->
              out.add(fileDoc(t.workspace(), t.path(), t.content(), q.partition(), v));
          case REMOVE_FILE ->
              out.add(
                  base(
                      fileId(t.workspace(), t.path()), KIND_TOMB, t.workspace(), q.partition(), v));
          case REMOVE_WORKSPACE -> {
            out.flush();
            workspaceWide(q, v);
          }
          case REINDEX_WORKSPACE -> {
            out.flush();
            reindex(q, v, batch.source(), out);
          }
        }
      }
      out.flush();
    } catch (SolrServerException | IOException | SolrException | UncheckedIOException e) {
      throw failure(e, "apply");
    }
  }

  /** Collects adds and sends them in requests of bounded size, in order. */
  private final class Sender {
    private UpdateRequest request = new UpdateRequest();
    private long chars;
    private int docs;

    void add(SolrInputDocument d) throws SolrServerException, IOException {
      request.add(d);
      docs++;
      Object c = d.getFieldValue(F_CONTENT);
      chars += 256 + (c == null ? 0 : c.toString().length());
      if (chars >= REQUEST_CHARS) {
        flush();
      }
    }

    void flush() throws SolrServerException, IOException {
      if (docs > 0) {
        request.process(client, collection);
        request = new UpdateRequest();
        chars = 0;
        docs = 0;
      }
    }
  }

  /**
   * A workspace-wide task: raises the workspace's state to the task's versions (documents older
   * than it are hidden from reads from now on, also those a stale writer adds later), and deletes
   * the workspace's documents that precede it in the task's band.
   */
  private void workspaceWide(QueuedTask q, long[] v) throws SolrServerException, IOException {
    String ws = q.task().workspace();
    UpdateRequest r = new UpdateRequest();
    r.add(base(workspaceId(ws), KIND_WS, ws, q.partition(), v));
    r.deleteByQuery(
        "+"
            + F_WS
            + ":"
            + ws
            + " +"
            + F_KIND
            + ":("
            + KIND_FILE
            + " "
            + KIND_TOMB
            + ") +"
            + Versions.field(q.band())
            + ":[* TO "
            + (v[q.band()] - 1)
            + "]");
    r.process(client, collection);
  }

  /**
   * Makes the workspace's documents equal the source: every file is written again with the task's
   * versions (so the workspace's state and the deletion below treat them as the task's), then the
   * rest is deleted as for a removal.
   */
  private void reindex(QueuedTask q, long[] v, WorkspaceSource source, Sender out)
      throws SolrServerException, IOException {
    String ws = q.task().workspace();
    if (source == WorkspaceSource.none()) {
      throw new PermanentBackendException(
          "REINDEX_WORKSPACE of " + ws + " needs a workspace source; the service has none", null);
    }
    int written = 0;
    for (SourceFile f : source.list(ws)) {
      Optional<String> text = source.read(ws, f.path());
      if (text.isEmpty()) {
        continue; // gone meanwhile, or not indexable: deleted below when indexed
      }
      out.add(fileDoc(ws, f.path(), text.get(), q.partition(), v));
      written++;
    }
    out.flush();
    workspaceWide(q, v);
    LOG.debug("reindexed workspace {}: {} files written", ws, written);
  }

  // ------------------------------------------------------------------------------ commit, refresh

  @Override
  public void commit(Checkpoint checkpoint) {
    java.util.Objects.requireNonNull(checkpoint, "checkpoint");
    ensureUsable();
    try {
      if (!readMeta(false)) {
        replayPending = true;
        Checkpoint lost = committed;
        committed = Checkpoint.none();
        floor = Checkpoint.none();
        throw new BackendStateLostException(
            "the "
                + where
                + " lost what it held (its meta document is gone; was it emptied or recreated?);"
                + " the work applied since checkpoint "
                + lost
                + " must be applied again",
            null);
      }
      Checkpoint before = committed;
      Checkpoint next = checkpoint;
      if (!checkpoint.isNone()) {
        String lay = checkpoint.layout();
        long gen = generation;
        if (!lay.equals(layout)) {
          synchronized (metaLock) {
            writeMeta(gen, lay, layoutEpoch + 1);
          }
          new UpdateRequest()
              .deleteByQuery(
                  "+" + F_KIND + ":(" + KIND_CP + " OR " + KIND_VCP + ") -" + F_LAYOUT + ":\"" + lay
                      + "\"")
              .process(client, collection);
          before = Checkpoint.none();
        } else if (!before.isNone()
            && before.hasLayout(checkpoint.partitions(), checkpoint.bands())) {
          next = before.mergedWith(checkpoint);
        }
        UpdateRequest r = new UpdateRequest();
        int bands = checkpoint.bands();
        for (int p = 0; p < checkpoint.partitions(); p++) {
          boolean covered = false;
          for (int b = 0; b < bands; b++) {
            covered |= checkpoint.covers(p, b);
          }
          if (!covered) {
            continue;
          }
          long[] pos = {Checkpoint.NOT_COVERED, Checkpoint.NOT_COVERED};
          for (int b = 0; b < bands; b++) {
            pos[b] = next.position(p, b);
          }
          r.add(positionsDoc(checkpointId(lay, p), KIND_CP, lay, p, gen, pos));
        }
        if (r.getDocuments() != null && !r.getDocuments().isEmpty()) {
          r.process(client, collection);
        }
      }
      // one hard commit makes the batches' documents and the checkpoints durable together
      UpdateRequest hard = new UpdateRequest();
      hard.setAction(AbstractUpdateRequest.ACTION.COMMIT, true, true);
      hard.setParam("openSearcher", "false");
      hard.process(client, collection);
      committed = next;
      if (!checkpoint.isNone()) {
        Checkpoint own = ownCommitted;
        ownCommitted =
            own.isNone() || !own.hasLayout(checkpoint.partitions(), checkpoint.bands())
                ? checkpoint
                : own.mergedWith(checkpoint);
      }
    } catch (SolrServerException | IOException | SolrException | UncheckedIOException e) {
      throw failure(e, "commit");
    }
  }

  /**
   * The merged checkpoint of every commit, read from the collection (in a cluster, other nodes
   * commit the partitions they own).
   */
  @Override
  public Checkpoint committedCheckpoint() {
    ensureOpen();
    try {
      if (!readMeta(false)) {
        return Checkpoint.none();
      }
      return readCheckpoint();
    } catch (SolrServerException | IOException | SolrException e) {
      throw failure(e, "reading the checkpoint");
    }
  }

  private Checkpoint readCheckpoint() throws SolrServerException, IOException {
    String lay = layout;
    if (lay.isEmpty()) {
      return Checkpoint.none();
    }
    int x = lay.indexOf('x');
    int partitions = Integer.parseInt(lay.substring(0, x));
    int bands = Integer.parseInt(lay.substring(x + 1));
    List<String> ids = new ArrayList<>(partitions);
    for (int p = 0; p < partitions; p++) {
      ids.add(checkpointId(lay, p));
    }
    long[] positions = new long[partitions * bands];
    Arrays.fill(positions, Checkpoint.NOT_COVERED);
    for (SolrDocument d : client.getById(collection, ids)) {
      int p = (int) asLong(d.getFieldValue(F_PART));
      positions[p * bands] = asLong(d.getFieldValue(F_CP0));
      if (bands == 2) {
        positions[p * bands + 1] = asLong(d.getFieldValue(F_CP1));
      }
    }
    return Checkpoint.of(partitions, bands, positions);
  }

  /**
   * The replay handshake after a {@link BackendStateLostException}: writes the meta document again
   * when it is gone, and returns what the collection holds as committed.
   */
  @Override
  public Checkpoint startReplay() {
    ensureOpen();
    try {
      readMeta(true);
      Checkpoint cp = readCheckpoint();
      committed = cp;
      replayPending = false;
      return cp;
    } catch (SolrServerException | IOException | SolrException e) {
      throw failure(e, "the replay handshake");
    }
  }

  /**
   * A soft commit: what was applied before becomes searchable (not durable). After a commit of this
   * process, it also publishes the checkpoint of that commit as visible (see {@link
   * #visibleCheckpoint()}): the visible-checkpoint documents are written only after the soft commit
   * that made the committed work searchable on every shard returned, and a second soft commit makes
   * them searchable, so a searcher that sees one never runs ahead of the data (the shards of a
   * collection open their searchers one by one, not at once).
   */
  @Override
  public void makeVisible() {
    ensureUsable();
    try {
      // captured before the soft commit: everything it covers was applied and committed before
      Checkpoint mine = ownCommitted;
      softCommit();
      if (!mine.isNone() && !mine.equals(visibleWritten)) {
        String lay = mine.layout();
        long gen = generation;
        UpdateRequest r = new UpdateRequest();
        int bands = mine.bands();
        for (int p = 0; p < mine.partitions(); p++) {
          long[] pos = {Checkpoint.NOT_COVERED, Checkpoint.NOT_COVERED};
          boolean covered = false;
          for (int b = 0; b < bands; b++) {
            if (mine.covers(p, b)) {
              pos[b] = mine.position(p, b);
              covered = true;
            }
          }
          if (!covered
              || (!visibleWritten.isNone()
                  && visibleWritten.hasLayout(mine.partitions(), bands)
                  && sameLog(visibleWritten, mine, p))) {
            continue;
          }
          // versioned like the checkpoints: a stale writer (a former owner) never moves one back
          r.add(positionsDoc(visibleCheckpointId(lay, p), KIND_VCP, lay, p, gen, pos));
        }
        if (r.getDocuments() != null && !r.getDocuments().isEmpty()) {
          r.process(client, collection);
          softCommit();
        }
        visibleWritten = mine;
      }
    } catch (SolrServerException | IOException | SolrException e) {
      throw failure(e, "a soft commit");
    }
  }

  private static boolean sameLog(Checkpoint a, Checkpoint b, int partition) {
    for (int band = 0; band < b.bands(); band++) {
      if (a.position(partition, band) != b.position(partition, band)) {
        return false;
      }
    }
    return true;
  }

  private void softCommit() throws SolrServerException, IOException {
    new UpdateRequest()
        .setAction(AbstractUpdateRequest.ACTION.COMMIT, true, true, true)
        .process(client, collection);
  }

  /**
   * The checkpoint every searcher of the collection has passed, as a search sees it now (not a
   * real-time get, which sees documents no searcher shows yet): the visible-checkpoint documents
   * that {@link #makeVisible()} of the nodes that commit publishes. It lags behind what is really
   * visible by at most one soft commit of the node that applied the tasks, never runs ahead. Logs
   * no node published yet are not covered; {@link Checkpoint#none()} before any commit.
   */
  /** True: every node searches the same collection and sees this node's soft commits. */
  @Override
  public boolean refreshesReachOtherProcesses() {
    return true;
  }

  @Override
  public Checkpoint visibleCheckpoint() {
    ensureOpen();
    try {
      if (!readMeta(false)) {
        return Checkpoint.none();
      }
      String lay = layout;
      if (lay.isEmpty()) {
        return Checkpoint.none();
      }
      int x = lay.indexOf('x');
      int partitions = Integer.parseInt(lay.substring(0, x));
      int bands = Integer.parseInt(lay.substring(x + 1));
      SolrQuery q = new SolrQuery("*:*");
      q.addFilterQuery("{!term f=" + F_KIND + "}" + KIND_VCP);
      q.addFilterQuery("{!term f=" + F_LAYOUT + "}" + lay);
      q.setFields(F_PART, F_CP0, F_CP1);
      q.setRows(partitions);
      long[] positions = new long[partitions * bands];
      Arrays.fill(positions, Checkpoint.NOT_COVERED);
      for (SolrDocument d : client.query(collection, q).getResults()) {
        int p = (int) asLong(d.getFieldValue(F_PART));
        if (p < 0 || p >= partitions) {
          continue;
        }
        positions[p * bands] = asLong(d.getFieldValue(F_CP0));
        if (bands == 2) {
          positions[p * bands + 1] = asLong(d.getFieldValue(F_CP1));
        }
      }
      return Checkpoint.of(partitions, bands, positions);
    } catch (SolrServerException | IOException | SolrException e) {
      throw failure(e, "reading the visible checkpoint");
    }
  }

  // ------------------------------------------------------------------------------ reading

  /**
   * A per-partition checkpoint document ({@code kind}: committed or visible) holding one position
   * per band, versioned by the writer's generation so a stale writer never moves it back.
   */
  private static SolrInputDocument positionsDoc(
      String id, String kind, String lay, int partition, long gen, long[] pos) {
    long[] v = {Versions.encode(gen, pos[0]), Versions.encode(gen, pos[1])};
    SolrInputDocument d = base(id, kind, null, partition, v);
    d.setField(F_LAYOUT, lay);
    d.setField(F_CP0, pos[0]);
    d.setField(F_CP1, pos[1]);
    return d;
  }

  /** The workspaces' states (the versions of their last workspace-wide task), by workspace. */
  private Map<String, long[]> states(Collection<String> workspaces)
      throws SolrServerException, IOException {
    Map<String, long[]> out = new HashMap<>();
    if (workspaces.isEmpty()) {
      return out;
    }
    List<String> ids = new ArrayList<>();
    for (String ws : workspaces) {
      ids.add(workspaceId(ws));
    }
    for (SolrDocument d : client.getById(collection, ids)) {
      out.put(
          (String) d.getFieldValue(F_WS),
          new long[] {asLong(d.getFieldValue(F_V_NORMAL)), asLong(d.getFieldValue(F_V_URGENT))});
    }
    return out;
  }

  /**
   * The filter keeping a workspace's live files: those not older than its state (a file written
   * before the last workspace-wide task, by a stale writer after it, stays hidden).
   */
  static String liveFilter(long[] state) {
    long n = state[0];
    long u = state[1];
    return "(*:* -(+"
        + F_V_NORMAL
        + ":[* TO "
        + n
        + "] +"
        + F_V_URGENT
        + ":[* TO "
        + u
        + "])) (+"
        + F_V_NORMAL
        + ":"
        + n
        + " +"
        + F_V_URGENT
        + ":"
        + u
        + ")";
  }

  private List<String> filesOf(String workspace, long[] state) {
    List<String> fq = new ArrayList<>(3);
    fq.add("{!term f=" + F_WS + "}" + workspace);
    fq.add("{!term f=" + F_KIND + "}" + KIND_FILE);
    if (state != null) {
      fq.add(liveFilter(state));
    }
    return fq;
  }

  @Override
  public List<IndexedDocument> documents(String workspace) {
    IndexTask.checkWorkspace(workspace);
    ensureOpen();
    try {
      long[] state = states(List.of(workspace)).get(workspace);
      List<IndexedDocument> out = new ArrayList<>();
      String cursor = CursorMarkParams.CURSOR_MARK_START;
      while (true) {
        SolrQuery q = new SolrQuery("*:*");
        for (String fq : filesOf(workspace, state)) {
          q.addFilterQuery(fq);
        }
        q.setFields(F_PATH_KEY, F_HASH, F_LENGTH);
        q.setRows(PAGE);
        q.addSort(F_PATH_KEY, SolrQuery.ORDER.asc);
        q.addSort(F_ID, SolrQuery.ORDER.asc);
        q.set(CursorMarkParams.CURSOR_MARK_PARAM, cursor);
        QueryResponse r = client.query(collection, q);
        for (SolrDocument d : r.getResults()) {
          out.add(
              new IndexedDocument(
                  (String) d.getFieldValue(F_PATH_KEY),
                  (String) d.getFieldValue(F_HASH),
                  asLong(d.getFieldValue(F_LENGTH))));
        }
        String next = r.getNextCursorMark();
        if (next == null || next.equals(cursor)) {
          break;
        }
        cursor = next;
      }
      // Solr sorts by UTF-8 bytes; the contract is String order (UTF-16)
      out.sort(Comparator.comparing(IndexedDocument::path));
      return out;
    } catch (SolrServerException | IOException | SolrException e) {
      throw readFailure(e, "listing the documents of " + workspace);
    }
  }

  @Override
  public Set<String> workspaces() {
    ensureOpen();
    try {
      SolrQuery q = new SolrQuery("*:*");
      q.addFilterQuery("{!term f=" + F_KIND + "}" + KIND_FILE);
      q.setRows(0);
      q.setFacet(true);
      q.addFacetField(F_WS);
      q.setFacetLimit(-1);
      q.setFacetMinCount(1);
      QueryResponse r = client.query(collection, q);
      Set<String> candidates = new TreeSet<>();
      FacetField f = r.getFacetField(F_WS);
      if (f != null && f.getValues() != null) {
        for (FacetField.Count c : f.getValues()) {
          candidates.add(c.getName());
        }
      }
      Map<String, long[]> states = states(candidates);
      Set<String> out = new TreeSet<>();
      for (String ws : candidates) {
        long[] state = states.get(ws);
        if (state == null || count(ws, state) > 0) {
          out.add(ws);
        }
      }
      return out;
    } catch (SolrServerException | IOException | SolrException e) {
      throw readFailure(e, "listing the workspaces");
    }
  }

  private long count(String workspace, long[] state) throws SolrServerException, IOException {
    SolrQuery q = new SolrQuery("*:*");
    for (String fq : filesOf(workspace, state)) {
      q.addFilterQuery(fq);
    }
    q.setRows(0);
    return client.query(collection, q).getResults().getNumFound();
  }

  /**
   * Searches with the Lucene backend's syntax: the query is parsed here (so a bad query is refused
   * with the Lucene backend's message) and again by each shard with the same parser (the
   * configset's {@code indexqueue} query parser), so Solr runs the very query the Lucene backend
   * runs; a hit's lines come from Lucene's matches of that query on the hit's content (a memory
   * index of its content and path).
   */
  @Override
  public SearchResults search(String workspace, String query, int limit) {
    IndexTask.checkWorkspace(workspace);
    SearchResults.checkQuery(query);
    if (limit < 1) {
      throw new IllegalArgumentException("limit: must be at least 1, was: " + limit);
    }
    ensureOpen();
    Query parsed = CodeSearch.parse(query);
    SolrDocumentList docs;
    try {
      long[] state = states(List.of(workspace)).get(workspace);
      SolrQuery q = new SolrQuery("{!" + CodeQParserPlugin.NAME + " v=$qq}");
      q.set("qq", query);
      for (String fq : filesOf(workspace, state)) {
        q.addFilterQuery(fq);
      }
      q.setFields(F_PATH_KEY, F_CONTENT, "score");
      q.setRows(limit);
      docs = client.query(collection, q, SolrRequest.METHOD.POST).getResults();
    } catch (SolrServerException | IOException | SolrException e) {
      if (e instanceof SolrException se && se.code() == 400) {
        throw new IllegalArgumentException(
            "query: Solr refused \"" + query + "\": " + firstLine(se.getMessage()), e);
      }
      throw readFailure(e, "searching " + workspace);
    }
    List<SearchHit> hits = new ArrayList<>(docs.size());
    for (SolrDocument d : docs) {
      String path = (String) d.getFieldValue(F_PATH_KEY);
      String content = (String) d.getFieldValue(F_CONTENT);
      LineMatcher.Result r = lines(parsed, query, path, content);
      Object score = d.getFieldValue("score");
      hits.add(
          new SearchHit(
              workspace,
              path,
              score instanceof Number n ? n.floatValue() : 0f,
              r.pathOnly(),
              r.lines()));
    }
    return new SearchResults(Math.max(docs.getNumFound(), hits.size()), hits);
  }

  /**
   * The matching lines of one hit, as the Lucene backend finds them: Lucene's matches of the query
   * on a memory index of the hit's content and path, analysed as they were indexed.
   */
  static LineMatcher.Result lines(Query parsed, String query, String path, String content) {
    MemoryIndex one = new MemoryIndex();
    one.addField(F_CONTENT, content == null ? "" : content, ANALYZER);
    one.addField(F_PATH, path, ANALYZER);
    IndexSearcher searcher = one.createSearcher();
    try {
      return CodeSearch.lineMatcher(searcher, parsed, query)
          .match(searcher.getIndexReader().leaves().get(0), 0, content, CodeSearch.MAX_MATCH_LINES);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a memory index does no I/O
    } catch (IndexSearcher.TooManyClauses e) {
      throw new IllegalArgumentException(
          "query: matches too many terms, was: \"" + query + "\"", e);
    }
  }

  // ------------------------------------------------------------------------------ failures

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the Solr backend for the " + where + " is closed");
    }
  }

  private void ensureUsable() {
    ensureOpen();
    if (replayPending) {
      throw new BackendStateLostException(
          "the " + where + " lost what it held and waits for a replay from checkpoint " + committed,
          null);
    }
  }

  /** Classifies a failure of a write: transient, permanent, or lost state. */
  private RuntimeException failure(Exception e, String operation) {
    if (closed) {
      return new IllegalStateException(
          "the Solr backend for the " + where + " is closed (during " + operation + ")", e);
    }
    if (e instanceof BackendStateLostException b) {
      return b;
    }
    String what = operation + " on the " + where + ": " + firstLine(e.toString());
    if (e instanceof SolrException se && !isTransient(se)) {
      return new PermanentBackendException("Solr refused " + what, e);
    }
    return new TransientBackendException("failure during " + what, e);
  }

  /** A failed read: a transient failure as an {@link UncheckedIOException}, a refusal as is. */
  private RuntimeException readFailure(Exception e, String operation) {
    if (closed) {
      return new IllegalStateException("the Solr backend for the " + where + " is closed", e);
    }
    String what = operation + " on the " + where + ": " + firstLine(e.toString());
    if (e instanceof SolrException se && !isTransient(se)) {
      return new IllegalStateException("Solr refused " + what, e);
    }
    return new UncheckedIOException(new IOException("failure during " + what, e));
  }

  /**
   * Whether a retry may fix what Solr answered: no answer, a server error (5xx: a node down, no
   * leader yet), a conflict or too many requests; not a bad request (4xx), such as a schema error.
   */
  static boolean isTransient(SolrException e) {
    int code = e.code();
    return code <= 0 || code >= 500 || code == 404 || code == 408 || code == 409 || code == 429;
  }

  private static long asLong(Object o) {
    if (o == null) {
      return 0;
    }
    if (o instanceof Number n) {
      return n.longValue();
    }
    return Long.parseLong(o.toString());
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  // ------------------------------------------------------------------------------ close

  /** Closes the client; requests in flight fail. Closing twice is a no-op. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeQuietly(client);
  }

  private static void closeQuietly(SolrClient c) {
    try {
      c.close();
    } catch (IOException | RuntimeException e) {
      LOG.debug("closing the Solr client failed: {}", e.toString());
    }
  }

  /** The generation versions are written in now (tests). */
  long generation() {
    return generation;
  }

  /** The options it was opened with. */
  SolrIndexOptions options() {
    return options;
  }

  @Override
  public String toString() {
    return "SolrIndexBackend[" + where + "]";
  }
}

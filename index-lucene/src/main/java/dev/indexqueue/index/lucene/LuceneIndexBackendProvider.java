package dev.indexqueue.index.lucene;

import dev.indexqueue.spi.IndexBackend;
import dev.indexqueue.spi.IndexBackendProvider;
import dev.indexqueue.spi.ProviderConfig;
import java.util.Map;
import java.util.Set;

/**
 * Provides the Lucene index backend under the name {@value #NAME}. Stateless and thread-safe.
 *
 * <p>Settings: {@code directory} (required: the index directory, created when missing), {@code
 * ramBufferMB} (1–2047, default 64, per shard), {@code analysisThreads} (0–64, default {@link
 * LuceneIndexOptions#defaultAnalysisThreads()}) and {@code shards} (0–64; default 0: as many as the
 * index has, two shards per partition of the service's queue for a new one; see {@link
 * LuceneIndexOptions#shards()}). An unknown key is refused, naming it.
 *
 * <p>The backend opened here guarantees what {@link IndexBackend} states, and: the checkpoint is
 * stored in the commit user data under {@value #CHECKPOINT_KEY}; an index directory locked by
 * another writer, or corrupt, fails at open with an {@link IllegalStateException} naming the
 * directory (a corrupt index is never recreated silently); a writer's tragic failure (a full disk,
 * say) rolls the index back to its last commit and throws {@link
 * dev.indexqueue.spi.BackendStateLostException} so the core replays from there.
 */
public final class LuceneIndexBackendProvider implements IndexBackendProvider {
  /** The provider's name. */
  public static final String NAME = "lucene";

  /**
   * The commit user data key holding, in each shard of an index split into shards, how many shards
   * it has (an index of one shard, without subdirectories, has no such key).
   */
  public static final String SHARDS_KEY = "indexqueue.shards";

  /**
   * The commit user data key holding, in each shard of an index with more than one shard per
   * partition, how many it has per partition (without it: one, the shard of a workspace is its
   * partition).
   */
  public static final String SHARDS_PER_PARTITION_KEY = "indexqueue.shardsPerPartition";

  /** The commit user data key holding the checkpoint. */
  public static final String CHECKPOINT_KEY = "indexqueue.checkpoint";

  /**
   * The commit user data key holding the version of the code analysis the documents went through.
   */
  public static final String ANALYSIS_KEY = "indexqueue.analysis";

  /**
   * The version of the code analysis (tokenizer, parts, operators) this backend indexes with. An
   * index built with another version (or before versions were recorded: "1") is refused at open,
   * naming how to rebuild it.
   */
  public static final String ANALYSIS_VERSION = "2";

  private static final Set<String> KEYS =
      Set.of("directory", "ramBufferMB", "analysisThreads", "shards");

  /** For {@link java.util.ServiceLoader}. */
  public LuceneIndexBackendProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public IndexBackend create(Map<String, String> config) {
    ProviderConfig c = ProviderConfig.of("lucene backend", config, KEYS);
    return open(
        new LuceneIndexOptions(
            c.requiredPath("directory"),
            c.doubleValue(
                "ramBufferMB",
                LuceneIndexOptions.DEFAULT_RAM_BUFFER_MB,
                -Double.MAX_VALUE,
                Double.MAX_VALUE),
            (int)
                c.longValue(
                    "analysisThreads",
                    LuceneIndexOptions.defaultAnalysisThreads(),
                    0,
                    LuceneIndexOptions.MAX_ANALYSIS_THREADS),
            (int) c.longValue("shards", 0, 0, LuceneIndexOptions.MAX_SHARDS)));
  }

  /**
   * Opens an existing index read-only, without the service loader: no writer and no write lock, so
   * it can be searched (and its {@code documents} listed) while another process writes it. It sees
   * the last commit of that process; {@link IndexBackend#makeVisible()} moves it to the newest
   * commit. {@code apply} and {@code commit} throw {@link UnsupportedOperationException}. Nothing
   * is created: a directory without an index is refused.
   *
   * @param directory the index directory
   * @throws IllegalArgumentException naming {@code directory} when it holds no index
   * @throws IllegalStateException when the index is corrupt
   * @throws java.io.UncheckedIOException when it cannot be read
   */
  public static IndexBackend openReadOnly(java.nio.file.Path directory) {
    return ShardedLuceneBackend.openAnyReadOnly(directory);
  }

  /**
   * Opens a Lucene backend directly, without the service loader.
   *
   * @param options the settings
   * @throws IllegalStateException when the directory is locked by another writer or holds a corrupt
   *     index
   * @throws java.io.UncheckedIOException when the directory cannot be created or read
   */
  public static IndexBackend open(LuceneIndexOptions options) {
    return ShardedLuceneBackend.openAny(options);
  }
}

package dev.indexqueue.index.solr;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.solr.client.solrj.SolrClient;
import org.apache.solr.client.solrj.SolrServerException;
import org.apache.solr.client.solrj.request.CollectionAdminRequest;
import org.apache.solr.client.solrj.request.ConfigSetAdminRequest;
import org.apache.solr.client.solrj.response.ConfigSetAdminResponse;
import org.apache.solr.common.util.ContentStreamBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configset this module ships ({@code solrconfig.xml} and {@code schema.xml} under {@code
 * dev/indexqueue/index/solr/configset/}), and creating a collection from it. Stateless and
 * thread-safe.
 */
final class Configset {
  private static final Logger LOG = LoggerFactory.getLogger(Configset.class);

  /** The files of the configset, as resources of this class. */
  static final List<String> FILES = List.of("solrconfig.xml", "schema.xml");

  private Configset() {}

  /** The configset as a zip, as Solr's configset API takes it. */
  static byte[] zip() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      for (String f : FILES) {
        zip.putNextEntry(new ZipEntry(f));
        zip.write(resource(f));
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** One file of the configset. */
  static byte[] resource(String name) {
    try (InputStream in = Configset.class.getResourceAsStream("configset/" + name)) {
      if (in == null) {
        throw new IllegalStateException("the configset file " + name + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Creates the collection with the shipped configset (uploaded first under {@value
   * SolrIndexOptions#CONFIGSET} when the cluster does not have it) unless it exists. Safe when
   * several nodes start at once: a collection created meanwhile by another is taken as it is.
   */
  static void ensureCollection(SolrClient client, SolrIndexOptions o)
      throws SolrServerException, IOException {
    if (CollectionAdminRequest.listCollections(client).contains(o.collection())) {
      return;
    }
    ConfigSetAdminResponse.List sets = new ConfigSetAdminRequest.List().process(client);
    if (!sets.getConfigSets().contains(SolrIndexOptions.CONFIGSET)) {
      try {
        new ConfigSetAdminRequest.Upload()
            .setConfigSetName(SolrIndexOptions.CONFIGSET)
            .setUploadStream(
                new ContentStreamBase.ByteArrayStream(
                    zip(), "indexqueue-configset.zip", "application/octet-stream"))
            .process(client);
        LOG.info("uploaded the configset {}", SolrIndexOptions.CONFIGSET);
      } catch (RuntimeException e) {
        if (!new ConfigSetAdminRequest.List()
            .process(client)
            .getConfigSets()
            .contains(SolrIndexOptions.CONFIGSET)) {
          throw e;
        }
      }
    }
    try {
      CollectionAdminRequest.Create create =
          CollectionAdminRequest.createCollection(
              o.collection(), SolrIndexOptions.CONFIGSET, o.shards(), o.replicas());
      create.setWaitForFinalState(true);
      create.process(client);
      LOG.info(
          "created the collection {} ({} shards x {} replicas)",
          o.collection(),
          o.shards(),
          o.replicas());
    } catch (RuntimeException e) {
      if (!CollectionAdminRequest.listCollections(client).contains(o.collection())) {
        throw e;
      }
    }
  }
}

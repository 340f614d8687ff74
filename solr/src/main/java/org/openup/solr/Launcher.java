package org.openup.solr;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

import org.apache.solr.client.solrj.request.CollectionAdminRequest;
import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * Runs Solr for the project's tests on a loopback port until the process is told to stop.
 *
 * <p>Usage: {@code Launcher standalone|cloud STATE_DIR CONF_DIR}. CONF_DIR holds the schema and our
 * solrconfig.xml. When Solr answers, the core or collection URL is written to STATE_DIR/url (solr.py
 * waits for that file); SIGTERM stops Solr cleanly through the shutdown hook.
 */
public final class Launcher {
  static final String COLLECTION = "ckan";

  private Launcher() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: Launcher standalone|cloud STATE_DIR CONF_DIR");
      System.exit(2);
    }
    String mode = args[0];
    Path state = Path.of(args[1]).toAbsolutePath();
    Path conf = Path.of(args[2]).toAbsolutePath();
    CountDownLatch stopped = new CountDownLatch(1);
    AutoCloseable solr;
    String url;
    if (mode.equals("standalone")) {
      JettySolrRunner runner = startStandalone(state, conf);
      solr = runner::stop;
      url = runner.getBaseUrl() + "/" + COLLECTION;
    } else if (mode.equals("cloud")) {
      MiniSolrCloudCluster cluster = startCloud(state, conf);
      solr = cluster::shutdown;
      url = cluster.getJettySolrRunner(0).getBaseUrl() + "/" + COLLECTION;
    } else {
      System.err.println("unknown mode " + mode + " (standalone or cloud)");
      System.exit(2);
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    solr.close();
                  } catch (Exception error) {
                    error.printStackTrace();
                  }
                  stopped.countDown();
                }));
    writeAtomically(state.resolve("url"), url + "\n");
    System.out.println("Solr " + mode + " ready at " + url);
    stopped.await();
  }

  /** One Jetty with one core named ckan, from a Solr home laid out under STATE_DIR/home. */
  static JettySolrRunner startStandalone(Path state, Path conf) throws Exception {
    Path home = state.resolve("home");
    Path core = home.resolve(COLLECTION);
    Files.createDirectories(core.resolve("conf"));
    Files.writeString(home.resolve("solr.xml"), "<solr/>\n", StandardCharsets.UTF_8);
    Files.writeString(core.resolve("core.properties"), "name=" + COLLECTION + "\n", StandardCharsets.UTF_8);
    try (var files = Files.list(conf)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Files.copy(file, core.resolve("conf").resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    JettyConfig config = JettyConfig.builder().setPort(0).stopAtShutdown(false).build();
    JettySolrRunner runner = new JettySolrRunner(home.toString(), new Properties(), config);
    runner.start();
    return runner;
  }

  /** Two Solr nodes with an embedded ZooKeeper and a collection of two shards, one on each node. */
  static MiniSolrCloudCluster startCloud(Path state, Path conf) throws Exception {
    Path base = state.resolve("cluster");
    Files.createDirectories(base);
    MiniSolrCloudCluster cluster =
        new MiniSolrCloudCluster.Builder(2, base).addConfig(COLLECTION, conf).configure();
    CollectionAdminRequest.createCollection(COLLECTION, COLLECTION, 2, 1)
        .process(cluster.getSolrClient());
    cluster.waitForActiveCollection(COLLECTION, 2, 2);
    return cluster;
  }

  static void writeAtomically(Path target, String text) throws Exception {
    Path partial = target.resolveSibling(target.getFileName() + ".partial");
    Files.writeString(partial, text, StandardCharsets.UTF_8);
    Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}

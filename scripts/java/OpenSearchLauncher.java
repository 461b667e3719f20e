import org.codelibs.opensearch.runner.OpenSearchRunner;

/**
 * Starts codelibs' embedded OpenSearch runner with the ingest and remote_cluster_client roles,
 * which the runner leaves out by default (and which no opensearch.yml setting can add: the
 * runner sets node.roles itself). Without an ingest node every request naming a pipeline fails;
 * without remote_cluster_client a search of `alias:index` (cross-cluster search) is refused. Run
 * in source-file mode:
 * java -cp CLASSPATH OpenSearchLauncher.java -basePath DIR -numOfNode 1 ...
 *
 * The runner also forces node.name ("Node 1") and http.port (the first free one from 9201) over
 * opensearch.yml. A cluster of one-node JVMs needs its own, unique values: every system property
 * iochunt.setting.KEY=VALUE (e.g. -Diochunt.setting.node.name=node-2) is set as node setting KEY
 * before the runner's defaults, so it wins over them. Without such properties nothing changes.
 */
public class OpenSearchLauncher {
    private static final String SETTING_PREFIX = "iochunt.setting.";

    public static void main(String[] args) throws Exception {
        OpenSearchRunner runner = new OpenSearchRunner();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                runner.close();
            } catch (Exception e) {
                // shutting down anyway
            }
        }));
        runner.onBuild((number, settings) -> {
            settings.putList("node.roles", "cluster_manager", "data", "ingest", "remote_cluster_client");
            for (String name : System.getProperties().stringPropertyNames()) {
                if (name.startsWith(SETTING_PREFIX) && name.length() > SETTING_PREFIX.length()) {
                    settings.put(name.substring(SETTING_PREFIX.length()), System.getProperty(name));
                }
            }
        });
        runner.build(args);
        while (!runner.isClosed()) {
            Thread.sleep(5000);
        }
    }
}

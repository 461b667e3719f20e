import org.codelibs.opensearch.runner.OpenSearchRunner;

/**
 * Starts codelibs' embedded OpenSearch runner with the ingest role, which the runner leaves out
 * by default (and which no opensearch.yml setting can add: the runner sets node.roles itself).
 * Without an ingest node every request naming a pipeline fails. Run in source-file mode:
 * java -cp CLASSPATH OpenSearchLauncher.java -basePath DIR -numOfNode 1 ...
 */
public class OpenSearchLauncher {
    public static void main(String[] args) throws Exception {
        OpenSearchRunner runner = new OpenSearchRunner();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                runner.close();
            } catch (Exception e) {
                // shutting down anyway
            }
        }));
        runner.onBuild((number, settings) -> settings.putList("node.roles", "cluster_manager", "data", "ingest"));
        runner.build(args);
        while (!runner.isClosed()) {
            Thread.sleep(5000);
        }
    }
}

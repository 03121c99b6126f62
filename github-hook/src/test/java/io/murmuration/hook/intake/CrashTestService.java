package io.murmuration.hook.intake;

import io.murmuration.hook.JobResult;
import io.murmuration.hook.queue.JobStore;
import io.murmuration.hook.queue.Worker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * The service as {@link CrashRecoveryTest} runs it in a separate JVM, to be killed: the real store,
 * server and worker, with a job that only appends {@code start <id>} and {@code end <id>} to a file
 * around a short sleep. Arguments: data dir, port file (written once listening), runs file, job
 * duration in ms. The webhook secret comes from the environment, as in production.
 */
public final class CrashTestService {
  public static void main(String[] args) throws Exception {
    Path dataDir = Path.of(args[0]);
    Path portFile = Path.of(args[1]);
    Path runs = Path.of(args[2]);
    long jobMillis = Long.parseLong(args[3]);

    JobStore store = JobStore.openH2(dataDir);
    store.recoverAfterCrash();
    Worker worker =
        Worker.start(
            store,
            job -> {
              append(runs, "start " + job.id());
              Thread.sleep(jobMillis);
              append(runs, "end " + job.id());
              return new JobResult("success", "ran " + job.id(), "", null);
            },
            Duration.ofMillis(200));
    WebhookServer server =
        WebhookServer.start(
            WebhookServer.Settings.of(
                new InetSocketAddress("127.0.0.1", 0),
                WebhookSecret.fromEnvironment(System.getenv())),
            store,
            dataDir.resolve("jobs"),
            worker::runningJob,
            worker::wake,
            worker::cancel);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.close();
                    worker.stop(Duration.ofSeconds(5));
                    store.close();
                  } catch (Exception e) {
                    e.printStackTrace();
                  }
                }));
    Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
    Files.writeString(tmp, Integer.toString(server.port()));
    Files.move(tmp, portFile, StandardCopyOption.ATOMIC_MOVE);
    Thread.currentThread().join();
  }

  private static synchronized void append(Path file, String line) throws IOException {
    Files.writeString(
        file,
        line + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }
}

package io.murmuration.engine;

import io.murmuration.httpload.HttpInterval;
import io.murmuration.httpload.HttpLoadPlan;
import io.murmuration.metrics.Metrics;
import io.murmuration.scenario.Counter;
import io.murmuration.scenario.Timer;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's HTTP load as a child JVM: Gatling playing an {@link HttpLoadPlan} (the {@code gatling}
 * module), started when the scenario says so and stopped with the run. It is a process of its own
 * because Gatling brings Netty 4.2, and the runner pins Netty 4.1.
 *
 * <p><b>Class path.</b> Never guessed: system property {@value
 * HttpLoadPlan#CLASSPATH_FILE_PROPERTY} names the file in which the build wrote the module's class
 * path ({@code gatling/target/gatling.classpath}); {@code ./murm} sets it, and so does surefire for
 * the scenarios' tests. Without it an HTTP load is refused before the run starts, with the fix in
 * one line.
 *
 * <p><b>Run folder.</b> Everything goes under {@code RUN/gatling/}: the plan ({@code
 * http-load.properties}), the child's console ({@code gatling.log}) and Gatling's HTML report
 * ({@code <simulation>-<time>/index.html}).
 *
 * <p><b>Into the run's metrics.</b> One thread reads the child's output: each {@link HttpInterval}
 * line is added to the run's {@link Metrics} as it comes, so the live view, the summary, the
 * report, InfluxDB, assertions and comparisons see the load with no plumbing of their own. Timer
 * {@code http_response} gets the response times (from each request's due time, on the child's
 * {@link System#nanoTime()}, which is this machine's monotonic clock too), the runner's {@code lag}
 * timer the requests' lateness, counters {@code http_requests} and {@code http_2xx} the counts,
 * errors {@code http-<status>}, {@code http-timeout}, {@code http-refused} and {@code http-failed}
 * the rest, and each 2xx is one message sent ({@link Metrics#messageSent}), so that {@code
 * messages.lost} is what the API accepted and no user received. Every other line goes to the log.
 *
 * <p><b>Life.</b> {@link #start} runs the child; its end (its standard output closes) is reported
 * with its exit status once every line is counted. {@link #stop} closes its standard input, which
 * asks it to stop sending and finish (report included); {@link #close} waits for that, then kills
 * it. The command is an argument list for {@link ProcessBuilder}, never a shell line, and the
 * basic-auth password goes into the child's environment only.
 */
final class HttpLoadProcess implements AutoCloseable {
  private static final String HTTP_RESPONSE = "http_response";
  private static final String HTTP_REQUESTS = "http_requests";
  private static final String HTTP_2XX = "http_2xx";

  /** How long {@link #close} waits for a stopping child to finish its report before killing it. */
  private static final Duration FINISH_GRACE = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(HttpLoadProcess.class);

  private final HttpLoadPlan plan;
  private final Path folder;
  private final String classpath;
  private final Metrics metrics;
  private final Timer response;
  private final Counter requests;
  private final Counter ok;
  private final Object lifecycle = new Object();

  /** The child, once started; guarded by {@link #lifecycle}. */
  private Process process;

  /** The thread that runs the child and reads its output; guarded by {@link #lifecycle}. */
  private Thread reader;

  /** Whether the run asked the load to stop; guarded by {@link #lifecycle}. */
  private boolean stopAsked;

  /** The last report line counted (the reader thread's alone). */
  private HttpInterval previous = new HttpInterval(0, 0, Map.of(), "-", "-");

  private HttpLoadProcess(HttpLoadPlan plan, Path folder, String classpath, Metrics metrics) {
    this.plan = plan;
    this.folder = folder;
    this.classpath = classpath;
    this.metrics = metrics;
    this.response =
        metrics.declare(
            new Timer(
                HTTP_RESPONSE,
                "HTTP send request: from its due time in the open schedule to its response"));
    this.requests =
        metrics.declare(new Counter(HTTP_REQUESTS, "HTTP send requests answered or failed"));
    this.ok = metrics.declare(new Counter(HTTP_2XX, "HTTP send requests answered 2xx"));
  }

  /**
   * The HTTP load of {@code plan}, its metrics declared on {@code metrics}; nothing runs yet.
   *
   * @param runDir the run folder; the child's files go into its {@code gatling/}
   * @throws IllegalArgumentException when the child's class path is unknown or unreadable
   */
  static HttpLoadProcess declare(HttpLoadPlan plan, Path runDir, Metrics metrics) {
    return new HttpLoadProcess(plan, runDir.resolve("gatling"), classpath(), metrics);
  }

  /** The child's class path, from the file {@value HttpLoadPlan#CLASSPATH_FILE_PROPERTY} names. */
  static String classpath() {
    String property = HttpLoadPlan.CLASSPATH_FILE_PROPERTY;
    String fix =
        ": run murm through ./murm, which builds the gatling module and sets it, or build it (mvn"
            + " package -pl gatling -am) and give -D"
            + property
            + "=gatling/target/gatling.classpath";
    String file = System.getProperty(property);
    if (file == null || file.isBlank()) {
      throw new IllegalArgumentException(
          "the HTTP load runs Gatling in a JVM of its own and its class path is unknown: system"
              + " property "
              + property
              + " is not set"
              + fix);
    }
    Path path = Path.of(file);
    String classpath = "";
    try {
      if (Files.isRegularFile(path) && Files.isReadable(path)) {
        classpath = Files.readString(path, StandardCharsets.UTF_8).strip();
      }
    } catch (IOException e) {
      LOG.debug("cannot read {}", path, e);
    }
    String first = classpath.split(java.io.File.pathSeparator, 2)[0];
    if (first.isEmpty() || !Files.isDirectory(Path.of(first))) {
      throw new IllegalArgumentException(
          "the HTTP load's class path file "
              + file
              + " ("
              + property
              + ") is missing, unreadable, or does not start with the gatling module's classes"
              + fix);
    }
    return classpath;
  }

  /**
   * Writes the plan and starts the child on a thread of its own; {@code ended} is called once, on
   * that thread, when the child is gone and all its lines are counted: with null when it finished
   * or stopped as asked, else with why it failed (one line, naming its log).
   */
  void start(Consumer<String> ended) {
    synchronized (lifecycle) {
      if (reader != null) {
        return;
      }
      reader = new Thread(() -> ended.accept(run()), "murm-http-load");
      reader.setDaemon(true);
      reader.start();
    }
  }

  private String run() {
    Path log = folder.resolve("gatling.log");
    try {
      Files.createDirectories(folder);
      Path planFile = folder.resolve("http-load.properties");
      plan.write(planFile);
      ProcessBuilder builder = new ProcessBuilder(command(planFile)).redirectErrorStream(true);
      if (plan.load().basicAuthPassword() != null) {
        builder.environment().put(HttpLoadPlan.PASSWORD_ENV, plan.load().basicAuthPassword());
      }
      Process child;
      synchronized (lifecycle) {
        if (stopAsked) {
          return null; // the run stopped before the load began
        }
        child = builder.start();
        process = child;
      }
      try (BufferedReader out =
              new BufferedReader(
                  new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
          BufferedWriter console = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          if (!count(line)) {
            console.write(line);
            console.newLine();
            console.flush();
          }
        }
      }
      int exit = child.waitFor();
      if (exit == 0 || stopAsked()) {
        return null;
      }
      return "the HTTP load (Gatling) ended with exit code " + exit + ": see " + log;
    } catch (IOException e) {
      return "the HTTP load (Gatling) could not run: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "the HTTP load (Gatling) was interrupted";
    }
  }

  /** The child's command line, as an argument list. */
  private List<String> command(Path planFile) {
    List<String> c = new ArrayList<>();
    c.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (Runtime.version().feature() >= 24) {
      c.add("--sun-misc-unsafe-memory-access=allow");
    }
    c.add("--add-opens=java.base/java.lang=ALL-UNNAMED"); // Gatling's fast string encoding
    c.add("--enable-native-access=ALL-UNNAMED"); // Netty's native transport
    c.add("-XX:+ExitOnOutOfMemoryError");
    // preferences in memory: Gatling neither asks the internet for its latest release nor writes
    // under the user's home
    c.add("-Djava.util.prefs.PreferencesFactory=io.murmuration.gatling.OfflinePreferences");
    c.add("-D" + HttpLoadPlan.FILE_PROPERTY + "=" + planFile.toAbsolutePath());
    c.add("-cp");
    c.add(classpath);
    c.add("io.gatling.app.Gatling");
    c.add("-s");
    c.add(HttpLoadPlan.SIMULATION);
    c.add("-rf");
    c.add(folder.toAbsolutePath().toString());
    c.add("-rd");
    c.add(plan.runId());
    return c;
  }

  /** Adds a report line to the run's metrics; false when {@code line} is not one. */
  private boolean count(String line) {
    HttpInterval now;
    try {
      now = HttpInterval.parse(line);
    } catch (IllegalArgumentException e) {
      LOG.warn("HTTP load: a report line the runner cannot read ({}): {}", e.getMessage(), line);
      return false;
    }
    if (now == null) {
      return false;
    }
    metrics.scenario().add(response, decode(now.response()));
    metrics.add(Metrics.Timer.LAG, decode(now.lag()));
    metrics.scenario().add(requests, Math.max(0, now.requests() - previous.requests()));
    long accepted = Math.max(0, now.ok() - previous.ok());
    metrics.scenario().add(ok, accepted);
    for (long i = 0; i < accepted; i++) {
      metrics.messageSent(1);
    }
    now.errors()
        .forEach(
            (kind, total) -> {
              for (long i = previous.errors().getOrDefault(kind, 0L); i < total; i++) {
                metrics.error(kind);
              }
            });
    previous = now;
    return true;
  }

  private static Histogram decode(String base64) {
    if (base64.equals("-")) {
      return new Histogram(Metrics.HIGHEST_NANOS, 3);
    }
    try {
      return Histogram.decodeFromCompressedByteBuffer(
          ByteBuffer.wrap(Base64.getDecoder().decode(base64)), Metrics.HIGHEST_NANOS);
    } catch (DataFormatException | RuntimeException e) {
      LOG.warn("HTTP load: a histogram the runner cannot decode: {}", e.toString());
      return new Histogram(Metrics.HIGHEST_NANOS, 3);
    }
  }

  /** Asks the child to stop sending and finish: closes its standard input. */
  void stop() {
    synchronized (lifecycle) {
      stopAsked = true;
      if (process != null) {
        try {
          process.getOutputStream().close();
        } catch (IOException e) {
          // the child is gone already: nothing to ask
        }
      }
    }
  }

  private boolean stopAsked() {
    synchronized (lifecycle) {
      return stopAsked;
    }
  }

  /**
   * Stops the child if it still runs and waits up to 30 s for it to finish (its report) and for its
   * last lines to be counted; kills it past that.
   */
  @Override
  public void close() {
    stop();
    Process p;
    Thread t;
    synchronized (lifecycle) {
      p = process;
      t = reader;
    }
    try {
      if (p != null && !p.waitFor(FINISH_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn(
            "HTTP load: Gatling did not finish within {}s; killing it", FINISH_GRACE.toSeconds());
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
      if (t != null) {
        t.join(TimeUnit.SECONDS.toMillis(10));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (p != null) {
        p.destroyForcibly();
      }
    }
  }
}

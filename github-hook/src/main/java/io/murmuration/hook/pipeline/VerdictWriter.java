package io.murmuration.hook.pipeline;

import io.murmuration.gate.VerdictEvent;
import io.murmuration.hook.Job;
import io.murmuration.results.InfluxHttp;
import io.murmuration.results.InfluxSettings;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the verdict events of a job's result ({@link io.murmuration.hook.JobResult#verdicts()}) to
 * the service's InfluxDB, in one request, for the dashboards' <em>Verdicts</em> annotations. A
 * failure (InfluxDB down, refusing the credentials, no database) is one WARN line, never the job's
 * end: the verdict is on GitHub already.
 */
public final class VerdictWriter {
  private static final Logger LOG = LoggerFactory.getLogger(VerdictWriter.class);

  private final InfluxHttp influx;

  public VerdictWriter(InfluxSettings influx) {
    this.influx = new InfluxHttp(influx);
  }

  /** Writes {@code verdicts} of {@code job}; never throws. */
  public void write(Job job, List<VerdictEvent> verdicts) {
    if (verdicts.isEmpty()) {
      return;
    }
    try {
      influx.write(String.join("\n", verdicts.stream().map(VerdictEvent::line).toList()));
    } catch (RuntimeException e) {
      LOG.warn(
          "verdict events of job {} not written: {}",
          job.id(),
          e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }
}

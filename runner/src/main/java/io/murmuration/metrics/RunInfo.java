package io.murmuration.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a run is, as it appears in the header of {@code summary.json} and {@code report.html}.
 *
 * @param runId the run id, also stamped into every timed message
 * @param scenario the scenario name
 * @param params the resolved scenario parameters in declaration order, values as text
 * @param target the server(s) under test, e.g. {@code "127.0.0.1:5222, 127.0.0.1:5223"}
 * @param transport the XMPP transport used by the runner, e.g. {@code "smack-tcp"}
 * @param startedAt wall-clock start of the run; elapsed times in the series and the histogram log
 *     count from here
 * @param warmUp how long after the start the TTD and lag samples are left out of the run's totals
 *     (JIT compilation, connection set-up); {@link Duration#ZERO} keeps them all
 */
public record RunInfo(
    String runId,
    String scenario,
    Map<String, String> params,
    String target,
    String transport,
    Instant startedAt,
    Duration warmUp) {

  public RunInfo {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(scenario, "scenario");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(warmUp, "warmUp");
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params == null ? Map.of() : params));
  }
}

package io.murmuration.httpload;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What the HTTP load's child reports about one interval, as one line on its standard output:
 *
 * <pre>
 * murm-http requests=120 ok=118 errors=http-404:2,http-timeout:1 response=HIST lag=HIST
 * </pre>
 *
 * <p>Counters are totals since the load began, so a line that goes astray loses nothing; the timers
 * are the interval's HdrHistograms (nanoseconds, 3 significant digits, up to one hour: the runner's
 * settings, so they merge exactly), each in HdrHistogram's compressed encoding in base64, or {@code
 * -} when the interval has no sample. This class only carries the text; the child encodes and the
 * runner decodes the histograms.
 *
 * @param requests requests answered or failed
 * @param ok of them, answered with a 2xx status
 * @param errors the others by error kind ({@code http-<status>}, {@code http-timeout}, {@code
 *     http-refused}, {@code http-failed})
 * @param response the interval's response times, from each request's due time to its response
 * @param lag the interval's lateness of requests: when each went out minus when it was due
 */
public record HttpInterval(
    long requests, long ok, Map<String, Long> errors, String response, String lag) {

  /** How a report line starts; the child's other output does not. */
  public static final String PREFIX = "murm-http ";

  private static final Pattern KIND = Pattern.compile("http-[a-z0-9-]{1,40}");
  private static final Pattern HISTOGRAM = Pattern.compile("-|[A-Za-z0-9+/]+={0,2}");

  /**
   * @throws IllegalArgumentException when a count is negative, an error kind is not {@code http-…}
   *     in lower case, or a histogram is not base64
   */
  public HttpInterval {
    errors = Collections.unmodifiableMap(new TreeMap<>(errors));
    if (requests < 0 || ok < 0 || errors.values().stream().anyMatch(n -> n < 0)) {
      throw new IllegalArgumentException("negative count");
    }
    errors.keySet().forEach(HttpInterval::checkKind);
    if (!HISTOGRAM.matcher(response).matches() || !HISTOGRAM.matcher(lag).matches()) {
      throw new IllegalArgumentException("a histogram that is not base64");
    }
  }

  private static void checkKind(String kind) {
    if (!KIND.matcher(kind).matches()) {
      throw new IllegalArgumentException("error kind '" + kind + "' is not http-<lower case>");
    }
  }

  /** This interval as one report line, without line break. */
  public String line() {
    StringBuilder out = new StringBuilder(PREFIX);
    out.append("requests=").append(requests).append(" ok=").append(ok).append(" errors=");
    if (errors.isEmpty()) {
      out.append('-');
    } else {
      String sep = "";
      for (Map.Entry<String, Long> e : errors.entrySet()) {
        out.append(sep).append(e.getKey()).append(':').append(e.getValue());
        sep = ",";
      }
    }
    return out.append(" response=").append(response).append(" lag=").append(lag).toString();
  }

  /**
   * The interval a report line holds, or null when {@code line} is not one (it does not start with
   * {@link #PREFIX}).
   *
   * @throws IllegalArgumentException when it starts like one and is malformed
   */
  public static HttpInterval parse(String line) {
    if (!line.startsWith(PREFIX)) {
      return null;
    }
    Map<String, String> fields = new TreeMap<>();
    for (String field : line.substring(PREFIX.length()).trim().split(" +")) {
      int eq = field.indexOf('=');
      if (eq <= 0 || fields.put(field.substring(0, eq), field.substring(eq + 1)) != null) {
        throw new IllegalArgumentException("malformed report field '" + field + "'");
      }
    }
    if (!fields.keySet().equals(java.util.Set.of("requests", "ok", "errors", "response", "lag"))) {
      throw new IllegalArgumentException("report fields " + fields.keySet());
    }
    Map<String, Long> errors = new TreeMap<>();
    String errorField = fields.get("errors");
    if (!errorField.equals("-")) {
      for (String entry : errorField.split(",")) {
        int colon = entry.lastIndexOf(':');
        if (colon <= 0) {
          throw new IllegalArgumentException("malformed error count '" + entry + "'");
        }
        errors.put(entry.substring(0, colon), number(entry.substring(colon + 1)));
      }
    }
    return new HttpInterval(
        number(fields.get("requests")),
        number(fields.get("ok")),
        errors,
        fields.get("response"),
        fields.get("lag"));
  }

  private static long number(String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not a count");
    }
  }
}

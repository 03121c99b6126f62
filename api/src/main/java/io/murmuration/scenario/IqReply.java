package io.murmuration.scenario;

/**
 * How an IQ request of {@link User#iq} ended.
 *
 * @param response the response stanza, of type {@code result} or {@code error}; null when none came
 *     within the time-out
 * @param roundTripNanos from the request's intended send time to the response's arrival (or to the
 *     time-out)
 */
public record IqReply(Stanza response, long roundTripNanos) {

  /** A response of type {@code result}. */
  public boolean ok() {
    return response != null && "result".equals(response.type());
  }

  /** No response within the time-out. */
  public boolean timedOut() {
    return response == null;
  }

  /**
   * Why it failed: {@code timeout}, or the error condition of an error response ({@code
   * item-not-found}, …); null when it succeeded.
   */
  public String error() {
    if (response == null) {
      return "timeout";
    }
    if (!"error".equals(response.type())) {
      return null;
    }
    String condition = response.errorCondition();
    return condition == null ? "undefined-condition" : condition;
  }
}

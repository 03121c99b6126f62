package io.murmuration.scenario;

/**
 * A message as it arrived.
 *
 * @param from the sender's full JID
 * @param body the body text
 * @param stamp the sender's {@link TtdStamp} (its element, else its text form in the body), or
 *     {@code null} when the message carries none
 * @param delayed true when the server marked it delivered late (XEP-0203 {@code <delay/>}, e.g.
 *     offline storage): such messages never count towards time-to-delivery
 * @param receivedAtNanos {@link System#nanoTime()} when its bytes were read
 */
public record Incoming(
    String from, String body, TtdStamp stamp, boolean delayed, long receivedAtNanos) {}

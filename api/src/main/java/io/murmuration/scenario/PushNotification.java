package io.murmuration.scenario;

import java.util.Map;

/**
 * One push notification (XEP-0357) the server published to the run's push app server ({@link
 * RunSetup#pushAppServer}): the PubSub node the user named when it enabled push, the fields of its
 * {@code urn:xmpp:push:summary} form, and when it arrived.
 *
 * <p>Which fields come depends on the server: ejabberd 23.01 sends {@code last-message-body} (the
 * message text, or a fixed text such as {@code New message}) and {@code last-message-sender} only
 * for a message with a body and only when its {@code mod_push} is told to ({@code include_body},
 * {@code include_sender}); with neither, and for anything but a message, the notification has no
 * form at all. It never sends {@code message-count}.
 *
 * @param node the node of the {@code <publish/>}: the {@code node} of the user's {@code <enable/>}
 * @param fields the summary form's fields by name ({@code FORM_TYPE} left out; a field given twice
 *     keeps its first value); empty when the notification carries no form
 * @param receivedAtNanos when the notification was read off the socket ({@link System#nanoTime()}
 *     scale, the clock of {@link User#intendedNanos()} in this process)
 */
public record PushNotification(String node, Map<String, String> fields, long receivedAtNanos) {
  /** The summary field with the message text. */
  public static final String BODY = "last-message-body";

  /** The summary field with the sender's JID. */
  public static final String SENDER = "last-message-sender";

  public PushNotification {
    fields = Map.copyOf(fields);
  }

  /** The {@code last-message-body} field, or null when the notification has none. */
  public String body() {
    return fields.get(BODY);
  }

  /** The {@code last-message-sender} field, or null when the notification has none. */
  public String sender() {
    return fields.get(SENDER);
  }
}

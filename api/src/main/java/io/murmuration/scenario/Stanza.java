package io.murmuration.scenario;

/**
 * A stanza handed to scenario code: its element name, the usual attributes and its XML.
 *
 * @param kind {@code message}, {@code presence} or {@code iq}
 * @param type the {@code type} attribute, or {@code null}
 */
public record Stanza(String kind, String type, String id, String from, String to, String xml) {}

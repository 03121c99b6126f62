package io.murmuration.scenario;

import java.util.List;

/**
 * A received XML element, read-only: its name, namespace, attributes, child elements and text. A
 * {@link Stanza}'s {@link Stanza#element()} is one, so scenarios read what arrived without parsing
 * XML strings:
 *
 * <pre>{@code
 * Element items = stanza.element().child("event").child("items");
 * String node = items.attribute("node");
 * }</pre>
 *
 * <p>Lookups that find nothing return {@code null} (attributes, {@link #child}) or an empty list,
 * never throw; {@link #path} follows several names at once.
 */
public interface Element {

  /** The local name: {@code message}, {@code query}, … */
  String name();

  /** The namespace URI; {@code jabber:client} for stanzas of a client stream. */
  String namespace();

  /**
   * The value of the attribute with this name (no namespace; {@code xml:lang} as written), or null.
   */
  String attribute(String name);

  /** The first child element with this local name, in any namespace, or null. */
  Element child(String name);

  /** The first child element with this local name and namespace, or null. */
  Element child(String name, String namespace);

  /** The child elements, in document order. */
  List<Element> children();

  /** The text directly inside this element (not inside its children); {@code ""} when none. */
  String text();

  /** This element written back as XML, declaring its namespace. */
  String xml();

  /**
   * The element reached by following child names from here ({@code path("event", "items",
   * "item")}), each the first child of that local name, or null when one is missing.
   */
  default Element path(String... names) {
    Element at = this;
    for (String name : names) {
      at = at.child(name);
      if (at == null) {
        return null;
      }
    }
    return at;
  }

  /** The child elements with this local name, in any namespace, in document order. */
  default List<Element> children(String name) {
    return children().stream().filter(c -> c.name().equals(name)).toList();
  }

  /**
   * The first element named {@code name} in {@code namespace} at any depth below this one (depth
   * first, in document order), or null.
   */
  default Element find(String name, String namespace) {
    for (Element child : children()) {
      if (child.name().equals(name) && child.namespace().equals(namespace)) {
        return child;
      }
      Element below = child.find(name, namespace);
      if (below != null) {
        return below;
      }
    }
    return null;
  }
}

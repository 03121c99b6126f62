package io.murmuration.xmpp.lean;

import io.murmuration.scenario.Element;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed XML element: its local name, namespace, attributes and content (child elements and text,
 * in document order). Small and mutable while {@link StreamParser} builds it, then only read.
 *
 * <p>{@link #xml()} writes it back as XML that means the same as what arrived: every element whose
 * namespace differs from its parent's declares it as the default namespace ({@code xmlns='…'}), so
 * prefixes of the original are not kept, except {@code xml:} on attributes (e.g. {@code xml:lang}).
 * The result is the same however the bytes were split when they arrived.
 *
 * <p>Not thread-safe; an element is built and read on one connection's event loop, and may be
 * handed to another thread once complete.
 */
public final class XmlElement implements Element {
  private static final String XML_NS = "http://www.w3.org/XML/1998/namespace";

  final String name;
  final String namespace;

  /** Alternating attribute names and values; a name in the {@code xml:} namespace keeps it. */
  private final List<String> attributes = new ArrayList<>(4);

  /** Child {@link XmlElement}s and text {@link String}s. */
  private final List<Object> content = new ArrayList<>(2);

  XmlElement(String name, String namespace) {
    this.name = name;
    this.namespace = namespace == null ? "" : namespace;
  }

  void addAttribute(String attributeNamespace, String localName, String value) {
    attributes.add(XML_NS.equals(attributeNamespace) ? "xml:" + localName : localName);
    attributes.add(value);
  }

  void addChild(XmlElement child) {
    content.add(child);
  }

  void addText(String text) {
    int last = content.size() - 1;
    if (last >= 0 && content.get(last) instanceof String previous) {
      content.set(last, previous + text);
    } else {
      content.add(text);
    }
  }

  /**
   * Parses a string holding exactly one element (a stanza as another XMPP library wrote it).
   *
   * @throws IllegalArgumentException when it is not one well-formed element
   */
  public static XmlElement parse(String xml) {
    return StreamParser.parseElement(xml);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String namespace() {
    return namespace;
  }

  @Override
  public String attribute(String name) {
    for (int i = 0; i < attributes.size(); i += 2) {
      if (attributes.get(i).equals(name)) {
        return attributes.get(i + 1);
      }
    }
    return null;
  }

  @Override
  public XmlElement child(String name, String namespace) {
    for (Object item : content) {
      if (item instanceof XmlElement element
          && element.name.equals(name)
          && element.namespace.equals(namespace)) {
        return element;
      }
    }
    return null;
  }

  @Override
  public XmlElement child(String name) {
    for (Object item : content) {
      if (item instanceof XmlElement element && element.name.equals(name)) {
        return element;
      }
    }
    return null;
  }

  @Override
  public List<Element> children() {
    return List.copyOf(elements());
  }

  /** The child elements, in order, as this package reads them. */
  List<XmlElement> elements() {
    List<XmlElement> children = new ArrayList<>(content.size());
    for (Object item : content) {
      if (item instanceof XmlElement element) {
        children.add(element);
      }
    }
    return children;
  }

  @Override
  public String text() {
    StringBuilder text = new StringBuilder();
    for (Object item : content) {
      if (item instanceof String s) {
        text.append(s);
      }
    }
    return text.toString();
  }

  /** True when this element is named {@code name} in {@code namespace}. */
  boolean is(String name, String namespace) {
    return this.name.equals(name) && this.namespace.equals(namespace);
  }

  @Override
  public String xml() {
    StringBuilder xml = new StringBuilder(256);
    write(xml, null);
    return xml.toString();
  }

  private void write(StringBuilder xml, String parentNamespace) {
    xml.append('<').append(name);
    boolean inherited =
        parentNamespace == null ? namespace.isEmpty() : namespace.equals(parentNamespace);
    if (!inherited) { // a root without namespace takes the stream's, jabber:client
      xml.append(" xmlns='");
      Xml.escapeAttribute(xml, namespace);
      xml.append('\'');
    }
    for (int i = 0; i < attributes.size(); i += 2) {
      xml.append(' ').append(attributes.get(i)).append("='");
      Xml.escapeAttribute(xml, attributes.get(i + 1));
      xml.append('\'');
    }
    if (content.isEmpty()) {
      xml.append("/>");
      return;
    }
    xml.append('>');
    for (Object item : content) {
      if (item instanceof XmlElement child) {
        child.write(xml, namespace);
      } else {
        Xml.escapeText(xml, (String) item);
      }
    }
    xml.append("</").append(name).append('>');
  }

  @Override
  public String toString() {
    return xml();
  }
}

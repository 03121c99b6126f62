package io.murmuration.xmpp.lean;

import io.murmuration.scenario.Element;
import java.util.ArrayList;
import java.util.Arrays;
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

  private static final String[] NO_ATTRIBUTES = {};
  private static final Object[] NO_CONTENT = {};

  /**
   * Alternating attribute names and values, {@link #attributeCount} pairs; a name in the {@code
   * xml:} namespace keeps it. Arrays sized as parsed: a received stanza is allocated once, and
   * small.
   */
  private String[] attributes;

  private int attributeCount;

  /** Child {@link XmlElement}s and text {@link String}s, {@link #contentCount} of them. */
  private Object[] content = NO_CONTENT;

  private int contentCount;

  /** An element with room for {@code attributes} attributes. */
  XmlElement(String name, String namespace, int attributes) {
    this.name = name;
    this.namespace = namespace == null ? "" : namespace;
    this.attributes = attributes == 0 ? NO_ATTRIBUTES : new String[2 * attributes];
  }

  void addAttribute(String attributeNamespace, String localName, String value) {
    if (2 * attributeCount == attributes.length) {
      attributes = Arrays.copyOf(attributes, Math.max(4, 2 * attributes.length));
    }
    attributes[2 * attributeCount] =
        !XML_NS.equals(attributeNamespace)
            ? localName
            : localName.equals("lang") ? "xml:lang" : "xml:" + localName;
    attributes[2 * attributeCount + 1] = value;
    attributeCount++;
  }

  void addChild(XmlElement child) {
    add(child);
  }

  void addText(String text) {
    if (contentCount > 0 && content[contentCount - 1] instanceof String previous) {
      content[contentCount - 1] = previous + text;
    } else {
      add(text);
    }
  }

  private void add(Object item) {
    if (contentCount == content.length) {
      content = Arrays.copyOf(content, Math.max(2, 2 * content.length));
    }
    content[contentCount++] = item;
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
    for (int i = 0; i < 2 * attributeCount; i += 2) {
      if (attributes[i].equals(name)) {
        return attributes[i + 1];
      }
    }
    return null;
  }

  @Override
  public XmlElement child(String name, String namespace) {
    for (int i = 0; i < contentCount; i++) {
      if (content[i] instanceof XmlElement element
          && element.name.equals(name)
          && element.namespace.equals(namespace)) {
        return element;
      }
    }
    return null;
  }

  @Override
  public XmlElement child(String name) {
    for (int i = 0; i < contentCount; i++) {
      if (content[i] instanceof XmlElement element && element.name.equals(name)) {
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
    List<XmlElement> children = new ArrayList<>(contentCount);
    for (int i = 0; i < contentCount; i++) {
      if (content[i] instanceof XmlElement element) {
        children.add(element);
      }
    }
    return children;
  }

  @Override
  public String text() {
    String only = null;
    StringBuilder text = null;
    for (int i = 0; i < contentCount; i++) {
      if (content[i] instanceof String s) {
        if (only == null) {
          only = s;
        } else {
          if (text == null) {
            text = new StringBuilder(only);
          }
          text.append(s);
        }
      }
    }
    return text != null ? text.toString() : only == null ? "" : only;
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
    for (int i = 0; i < 2 * attributeCount; i += 2) {
      xml.append(' ').append(attributes[i]).append("='");
      Xml.escapeAttribute(xml, attributes[i + 1]);
      xml.append('\'');
    }
    if (contentCount == 0) {
      xml.append("/>");
      return;
    }
    xml.append('>');
    for (int i = 0; i < contentCount; i++) {
      if (content[i] instanceof XmlElement child) {
        child.write(xml, namespace);
      } else {
        Xml.escapeText(xml, (String) content[i]);
      }
    }
    xml.append("</").append(name).append('>');
  }

  @Override
  public String toString() {
    return xml();
  }
}

package io.murmuration.xmpp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * What every client of a run says it is and supports: the one place that builds the service
 * discovery answer (XEP-0030 disco#info) and the entity capabilities element (XEP-0115) that
 * announces it in presence. Both clients use it, so the {@code ver} a client announces always
 * matches the features it answers with.
 *
 * <p>The identity is {@code client/pc} named {@code Murmuration}; the features are the ones the
 * clients always handle ({@code disco#info}, {@code urn:xmpp:ping}) plus those the scenario
 * declared with {@link io.murmuration.scenario.RunSetup#advertise}, such as {@code
 * urn:xmpp:…+notify} for PEP (XEP-0163). Every user of a run shares one instance and so one {@code
 * ver}: a server that verifies capabilities (ejabberd's mod_caps) asks one user per {@code ver} and
 * caches the answer for the others.
 *
 * <p>Immutable and thread-safe.
 */
public final class Capabilities {
  /** The entity capabilities namespace (XEP-0115). */
  public static final String CAPS = "http://jabber.org/protocol/caps";

  /** The namespace of service discovery information (XEP-0030). */
  public static final String DISCO_INFO = "http://jabber.org/protocol/disco#info";

  /** The {@code node} of the caps element: names the software, as XEP-0115 asks. */
  public static final String NODE = "https://github.com/murmuration/murmuration";

  private static final Identity IDENTITY = new Identity("client", "pc", "", "Murmuration");

  /** Features every client answers for, with no scenario declaring any. */
  public static final Capabilities BASE = new Capabilities(List.of());

  private final List<String> features; // sorted, without duplicates
  private final boolean declared;
  private final String ver;

  /**
   * An identity of XEP-0030: {@code category/type}, with an optional {@code xml:lang} and name
   * (empty when absent).
   */
  public record Identity(String category, String type, String lang, String name) {}

  private Capabilities(Collection<String> declared) {
    TreeSet<String> all = new TreeSet<>(declared);
    all.add(DISCO_INFO);
    all.add("urn:xmpp:ping");
    this.features = List.copyOf(all);
    this.declared = !declared.isEmpty();
    this.ver = ver(List.of(IDENTITY), features);
  }

  /**
   * The base features plus {@code declared}.
   *
   * @throws IllegalArgumentException when a feature is blank or holds a character that would need
   *     escaping in XML ({@code < > & ' "})
   */
  public static Capabilities with(Collection<String> declared) {
    for (String feature : declared) {
      if (feature.isBlank() || feature.chars().anyMatch(c -> "<>&'\"".indexOf(c) >= 0)) {
        throw new IllegalArgumentException("not a disco feature: '" + feature + "'");
      }
    }
    return declared.isEmpty() ? BASE : new Capabilities(declared);
  }

  /** Every feature answered, sorted. */
  public List<String> features() {
    return features;
  }

  /** The XEP-0115 verification hash of this identity and these features. */
  public String ver() {
    return ver;
  }

  /**
   * The {@code <c/>} element to put in presence, or an empty string when the scenario declared no
   * feature (presence then stays as small as before: nobody needs to ask).
   */
  public String capsElement() {
    return declared
        ? "<c xmlns='" + CAPS + "' hash='sha-1' node='" + NODE + "' ver='" + ver + "'/>"
        : "";
  }

  /**
   * The {@code <query/>} of a disco#info result. {@code node}, when not null, is echoed: XEP-0115
   * asks with {@code node='NODE#ver'}, and the answer is the same for every node.
   *
   * @param escapedNode the query's {@code node} attribute, escaped for an attribute, or null
   */
  public String discoInfo(String escapedNode) {
    StringBuilder xml = new StringBuilder(160 + 60 * features.size());
    xml.append("<query xmlns='").append(DISCO_INFO).append('\'');
    if (escapedNode != null) {
      xml.append(" node='").append(escapedNode).append('\'');
    }
    xml.append("><identity category='")
        .append(IDENTITY.category())
        .append("' type='")
        .append(IDENTITY.type())
        .append("' name='")
        .append(IDENTITY.name())
        .append("'/>");
    for (String feature : features) {
      xml.append("<feature var='").append(feature).append("'/>");
    }
    return xml.append("</query>").toString();
  }

  /**
   * The verification string of XEP-0115 §5.1 (identities sorted, each {@code
   * category/type/lang/name<}, then features sorted, each {@code var<}), hashed with SHA-1 and
   * encoded in Base64. Forms (XEP-0128 extensions) are not covered: these clients have none.
   */
  public static String ver(List<Identity> identities, List<String> features) {
    StringBuilder s = new StringBuilder();
    identities.stream()
        .map(i -> i.category() + "/" + i.type() + "/" + i.lang() + "/" + i.name() + "<")
        .sorted()
        .forEach(s::append);
    new TreeSet<>(features).forEach(f -> s.append(f).append('<'));
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-1").digest(s.toString().getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-1", e);
    }
  }

  @Override
  public String toString() {
    return "Capabilities" + features + " ver=" + ver;
  }
}

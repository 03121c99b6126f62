package io.murmuration.testing;

import io.murmuration.sut.LocalEjabberd;
import io.murmuration.sut.LocalProsody;
import io.murmuration.sut.LocalServer;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests real XMPP servers on loopback: one {@link LocalEjabberd} and, when asked for, one
 * {@link LocalProsody}, each started on first use and shared by every test class of the JVM. They
 * live in the root {@link ExtensionContext.Store}, which closes them when the test run ends, passed
 * or failed; a JVM shutdown hook stops them on Ctrl-C.
 *
 * <pre>{@code
 * @ExtendWith(LocalServersExtension.class)
 * class SomethingTest {
 *   @Test
 *   void works(LocalEjabberd ejabberd) {
 *     int first = LocalServersExtension.freshUserIds(2);
 *     ejabberd.registerUsers(accounts, first, 2);
 *     ...
 *   }
 * }
 * }</pre>
 *
 * <p>The shared ejabberd has the defaults of {@code LocalServer.Options}: push notifications with
 * the message's text ({@link LocalEjabberd#pushBody()}) and a component listener for a push app
 * server ({@link LocalEjabberd#component()}: address, domain, secret file).
 *
 * <p>Because the servers are shared, each test takes its users from {@link #freshUserIds}: offline
 * messages or sessions left by one test then never reach another. A test that kills or reconfigures
 * a server starts its own ({@code LocalEjabberd.start(...)} in try-with-resources).
 *
 * <p>Other modules use it through the runner's test-jar ({@code murmuration-runner}, type {@code
 * test-jar}, scope test).
 */
public final class LocalServersExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(LocalServersExtension.class);
  private static final AtomicInteger NEXT_USER_ID = new AtomicInteger(1);

  /** The shared ejabberd, started on first use. */
  public static LocalEjabberd ejabberd(ExtensionContext context) {
    return shared(context, LocalEjabberd.class);
  }

  /** The shared Prosody, started on first use. */
  public static LocalProsody prosody(ExtensionContext context) {
    return shared(context, LocalProsody.class);
  }

  /** The first of {@code count} user ids that no other test of this JVM uses. */
  public static int freshUserIds(int count) {
    return NEXT_USER_ID.getAndAdd(count);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == LocalEjabberd.class || type == LocalProsody.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return shared(context, parameter.getParameter().getType().asSubclass(LocalServer.class));
  }

  private static <S extends LocalServer> S shared(ExtensionContext context, Class<S> type) {
    // JUnit 5.13+ closes AutoCloseable values of a store when its context closes (for the root
    // store: at the end of the run); ExtensionContext.Store.CloseableResource is deprecated for
    // that.
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(type, LocalServersExtension::start, type);
  }

  private static <S extends LocalServer> S start(Class<S> type) {
    LocalServer.Options options = LocalServer.Options.defaults();
    LocalServer server =
        type == LocalEjabberd.class ? LocalEjabberd.start(options) : LocalProsody.start(options);
    return type.cast(server);
  }
}

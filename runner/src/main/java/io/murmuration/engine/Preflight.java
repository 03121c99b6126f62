package io.murmuration.engine;

import io.murmuration.accounts.Accounts;
import io.murmuration.xmpp.Account;
import io.murmuration.xmpp.XmppClient;
import io.murmuration.xmpp.XmppException;
import io.murmuration.xmpp.XmppSettings;
import io.murmuration.xmpp.XmppTransport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Checks, before any user starts, that the run can work: every source address can be bound, every
 * endpoint accepts TCP connections, and the first user can log in (registering first when accounts
 * are registered in-band; not when the scenario registers its users itself). Each failure is one
 * line that names the problem and the fix.
 */
public final class Preflight {
  private Preflight() {}

  /**
   * @throws IllegalStateException with the one-line explanation
   */
  public static void check(
      XmppSettings xmpp, XmppTransport transport, Accounts accounts, int firstUserId) {
    for (InetAddress source : xmpp.sourceAddresses()) {
      try (Socket s = new Socket()) {
        s.bind(new InetSocketAddress(source, 0));
      } catch (IOException e) {
        throw new IllegalStateException(
            "cannot bind source address "
                + source.getHostAddress()
                + " ("
                + e.getMessage()
                + "): give --source-ips addresses of this machine, e.g. 127.0.0.1-127.0.0.4");
      }
    }
    for (InetSocketAddress endpoint : xmpp.endpoints()) {
      try (Socket s = new Socket()) {
        s.connect(endpoint, (int) xmpp.connectTimeout().toMillis());
      } catch (IOException e) {
        throw new IllegalStateException(
            "cannot reach the XMPP server at "
                + show(endpoint)
                + " ("
                + e.getMessage()
                + "): start the server or fix --target");
      }
    }
    if (accounts.mode() == Accounts.Mode.SCENARIO) {
      return; // no account exists before the scenario registers it
    }
    Account account = accounts.forUser(firstUserId);
    XmppClient probe = transport.open(account, XmppClient.Listener.IGNORE);
    String jid = xmpp.jid(account.username());
    try {
      if (accounts.mode() == Accounts.Mode.REGISTER) {
        await(probe.register(), xmpp);
      }
      await(probe.connect(), xmpp);
      await(probe.disconnect(), xmpp);
    } catch (XmppException e) {
      throw new IllegalStateException(explain(e, jid, xmpp, accounts), e);
    }
  }

  private static String explain(XmppException e, String jid, XmppSettings xmpp, Accounts accounts) {
    String at = show(xmpp.endpointFor(0));
    return switch (e.kind()) {
      case "auth" ->
          "login refused for "
              + jid
              + " ("
              + e.getMessage()
              + "): "
              + (accounts.mode() == Accounts.Mode.EXISTING
                  ? "check --username/--password patterns, or create the accounts with --accounts register or http-api"
                  : "check --password pattern and --sasl");
      case "register" ->
          "in-band registration of "
              + jid
              + " refused ("
              + e.getMessage()
              + "): enable mod_register for this client, or use --accounts http-api or existing";
      case "tls" ->
          "STARTTLS with "
              + at
              + " failed ("
              + e.getMessage()
              + "): use --tls-verify=false for a self-signed certificate, or --tls disabled";
      case "stream-error" ->
          "the server at "
              + at
              + " closed the stream ("
              + e.getMessage()
              + "): check --domain (now "
              + xmpp.domain()
              + ")";
      case "connect" ->
          "cannot connect to the XMPP server at " + at + " (" + e.getMessage() + "): fix --target";
      default -> "the first login (" + jid + ") failed: " + e.getMessage();
    };
  }

  private static <T> T await(CompletionStage<T> stage, XmppSettings xmpp) {
    try {
      return stage
          .toCompletableFuture()
          .get(xmpp.connectTimeout().toMillis() * 3, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof XmppException x) {
        throw x;
      }
      throw new XmppException("internal", String.valueOf(cause), cause);
    } catch (TimeoutException e) {
      throw new XmppException(
          "connect", "no answer within " + xmpp.connectTimeout().toSeconds() * 3 + "s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new XmppException("connect", "interrupted");
    }
  }

  private static String show(InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }
}

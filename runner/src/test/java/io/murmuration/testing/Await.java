package io.murmuration.testing;

import io.murmuration.xmpp.XmppException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits on the stages an {@code XmppClient} returns, for tests. */
public final class Await {
  private static final Duration DEFAULT = Duration.ofSeconds(15);

  private Await() {}

  /** The stage's value; fails the test when it fails or takes longer than 15 s. */
  public static <T> T done(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(DEFAULT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("not done within " + DEFAULT.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** The {@link XmppException} the stage failed with; fails the test otherwise. */
  public static XmppException failure(CompletionStage<?> stage) {
    try {
      Object value = stage.toCompletableFuture().get(DEFAULT.toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError("expected a failure, got " + value);
    } catch (ExecutionException | CompletionException e) {
      if (e.getCause() instanceof XmppException xmpp) {
        return xmpp;
      }
      throw new AssertionError(
          "failed with " + e.getCause() + ", not an XmppException", e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("not done within " + DEFAULT.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}

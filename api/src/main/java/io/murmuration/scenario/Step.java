package io.murmuration.scenario;

/**
 * One step of a user's flow ({@link User#flow}): does its work and calls {@code next} when the flow
 * may go on. Every {@link User} operation that takes a {@code Runnable then} is a step as it is:
 * {@code user::connect}, {@code user::sendPresence}.
 */
@FunctionalInterface
public interface Step {
  void run(Runnable next);
}

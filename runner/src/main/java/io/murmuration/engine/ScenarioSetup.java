package io.murmuration.engine;

import io.murmuration.metrics.ScenarioMetrics;
import io.murmuration.scenario.Counter;
import io.murmuration.scenario.Param;
import io.murmuration.scenario.RunSetup;
import io.murmuration.scenario.Timer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a scenario's {@code init} and {@code terminate} see of their run: its parameters and size,
 * and the throttles and metrics {@code init} declares (metrics go straight to the run's {@link
 * ScenarioMetrics}).
 */
final class ScenarioSetup implements RunSetup {
  private final RunPlan plan;
  private final Map<String, Double> throttles = new LinkedHashMap<>();

  ScenarioSetup(RunPlan plan) {
    this.plan = plan;
  }

  @Override
  public <T> T param(Param<T> param) {
    return plan.params().get(param);
  }

  @Override
  public int users() {
    return plan.load().users();
  }

  @Override
  public void throttle(String name, double perSecond) {
    if (perSecond < 0) {
      throw new IllegalArgumentException(
          "throttle " + name + ": rate must be 0 (no limit) or more");
    }
    throttles.put(name, perSecond);
  }

  @Override
  public Timer timer(String name, String description) {
    return plan.metrics().declare(new Timer(name, description));
  }

  @Override
  public Counter counter(String name, String description) {
    return plan.metrics().declare(new Counter(name, description));
  }

  /** The throttles declared, by name, with their rates. */
  Map<String, Double> throttles() {
    return Collections.unmodifiableMap(throttles);
  }
}

package io.murmuration.engine;

import io.murmuration.metrics.ScenarioMetrics;
import io.murmuration.scenario.Counter;
import io.murmuration.scenario.Param;
import io.murmuration.scenario.RunSetup;
import io.murmuration.scenario.Timer;
import io.murmuration.xmpp.Capabilities;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a scenario's {@code init} and {@code terminate} see of their run: its parameters and size,
 * and the throttles, metrics and disco features {@code init} declares (metrics go straight to the
 * run's {@link ScenarioMetrics}).
 */
final class ScenarioSetup implements RunSetup {
  private final RunPlan plan;
  private final Map<String, Double> throttles = new LinkedHashMap<>();
  private final Set<String> advertised = new LinkedHashSet<>();

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
  public void advertise(String feature) {
    Capabilities.with(List.of(feature)); // checks it
    advertised.add(feature);
  }

  @Override
  public Timer timer(String name, String description) {
    return plan.metrics().declare(new Timer(name, description));
  }

  @Override
  public Counter counter(String name, String description) {
    return plan.metrics().declare(new Counter(name, description));
  }

  /** What users announce in presence and answer to disco#info: the base and declared features. */
  Capabilities capabilities() {
    return Capabilities.with(advertised);
  }

  /** The throttles declared, by name, with their rates. */
  Map<String, Double> throttles() {
    return Collections.unmodifiableMap(throttles);
  }
}

package io.murmuration.scenario;

import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** The scenarios on the class path, found through {@link ServiceLoader}. */
public final class ScenarioCatalog {
  private final List<Scenario> scenarios;

  private ScenarioCatalog(List<Scenario> scenarios) {
    this.scenarios = scenarios;
  }

  public static ScenarioCatalog load() {
    return new ScenarioCatalog(
        ServiceLoader.load(Scenario.class).stream()
            .map(ServiceLoader.Provider::get)
            .sorted(Comparator.comparing(Scenario::name))
            .toList());
  }

  public List<Scenario> all() {
    return scenarios;
  }

  /**
   * The scenario called {@code name}.
   *
   * @throws IllegalArgumentException naming the known scenarios
   */
  public Scenario find(String name) {
    return scenarios.stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown scenario '"
                        + name
                        + "': known scenarios are "
                        + scenarios.stream().map(Scenario::name).collect(Collectors.joining(", "))
                        + " (./murm scenarios lists them with their parameters)"));
  }
}

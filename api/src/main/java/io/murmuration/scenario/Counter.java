package io.murmuration.scenario;

/**
 * A counter a scenario declares in {@link Scenario#init} ({@link RunSetup#counter}) and adds to
 * from its users ({@link User#count}). Reported as a total and a rate per second: in the live view,
 * {@code summary.json} under {@code counters.<name>}, the report, InfluxDB (measurement {@code
 * counter}, tag {@code name}) and the dashboards; {@code --assert 'counters.<name> == 0'} and
 * {@code murm compare} read it by that path.
 *
 * @param name as a {@link Timer}'s: lower case letters, digits and underscores
 * @param description one line for people: what is counted
 */
public record Counter(String name, String description) {
  public Counter {
    Timer.checkName(name);
  }
}

package io.murmuration.control;

import io.murmuration.cluster.CoordinatorNode;
import io.murmuration.engine.RunControl;
import java.util.List;
import java.util.Map;

/**
 * What a long-lived coordinator ({@code murm coordinator}) offers its operators, the verbs of
 * amoc's REST API: its status, the cluster's nodes, the scenarios it knows, starting a run, and the
 * run verbs of {@link RunControl} applied to the run under way (refused, with the reason, when
 * there is none). {@link ControlApi} serves it as JSON over HTTP.
 */
public interface Control extends RunControl {

  /**
   * The coordinator now.
   *
   * @param state {@code idle} or {@code running}
   * @param run the run under way, or the last one, or null before the first
   * @param workers worker nodes in the cluster
   */
  record Status(String state, RunStatus run, int workers) {}

  /**
   * A run as the status shows it: live counts while it runs, its outcome once over.
   *
   * @param state {@code starting}, {@code running}, {@code finished} or {@code failed}
   * @param failure why it failed, or null
   * @param exitCode what {@code murm run} would have exited with, or null while it runs
   */
  record RunStatus(
      String runId,
      String scenario,
      String state,
      String failure,
      Integer exitCode,
      int usersConnected,
      long sent,
      long delivered) {}

  /** One parameter of a scenario. */
  record ParamInfo(
      String name, String type, String defaultValue, String description, boolean changeable) {}

  /** A scenario the coordinator can run. */
  record ScenarioInfo(String name, String description, List<ParamInfo> params) {}

  /**
   * A run to start: what {@code murm run} takes on its command line.
   *
   * @param settings {@code murm run} options by long name ({@code users}, {@code nodes}, {@code
   *     arrival-rate}, {@code duration}, {@code target}, …), lists comma-separated
   * @param params scenario parameters
   */
  record StartRequest(String scenario, Map<String, String> settings, Map<String, String> params) {}

  Status status();

  List<CoordinatorNode.MemberInfo> nodes();

  List<ScenarioInfo> scenarios();

  /** Starts a run in the background; refused while one runs or when its settings are wrong. */
  Answer start(StartRequest request);

  /** The {@code summary.json} of a finished run, or null when there is none by that id. */
  String summary(String runId);
}

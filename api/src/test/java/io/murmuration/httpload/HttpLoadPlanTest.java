package io.murmuration.httpload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.murmuration.scenario.HttpLoad;
import io.murmuration.scenario.TtdStamp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpLoadPlanTest {
  private static final HttpLoad REST =
      HttpLoad.post(
              "http://127.0.0.1:8088/api/messages",
              "{\"caller\":\"{{from}}\",\"to\":\"{{to}}\",\"body\":\"{{body}}\"}")
          .rate(12.5)
          .ramp(Duration.ofMillis(1500))
          .hold(Duration.ofSeconds(4))
          .timeout(Duration.ofMillis(750));

  @Test
  void sendKGoesToTheKthRecipientInTurnFromTheNextOneWithItsDueTimeStamped() {
    HttpLoadPlan plan = new HttpLoadPlan("run-1", REST, List.of("u1@x", "u2@x", "u3@x"));
    HttpLoadPlan.Request r = plan.request(4, 123_456);
    assertEquals("http://127.0.0.1:8088/api/messages", r.url());
    assertEquals(
        "{\"caller\":\"u3@x\",\"to\":\"u2@x\",\"body\":\"http 4 [ttd:run-1:123456]\"}", r.body());
    assertEquals(new TtdStamp("run-1", 123_456), TtdStamp.inText(r.body()));
    assertTrue(plan.request(2, 0).body().startsWith("{\"caller\":\"u1@x\",\"to\":\"u3@x\""));
  }

  @Test
  void itsFileReadsBackAsThePlanWithThePasswordFromElsewhere(@TempDir Path dir) throws Exception {
    HttpLoadPlan plan =
        new HttpLoadPlan("run-2", REST.basicAuth("admin", "s3cr3t"), List.of("a@x", "b@x"));
    Path file = dir.resolve("plan.properties");
    plan.write(file);
    assertFalse(Files.readString(file).contains("s3cr3t"), Files.readString(file));
    assertEquals(plan, HttpLoadPlan.read(file, "s3cr3t"));
    assertThrows(IllegalArgumentException.class, () -> HttpLoadPlan.read(file, null));
    HttpLoadPlan open = new HttpLoadPlan("run-3", REST, List.of("a@x", "b@x"));
    open.write(file);
    assertEquals(open, HttpLoadPlan.read(file, null));
  }

  @Test
  void aPlanNeedsTwoRecipientsWhoseJidsGoIntoARequestAsThey() {
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> new HttpLoadPlan("r", REST, List.of("only@x")))
            .getMessage()
            .contains("give --users 2 or more"));
    assertThrows(
        IllegalArgumentException.class, () -> new HttpLoadPlan("r", REST, List.of("a@x", "b\"@x")));
  }
}

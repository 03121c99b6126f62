package io.murmuration.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunCommandTest {

  @Test
  void sourceAddressRangesExpandInTheirLastByte() throws Exception {
    assertEquals(
        List.of(
            InetAddress.getByName("127.0.0.1"),
            InetAddress.getByName("127.0.0.2"),
            InetAddress.getByName("127.0.0.3"),
            InetAddress.getByName("127.0.1.9")),
        RunCommand.sourceAddresses(List.of("127.0.0.1-127.0.0.3", "127.0.1.9")));
  }

  @Test
  void aRangeAcrossMoreThanTheLastByteIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> RunCommand.sourceAddresses(List.of("127.0.0.1-127.0.1.1")));
    assertEquals(
        "--source-ips range '127.0.0.1-127.0.1.1' may only vary in its last byte", e.getMessage());
  }

  @Test
  void targetsAreHostColonPort() {
    assertEquals(new InetSocketAddress("127.0.0.1", 5222), RunCommand.endpoint("127.0.0.1:5222"));
    for (String bad : new String[] {"127.0.0.1", "127.0.0.1:http", ":5222", "host:70000"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> RunCommand.endpoint(bad));
      assertEquals("--target '" + bad + "' is not HOST:PORT, e.g. 127.0.0.1:5222", e.getMessage());
    }
  }

  @Test
  void durationsNameTheirFlagWhenUnreadable() {
    assertEquals(Duration.ofSeconds(90), RunCommand.duration("--duration", "90s"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> RunCommand.duration("--duration", "1 minute"));
    assertEquals(
        "--duration '1 minute' is not a duration: write e.g. 250ms, 5s, 2m, 1h", e.getMessage());
  }
}

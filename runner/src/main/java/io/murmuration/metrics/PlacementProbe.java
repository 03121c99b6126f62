package io.murmuration.metrics;

import io.murmuration.results.Summary;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Finds where a run's processes are placed (the summary's {@code placement}): the CPUs this runner
 * may use, and for each target that listens on this machine, the process behind it and its CPUs.
 *
 * <p>Linux only, from {@code /proc}: the runner's {@code Cpus_allowed_list}; a target's listening
 * socket in {@code /proc/net/tcp} and {@code tcp6} (state {@code 0A}, its port), the process that
 * holds that socket's inode among {@code /proc/PID/fd}, and that process's {@code comm} and {@code
 * Cpus_allowed_list}. Another user's process is only visible to root; what cannot be read is left
 * out, never guessed. Taken once, at the start of a run, before the users' sockets exist.
 */
final class PlacementProbe {
  private PlacementProbe() {}

  /** The placement of this process and of the processes serving {@code target}. */
  static Summary.Placement of(String target) {
    return of(Path.of("/proc"), Path.of("/sys/devices/system/cpu/online"), target);
  }

  static Summary.Placement of(Path proc, Path online, String target) {
    String own = cpusAllowed(proc.resolve("self/status"));
    long self = ProcessHandle.current().pid();
    List<Summary.ServerPlacement> servers = new ArrayList<>();
    for (String t : target.split(",")) {
      String hostPort = t.strip();
      int colon = hostPort.lastIndexOf(':');
      if (colon <= 0 || !isLocal(hostPort.substring(0, colon))) {
        continue;
      }
      int port;
      try {
        port = Integer.parseInt(hostPort.substring(colon + 1));
      } catch (NumberFormatException e) {
        continue;
      }
      Set<String> inodes = listening(proc, port);
      long pid = holder(proc, inodes, self);
      if (pid > 0) {
        Path dir = proc.resolve(Long.toString(pid));
        String cpus = cpusAllowed(dir.resolve("status"));
        String comm = read(dir.resolve("comm"));
        if (cpus != null && comm != null) {
          servers.add(new Summary.ServerPlacement(hostPort, comm.strip(), pid, cpus));
        }
      }
    }
    Boolean shared = null;
    if (own != null && !servers.isEmpty()) {
      BitSet mine = cpuSet(own);
      shared = servers.stream().anyMatch(s -> cpuSet(s.cpus()).intersects(mine));
    }
    String onlineCpus = read(online);
    return new Summary.Placement(
        onlineCpus == null ? null : onlineCpus.strip(), own, servers, shared);
  }

  /** The CPUs of a Linux CPU list such as {@code 0-3,8,10-11}. */
  static BitSet cpuSet(String list) {
    BitSet set = new BitSet();
    for (String part : list.strip().split(",")) {
      if (part.isEmpty()) {
        continue;
      }
      String[] range = part.split("-", 2);
      int from = Integer.parseInt(range[0].strip());
      int to = range.length == 2 ? Integer.parseInt(range[1].strip()) : from;
      set.set(from, to + 1);
    }
    return set;
  }

  private static boolean isLocal(String host) {
    String h =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    try {
      InetAddress a = InetAddress.getByName(h);
      return a.isLoopbackAddress()
          || a.isAnyLocalAddress()
          || NetworkInterface.getByInetAddress(a) != null;
    } catch (UnknownHostException | SocketException e) {
      return false;
    }
  }

  /** The inodes of the sockets listening on {@code port}, IPv4 and IPv6. */
  static Set<String> listening(Path proc, int port) {
    Set<String> inodes = new HashSet<>();
    String hexPort = String.format(Locale.ROOT, "%04X", port);
    for (String table : List.of("net/tcp", "net/tcp6")) {
      String text = read(proc.resolve(table));
      if (text == null) {
        continue;
      }
      for (String line : text.split("\n")) {
        String[] f = line.strip().split("\\s+");
        // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
        if (f.length > 9 && f[1].endsWith(":" + hexPort) && f[3].equals("0A")) {
          inodes.add(f[9]);
        }
      }
    }
    inodes.remove("0");
    return inodes;
  }

  /** The first process but {@code self} with a file descriptor on one of {@code inodes}; or -1. */
  private static long holder(Path proc, Set<String> inodes, long self) {
    if (inodes.isEmpty()) {
      return -1;
    }
    Set<String> links = new HashSet<>();
    inodes.forEach(i -> links.add("socket:[" + i + "]"));
    try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, "[0-9]*")) {
      for (Path p : pids) {
        long pid = Long.parseLong(p.getFileName().toString());
        if (pid == self) {
          continue;
        }
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(p.resolve("fd"))) {
          for (Path fd : fds) {
            try {
              if (links.contains(Files.readSymbolicLink(fd).toString())) {
                return pid;
              }
            } catch (IOException e) {
              // closed meanwhile
            }
          }
        } catch (IOException | SecurityException e) {
          // another user's process, or gone
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return -1;
  }

  /** {@code Cpus_allowed_list} of a {@code status} file; null when unreadable. */
  private static String cpusAllowed(Path status) {
    String text = read(status);
    if (text == null) {
      return null;
    }
    for (String line : text.split("\n")) {
      if (line.startsWith("Cpus_allowed_list:")) {
        return line.substring("Cpus_allowed_list:".length()).strip();
      }
    }
    return null;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException | SecurityException e) {
      return null;
    }
  }
}

package io.murmuration.sut;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The OS user a local server runs as. As root, servers run as their Debian service user (ejabberd,
 * prosody) through {@code setpriv}, which keeps the open-files limit ({@code su} would apply
 * pam_limits and drop it to 1,024). As anyone else they run as the current user.
 *
 * @param user the service user, or {@code null} to run as the current user
 */
record RunAs(String user) {

  /** As root: the service user; otherwise: the current user. */
  static RunAs serviceUser(String serviceUser) {
    return new RunAs(isRoot() ? serviceUser : null);
  }

  static boolean isRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | UnsupportedOperationException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  boolean switchesUser() {
    return user != null;
  }

  /** {@code command}, prefixed so that it runs as this user. */
  List<String> command(List<String> command) {
    if (user == null) {
      return command;
    }
    List<String> full =
        new ArrayList<>(
            List.of("setpriv", "--reuid=" + user, "--regid=" + user, "--init-groups", "--"));
    full.addAll(command);
    return full;
  }

  /** Gives {@code folder} and everything under it to this user, so the server can write there. */
  void own(Path folder) {
    if (user == null) {
      return;
    }
    try {
      UserPrincipalLookupService lookup = folder.getFileSystem().getUserPrincipalLookupService();
      UserPrincipal owner = lookup.lookupPrincipalByName(user);
      GroupPrincipal group = lookup.lookupPrincipalByGroupName(user);
      try (Stream<Path> paths = Files.walk(folder)) {
        for (Path path : (Iterable<Path>) paths::iterator) {
          PosixFileAttributeView view =
              Files.getFileAttributeView(path, PosixFileAttributeView.class);
          view.setOwner(owner);
          view.setGroup(group);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot give " + folder + " to user " + user, e);
    }
  }

  /** Fails with one clear line when this user cannot write into {@code folder}. */
  void checkCanWrite(Path folder) {
    if (user == null) {
      if (!Files.isWritable(folder)) {
        throw new IllegalStateException("cannot write to " + folder);
      }
      return;
    }
    try {
      Process test =
          new ProcessBuilder(command(List.of("test", "-w", folder.toString())))
              .redirectErrorStream(true)
              .start();
      if (!test.waitFor(10, TimeUnit.SECONDS) || test.exitValue() != 0) {
        test.destroyForcibly();
        throw new IllegalStateException(
            "user "
                + user
                + " cannot write to "
                + folder
                + " (a parent folder is not accessible to it?): use a folder under /tmp");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run setpriv: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}

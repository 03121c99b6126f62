package io.murmuration.metrics;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * The run's {@code metrics.hlog}: HdrHistogram's standard interval log, one line per timer per
 * interval, tagged with the timer key, timestamps in seconds relative to the run start (the log's
 * {@code BaseTime}). Flushed after each interval so a crashed run keeps every complete line.
 */
final class HistogramLog implements Closeable {

  static final String FILE_NAME = "metrics.hlog";

  private final Path file;
  private final PrintStream out;
  private final HistogramLogWriter writer;
  private final long baseMs;

  HistogramLog(Path file, RunInfo run) throws IOException {
    this.file = file;
    this.baseMs = run.startedAt().toEpochMilli();
    this.out =
        new PrintStream(
            new BufferedOutputStream(Files.newOutputStream(file)), false, StandardCharsets.UTF_8);
    this.writer = new HistogramLogWriter(out);
    writer.outputComment(
        oneLine(
            "Murmuration run "
                + run.runId()
                + ", scenario "
                + run.scenario()
                + ": interval histograms in nanoseconds, tags ttd, connect, login, lag"));
    writer.outputLogFormatVersion();
    writer.outputStartTime(baseMs);
    writer.setBaseTime(baseMs);
    writer.outputBaseTime(baseMs);
    writer.outputLegend();
    flush();
  }

  /**
   * Appends one interval histogram under {@code tag}. An interval that began before the run start
   * (values recorded during setup) is logged as starting at 0.
   */
  void append(String tag, Histogram interval) {
    interval.setTag(tag);
    double start = Math.max(0, (interval.getStartTimeStamp() - baseMs) / 1000.0);
    double end = Math.max(start, (interval.getEndTimeStamp() - baseMs) / 1000.0);
    writer.outputIntervalHistogram(start, end, interval);
  }

  void flush() throws IOException {
    out.flush();
    if (out.checkError()) {
      throw new IOException("cannot write " + file);
    }
  }

  @Override
  public void close() throws IOException {
    out.close();
    if (out.checkError()) {
      throw new IOException("cannot write " + file);
    }
  }

  private static String oneLine(String text) {
    return text.replaceAll("\\R", " ");
  }
}

package io.github.batchpush.reliability;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock the test sets by hand, so run times (and so the values the gateway must hold) are known exactly. */
public final class TestClock extends Clock {
  private volatile Instant now;
  /** What the next reading sets the clock to afterwards: a run's finish time is read, then it is delivered later. */
  private Duration jumpAfterNextRead;
  private boolean wallClockAfterNextRead;
  private boolean wallClock;

  public TestClock(String start) {
    this.now = Instant.parse(start);
  }

  public synchronized void advance(Duration d) {
    now = now.plus(d);
  }

  public synchronized void set(String instant) {
    now = Instant.parse(instant);
    wallClock = false;
  }

  /**
   * The next reading (a run's finish time, read by its {@code close()}) is the time set now; the readings after it
   * come {@code later}: the run waited (for the spool's lock, behind a newer run) before it was delivered. A clock
   * on one host never reads earlier than what it read before, so a run can only be older than a delivery recorded
   * before it if it finished earlier and was delivered later.
   */
  public synchronized void deliverLater(Duration later) {
    jumpAfterNextRead = later;
  }

  /** As {@link #deliverLater}, with the readings after the next one the real time, until the clock is set again. */
  public synchronized void deliverInRealTime() {
    wallClockAfterNextRead = true;
  }

  /** The current time as the gateway shows a timestamp gauge: epoch seconds. */
  public double seconds() {
    Instant t = now;
    return t.getEpochSecond() + t.getNano() / 1e9;
  }

  @Override
  public synchronized Instant instant() {
    if (wallClock) {
      return Instant.now();
    }
    Instant reading = now;
    if (jumpAfterNextRead != null) {
      now = now.plus(jumpAfterNextRead);
      jumpAfterNextRead = null;
    }
    if (wallClockAfterNextRead) {
      wallClockAfterNextRead = false;
      wallClock = true;
    }
    return reading;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}

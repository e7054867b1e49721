package io.github.batchpush.reliability;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock the test sets by hand, so run times (and so the values the gateway must hold) are known exactly. */
public final class TestClock extends Clock {
  private volatile Instant now;

  public TestClock(String start) {
    this.now = Instant.parse(start);
  }

  public synchronized void advance(Duration d) {
    now = now.plus(d);
  }

  public void set(String instant) {
    now = Instant.parse(instant);
  }

  /** The current time as the gateway shows a timestamp gauge: epoch seconds. */
  public double seconds() {
    Instant t = now;
    return t.getEpochSecond() + t.getNano() / 1e9;
  }

  @Override
  public Instant instant() {
    return now;
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

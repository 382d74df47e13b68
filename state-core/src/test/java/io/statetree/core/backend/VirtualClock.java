package io.statetree.core.backend;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * For lifetime tests: a monotonic nanosecond clock and a wall clock that move together, only when
 * the test says so ({@link #pass}). Thread-safe.
 */
final class VirtualClock extends Clock {

	private static final Instant START = Instant.parse("2026-11-30T12:00:00Z");

	private final AtomicLong nanos = new AtomicLong(7_000_000_000L);

	/** The monotonic reading, in nanoseconds. */
	long nanos() {
		return this.nanos.get();
	}

	/** Lets time pass on both clocks. */
	void pass(Duration duration) {
		this.nanos.addAndGet(duration.toNanos());
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		return this;
	}

	@Override
	public Instant instant() {
		return START.plusNanos(this.nanos.get());
	}

}

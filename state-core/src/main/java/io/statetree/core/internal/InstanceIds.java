package io.statetree.core.internal;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Identifiers for controllers whose builder names no instance id: a version-4 shaped UUID string
 * whose bits mix {@link ThreadLocalRandom} (seeded per JVM from the clocks), the process id, the
 * host name the environment gives ({@code HOSTNAME}, a container's id), the wall clock, the
 * monotonic clock and a counter of this JVM. Unique across instances in practice (two ids share
 * 122 bits only when every one of those agrees), and cheap: unlike {@link UUID#randomUUID()} it
 * does not initialise {@code SecureRandom}, which costs a cold start about 40 classes and the
 * seeding. Not a secret: nothing may rely on it being unguessable. Thread-safe.
 */
final class InstanceIds {

	private static final AtomicLong COUNTER = new AtomicLong();

	private InstanceIds() {
	}

	/**
	 * A new identifier.
	 * @return e.g. {@code 3f2a9c1e-7b4d-4e0f-9a8b-c6d5e4f3a2b1}
	 */
	static String next() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		String host = System.getenv("HOSTNAME");
		long place = ProcessHandle.current().pid() * 0x9E3779B97F4A7C15L + ((host != null) ? host.hashCode() : 0);
		long time = System.currentTimeMillis() * 0xBF58476D1CE4E5B9L ^ System.nanoTime();
		long high = random.nextLong() ^ mix(place ^ COUNTER.incrementAndGet());
		long low = random.nextLong() ^ mix(time);
		// the version (4, random) and IETF variant bits, as UUID.randomUUID sets them
		high = (high & ~0xF000L) | 0x4000L;
		low = (low & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
		return new UUID(high, low).toString();
	}

	/** Spreads the bits of a value over all 64 (the SplitMix64 finaliser). */
	static long mix(long value) {
		long z = value;
		z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
		z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
		return z ^ (z >>> 31);
	}

}

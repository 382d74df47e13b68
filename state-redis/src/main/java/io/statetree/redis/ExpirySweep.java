package io.statetree.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Runs the sweep script of one backend on a daemon thread named {@code statetree-sweep-<namespace>}
 * every {@value #INTERVAL_MILLIS} ms (DESIGN §12): it renews this backend's {@link Leases} when
 * due and expires, each with its own expiry commit, the time to live entries that ran out and the
 * ephemeral entries of owners whose lease is gone. Every instance of the namespace sweeps; the
 * script is atomic, so each entry is expired once. When nothing is due a sweep is one script call
 * that does one {@code EXISTS}. Started on demand, stopped by the backend's close.
 */
final class ExpirySweep {

	/** How often the sweep runs. */
	static final long INTERVAL_MILLIS = 250;

	private static final Logger logger = LoggerFactory.getLogger(ExpirySweep.class);

	private final RedisConnectionFactory factory;

	private final String connectionName;

	private final Keys keys;

	private final byte[] backendId;

	private final byte[] retention;

	private final Supplier<String> origin;

	private final Leases leases;

	private final Object lock = new Object();

	private @Nullable Thread thread;

	private boolean stopped;

	private volatile boolean failing;

	ExpirySweep(RedisConnectionFactory factory, String connectionName, Keys keys, byte[] backendId, byte[] retention,
			Supplier<String> origin, Leases leases) {
		this.factory = factory;
		this.connectionName = connectionName;
		this.keys = keys;
		this.backendId = backendId;
		this.retention = retention;
		this.origin = origin;
		this.leases = leases;
	}

	/** Starts the thread unless it runs or the sweep was stopped. */
	void start() {
		synchronized (this.lock) {
			if (this.thread != null || this.stopped) {
				return;
			}
			Thread created = new Thread(this::run, "statetree-sweep-" + this.keys.namespace());
			created.setDaemon(true);
			this.thread = created;
			created.start();
		}
	}

	/**
	 * Stops the thread and waits for it to end.
	 * @param timeout how long to wait
	 */
	void stop(Duration timeout) {
		Thread running;
		synchronized (this.lock) {
			this.stopped = true;
			running = this.thread;
			this.lock.notifyAll();
		}
		if (running == null || running == Thread.currentThread()) {
			return;
		}
		try {
			running.join(timeout.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void run() {
		while (true) {
			synchronized (this.lock) {
				if (this.stopped) {
					return;
				}
			}
			sweepOnce();
			synchronized (this.lock) {
				long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(INTERVAL_MILLIS);
				long left;
				while (!this.stopped && (left = until - System.nanoTime()) > 0) {
					try {
						TimeUnit.NANOSECONDS.timedWait(this.lock, left);
					}
					catch (InterruptedException ex) {
						return;
					}
				}
			}
		}
	}

	/**
	 * Runs the sweep script once; a failure is logged (once until a sweep succeeds again).
	 * @return the number of expiry commits it made, or -1 when it failed
	 */
	long sweepOnce() {
		long started = System.nanoTime();
		List<String> renew = this.leases.dueForRenewal(started);
		List<byte[]> args = new ArrayList<>(4 + renew.size());
		args.add(this.backendId);
		args.add(bytes(this.origin.get()));
		args.add(this.retention);
		args.add(bytes(Long.toString(this.leases.timeoutMillis())));
		for (String owner : renew) {
			args.add(bytes(owner));
		}
		try {
			List<Object> reply = RedisCalls.script(this.factory, this.connectionName, Scripts.SWEEP, this.keys.all(),
					args.toArray(new byte[0][]));
			for (int i = 1; i < reply.size(); i++) {
				this.leases.forget(RedisCalls.string(reply.get(i)), started);
				logger.warn("The StateTree lease of instance {} in namespace '{}' ran out before it was renewed; its "
						+ "ephemeral entries are deleted", RedisCalls.string(reply.get(i)), this.keys.namespace());
			}
			this.failing = false;
			return (Long) reply.get(0);
		}
		catch (RuntimeException ex) {
			if (!this.failing) {
				logger.warn("The StateTree expiry sweep of namespace '{}' failed (retried every {} ms): {}",
						this.keys.namespace(), INTERVAL_MILLIS, ex.toString());
			}
			this.failing = true;
			return -1;
		}
	}

	private static byte[] bytes(String s) {
		return s.getBytes(StandardCharsets.UTF_8);
	}

}

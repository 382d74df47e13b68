package io.statetree.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The leases of the owners whose ephemeral entries one backend wrote (DESIGN §12). The commit
 * script sets an owner's lease key with {@code PX lease-timeout} together with its ephemeral entry;
 * this backend's sweep renews it every third of the timeout and {@link #drop} deletes it at close.
 * Once the key is gone, any instance's sweep deletes the owner's ephemeral entries. Thread-safe.
 */
final class Leases {

	private static final Logger logger = LoggerFactory.getLogger(Leases.class);

	/** Each owner with the monotonic time its latest ephemeral write was committed. */
	private final Map<String, Long> owners = new ConcurrentHashMap<>();

	private final long timeoutMillis;

	private final long renewEveryNanos;

	private final byte[] timeoutBytes;

	private long lastRenewal;

	Leases(long timeoutMillis) {
		this.timeoutMillis = timeoutMillis;
		this.renewEveryNanos = timeoutMillis * 1_000_000L / 3;
		this.timeoutBytes = Long.toString(timeoutMillis).getBytes(java.nio.charset.StandardCharsets.UTF_8);
	}

	long timeoutMillis() {
		return this.timeoutMillis;
	}

	byte[] timeoutBytes() {
		return this.timeoutBytes;
	}

	/**
	 * Remembers an owner whose ephemeral entry this backend committed (its lease key was just set).
	 * @param owner the instance id
	 */
	void note(String owner) {
		this.owners.put(owner, System.nanoTime());
	}

	/**
	 * Forgets an owner whose lease ran out before this backend renewed it (its entries are deleted
	 * by the sweeps); a later ephemeral write sets the lease again and notes the owner again.
	 * @param owner the instance id
	 * @param since when the sweep that found the lease gone started: an owner noted later (its lease
	 * set again by a write the sweep did not see) is kept
	 */
	void forget(String owner, long since) {
		this.owners.computeIfPresent(owner, (key, noted) -> (noted - since < 0) ? null : noted);
	}

	/**
	 * The owners whose leases the sweep should renew now: all of them every third of the timeout,
	 * none in between.
	 * @param nanoTime the monotonic clock
	 * @return the owners, often empty
	 */
	synchronized List<String> dueForRenewal(long nanoTime) {
		if (this.owners.isEmpty() || nanoTime - this.lastRenewal < this.renewEveryNanos) {
			return List.of();
		}
		this.lastRenewal = nanoTime;
		return new ArrayList<>(this.owners.keySet());
	}

	/**
	 * Deletes the lease keys, so that the other instances' sweeps delete whatever ephemeral entries
	 * are left (the controller deleted its own before closing the backend). A failure is logged:
	 * the leases then run out on their own.
	 * @param factory where the connection comes from
	 * @param keys the namespace's keys
	 */
	void drop(RedisConnectionFactory factory, Keys keys) {
		if (this.owners.isEmpty()) {
			return;
		}
		try (RedisConnection connection = factory.getConnection()) {
			for (String owner : this.owners.keySet()) {
				connection.keyCommands().del(keys.lease(owner));
			}
		}
		catch (DataAccessException ex) {
			logger.warn("Cannot drop the StateTree leases of namespace '{}'; they run out after {} ms: {}",
					keys.namespace(), this.timeoutMillis, RedisCalls.message(ex));
		}
		this.owners.clear();
	}

}

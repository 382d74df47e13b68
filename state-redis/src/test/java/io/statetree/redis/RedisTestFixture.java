package io.statetree.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.statetree.redis.test.RedisTestServer;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The Redis set-up a test class here shares between its tests or tries: a few started Lettuce
 * connection factories to the test server ({@link RedisTestServer}), opened before the class's
 * first test and closed after its last, and a fresh namespace for every store. Kept in a
 * {@code static final} field; {@link #connect()} is called from {@code @BeforeContainer} (jqwik)
 * or {@code @BeforeAll} (JUnit), {@link #disconnect()} from the matching after-hook. A jqwik
 * property inherited by a JUnit class runs outside JUnit's lifecycle, before its
 * {@code @BeforeAll} or after its {@code @AfterAll}: {@link #factory(int)} then connects first.
 * Thread-safe.
 */
final class RedisTestFixture {

	private final String prefix;

	private final int count;

	private final AtomicInteger namespaces = new AtomicInteger();

	private volatile List<LettuceConnectionFactory> factories = List.of();

	/**
	 * One connection factory.
	 * @param prefix what the namespaces start with, e.g. {@code async}
	 */
	RedisTestFixture(String prefix) {
		this(prefix, 1);
	}

	/**
	 * @param prefix what the namespaces start with, e.g. {@code async}
	 * @param count how many connection factories (one per instance the tests start, or killer)
	 */
	RedisTestFixture(String prefix, int count) {
		if (count < 1) {
			throw new IllegalArgumentException("count must be at least 1, was " + count);
		}
		this.prefix = prefix;
		this.count = count;
	}

	/**
	 * Starts the server if need be and opens the factories; does nothing when they are open.
	 * @throws org.opentest4j.TestAbortedException when no Redis is available (see
	 * {@link RedisTestServer#endpoint()})
	 */
	synchronized void connect() {
		if (!this.factories.isEmpty()) {
			return;
		}
		RedisTestServer.Endpoint endpoint = RedisTestServer.endpoint();
		List<LettuceConnectionFactory> opened = new ArrayList<>(this.count);
		try {
			for (int i = 0; i < this.count; i++) {
				opened.add(RedisTestServer.createConnectionFactory(endpoint));
			}
		}
		catch (RuntimeException ex) {
			opened.forEach(LettuceConnectionFactory::destroy);
			throw ex;
		}
		this.factories = List.copyOf(opened);
	}

	/** Closes the factories, if open. */
	synchronized void disconnect() {
		List<LettuceConnectionFactory> open = this.factories;
		this.factories = List.of();
		open.forEach(LettuceConnectionFactory::destroy);
	}

	/** Whether the factories are open. */
	boolean connected() {
		return !this.factories.isEmpty();
	}

	/** The first factory. */
	LettuceConnectionFactory factory() {
		return factory(0);
	}

	/**
	 * A factory, connecting first when no before-hook did.
	 * @param index from 0 to {@link #count()} - 1
	 */
	LettuceConnectionFactory factory(int index) {
		List<LettuceConnectionFactory> open = this.factories;
		if (open.isEmpty()) {
			connect();
			open = this.factories;
		}
		return open.get(index);
	}

	/** How many factories. */
	int count() {
		return this.count;
	}

	/** A namespace no other store of this JVM uses: {@code <prefix>-<pid>-<n>}. */
	String newNamespace() {
		return this.prefix + "-" + ProcessHandle.current().pid() + "-" + this.namespaces.incrementAndGet();
	}

	/** A backend on the first factory, in a fresh namespace. */
	RedisBackend newBackend() {
		return backend(0, newNamespace());
	}

	/** A backend on a factory, in a namespace. */
	RedisBackend backend(int index, String namespace) {
		return RedisBackend.builder(factory(index)).namespace(namespace).build();
	}

}

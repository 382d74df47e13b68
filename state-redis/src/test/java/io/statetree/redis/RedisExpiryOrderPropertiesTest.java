package io.statetree.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.statetree.core.Commit;
import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.WriteOptions;
import io.statetree.core.internal.ControllerInternals;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every path by which a commit reaches a listener on Redis keeps revision order, exactly once
 * (DESIGN §5, §8, §12, §18), as a property: two or three instances on one namespace, one writer
 * thread each making random writes, writes with a short time to live (so expiry commits are made
 * by the writes' own scripts and by the sweep of any instance), asynchronous writes with one,
 * asynchronous {@code setAll}s, batches, {@code update}s and deletes,
 * while random stalls hold an instance's feed reader back and a slow listener holds a feed's
 * delivering thread; on every instance a listener writes, with a time to live of its own, when it
 * hears another instance's or an expiry commit of {@code /k0} (in synchronous dispatch that
 * commit is made on the feed's thread). Afterwards every instance's recording listener is checked
 * against the namespace's commit log read back with {@code history}: every commit heard, each
 * change once, in revision order. The finding this pins: break 14 (seed 1) heard an expiry commit
 * after a later commit made on the feed's thread.
 */
class RedisExpiryOrderPropertiesTest {

	private static final RedisTestFixture REDIS = new RedisTestFixture("expiry-order", 3);

	@BeforeContainer
	static void connect() {
		REDIS.connect();
	}

	@AfterContainer
	static void disconnect() {
		REDIS.disconnect();
	}

	enum Kind {

		SET, TTL_SET, ASYNC_TTL_SET, SET_ALL, BATCH, UPDATE, DELETE, STALL_FEED, SLOW_LISTENER

	}

	/** One step of a writer: a kind, a path {@code /k<key>}, a value, a duration in milliseconds. */
	record Op(Kind kind, int key, int value, int millis) {
	}

	@Provide
	Arbitrary<List<List<Op>>> work() {
		Arbitrary<Op> op = Combinators
			.combine(Arbitraries.of(Kind.class), Arbitraries.integers().between(0, 3),
					Arbitraries.integers().between(1, 5), Arbitraries.integers().between(5, 60))
			.as(Op::new);
		return op.list().ofMinSize(1).ofMaxSize(25).list().ofSize(3);
	}

	@Property(tries = 12)
	void everyListenerHearsTheCommitLogOnceInRevisionOrder(@ForAll("work") List<List<Op>> work,
			@ForAll @IntRange(min = 2, max = 3) int instances, @ForAll StateController.Dispatch dispatch)
			throws Exception {
		String namespace = REDIS.newNamespace();
		List<StateController> controllers = new ArrayList<>();
		List<RedisBackend> backends = new ArrayList<>();
		List<List<StateEvent>> heard = new ArrayList<>();
		List<Integer> slowMillis = new CopyOnWriteArrayList<>();
		for (int i = 0; i < instances; i++) {
			slowMillis.add(0);
		}
		try {
			for (int i = 0; i < instances; i++) {
				RedisBackend backend = REDIS.backend(i, namespace);
				StateController controller = StateController.builder()
					.backend(backend)
					.instanceId("i" + i)
					.dispatch(dispatch)
					.build();
				backends.add(backend);
				controllers.add(controller);
				List<StateEvent> events = new CopyOnWriteArrayList<>();
				controller.subscribe("/**", events::add);
				heard.add(events);
				int index = i;
				controller.subscribe("/k0", (StateEvent e) -> {
					if (e.isExpiry() || !e.origin().equals(controller.instanceId())) {
						controller.set("/echo/i" + index, e.revision(), WriteOptions.ttl(Duration.ofMillis(15)));
					}
				});
				controller.subscribe("/**", (StateEvent e) -> pause(slowMillis.get(index)));
			}
			ExecutorService pool = Executors.newFixedThreadPool(instances);
			try {
				List<Future<?>> done = new ArrayList<>();
				for (int i = 0; i < instances; i++) {
					int index = i;
					done.add(pool.submit(() -> {
						for (Op op : work.get(index)) {
							step(controllers.get(index), backends.get(index), slowMillis, index, op);
						}
						slowMillis.set(index, 0);
						return null;
					}));
				}
				for (Future<?> f : done) {
					f.get(2, TimeUnit.MINUTES);
				}
			}
			finally {
				pool.shutdownNow();
			}
			for (RedisBackend backend : backends) {
				backend.changeFeed().holdReads(false);
			}
			// every lifetime runs out and is swept; every instance has heard everything
			long revision = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
				if (!backends.get(0).expiringEntries().lifetimes().isEmpty()) {
					return -1L;
				}
				long now = backends.get(0).revision();
				for (StateController controller : controllers) {
					ControllerInternals.awaitDispatch(controller, 10_000);
					if (controller.revision() != now) {
						return -1L;
					}
				}
				return now;
			}, (r) -> r >= 0);
			List<Commit> log = controllers.get(0).history(0, (int) revision + 10);
			assertThat(log).extracting(Commit::revision).as("the commit log").isSorted().doesNotHaveDuplicates();
			// the work may have changed nothing (only stalls), then the log is empty
			assertThat(log.isEmpty() ? 0 : log.get(log.size() - 1).revision())
				.as("the commit log reaches the namespace's revision")
				.isEqualTo(revision);
			Set<Long> logged = new TreeSet<>();
			for (Commit commit : log) {
				if (!commit.changes().isEmpty()) {
					logged.add(commit.revision());
				}
			}
			// a commit left on a feed's thread is delivered once the revisions before it are: wait for it
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
				for (int i = 0; i < instances; i++) {
					check(i, dispatch, List.copyOf(heard.get(i)), logged);
				}
			});
		}
		finally {
			controllers.forEach(StateController::close);
			backends.forEach(RedisBackend::close);
		}
	}

	/** One instance's recording listener against the revisions of the commit log. */
	private static void check(int instance, StateController.Dispatch dispatch, List<StateEvent> events,
			Set<Long> logged) {
		assertThat(events).extracting(StateEvent::revision)
			.as("instance %d (%s) hears commits in revision order", instance, dispatch)
			.isSorted();
		Set<String> once = new HashSet<>();
		Set<Long> revisions = new TreeSet<>();
		for (StateEvent event : events) {
			assertThat(once.add(event.revision() + " " + event.emittingPath()))
				.as("instance %d (%s) hears %s of revision %d once", instance, dispatch, event.emittingPath(),
						event.revision())
				.isTrue();
			revisions.add(event.revision());
		}
		assertThat(revisions).as("instance %d (%s) hears every commit of the log", instance, dispatch)
			.containsExactlyElementsOf(logged);
	}

	private static void step(StateController controller, RedisBackend backend, List<Integer> slowMillis, int index,
			Op op) {
		String path = "/k" + op.key();
		switch (op.kind()) {
			case SET -> controller.set(path, op.value());
			case TTL_SET -> controller.set(path, op.value(), WriteOptions.ttl(Duration.ofMillis(op.millis())));
			case ASYNC_TTL_SET -> controller.async()
				.set(path, op.value(), WriteOptions.ttl(Duration.ofMillis(op.millis())))
				.join();
			case SET_ALL -> controller.async()
				.setAll(Map.of(path, op.value(), "/k" + ((op.key() + 1) % 4), -op.value()))
				.join();
			case BATCH -> controller.batch(() -> {
				controller.set(path, op.value(), WriteOptions.ttl(Duration.ofMillis(op.millis())));
				controller.update("/k" + ((op.key() + 2) % 4), Integer.class, (v) -> ((v != null) ? v : 0) + 1);
			});
			case UPDATE -> controller.update(path, Integer.class, (v) -> ((v != null) ? v : 0) + op.value());
			case DELETE -> controller.delete(path);
			case STALL_FEED -> {
				backend.changeFeed().holdReads(true);
				pause(op.millis());
				backend.changeFeed().holdReads(false);
			}
			case SLOW_LISTENER -> slowMillis.set(index, (slowMillis.get(index) > 0) ? 0 : op.millis());
		}
	}

	/** Waits a while without a bare sleep (a latch nobody counts down). */
	private static void pause(int millis) {
		if (millis <= 0) {
			return;
		}
		try {
			new CountDownLatch(1).await(millis, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}

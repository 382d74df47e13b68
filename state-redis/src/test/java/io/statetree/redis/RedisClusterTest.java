package io.statetree.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.SubscribeOptions;
import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.CachingBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.redis.test.RedisTestCluster;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 19 point 7 on a three-master Redis Cluster ({@link RedisTestCluster}): three instances, each
 * with two mounts whose namespaces hash to two different masters, {@code /near} through a near
 * cache ({@link CachingBackend}) and {@code /plain} straight on the {@link RedisBackend}, writing
 * concurrently. Every instance hears every change once, other instances' commits in revision order
 * per namespace, its own in the order of its (hybrid backend's) revisions, each path's writes in the
 * order they were made; a group
 * listener on three more instances (the second namespace as their backend)
 * handles each change of that namespace once across them; 1,000 concurrent updates of a counter
 * per namespace add up exactly, and every instance reads the same tree.
 */
class RedisClusterTest {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private static final int INSTANCES = 3;

	private static final int THREADS = 2;

	private static final int WRITES = 150;

	private static final AtomicInteger NAMESPACES = new AtomicInteger();

	private final List<LettuceConnectionFactory> factories = new ArrayList<>();

	private final List<StateController> instances = new ArrayList<>();

	private final List<StateController> members = new ArrayList<>();

	private String near;

	private String plain;

	@BeforeEach
	void setUp() {
		// two namespaces whose hash tags put them on two different masters
		this.near = namespaceOn(0);
		this.plain = namespaceOn(1);
		for (int i = 0; i < INSTANCES; i++) {
			LettuceConnectionFactory nearFactory = RedisTestCluster.createConnectionFactory();
			LettuceConnectionFactory plainFactory = RedisTestCluster.createConnectionFactory();
			this.factories.add(nearFactory);
			this.factories.add(plainFactory);
			HybridBackend backend = new HybridBackend(new InMemoryBackend())
				.mount("/near",
						new CachingBackend(RedisBackend.builder(nearFactory).namespace(this.near).build(),
								CachePolicy.defaults()))
				.mount("/plain", RedisBackend.builder(plainFactory).namespace(this.plain).build());
			this.instances.add(StateController.builder().backend(backend).instanceId("i" + i).build());
		}
		// group listeners need the namespace's consumer groups, which neither a mount nor a near
		// cache in front passes on: instances with the plain namespace as their backend
		for (int i = 0; i < INSTANCES; i++) {
			LettuceConnectionFactory factory = RedisTestCluster.createConnectionFactory();
			this.factories.add(factory);
			this.members.add(StateController.builder()
				.backend(RedisBackend.builder(factory).namespace(this.plain).build())
				.instanceId("g" + i)
				.build());
		}
	}

	private static String namespaceOn(int master) {
		while (true) {
			String namespace = "cluster-" + ProcessHandle.current().pid() + "-" + NAMESPACES.incrementAndGet();
			if (RedisTestCluster.master("{" + namespace + "}") == master) {
				return namespace;
			}
		}
	}

	@AfterEach
	void tearDown() {
		this.instances.forEach(StateController::close);
		this.members.forEach(StateController::close);
		this.factories.forEach(LettuceConnectionFactory::destroy);
	}

	@Test
	void everyInstanceHearsEveryChangeOnceInRevisionOrderPerNamespace() throws Exception {
		assertThat(RedisTestCluster.master("{" + this.near + "}"))
			.isNotEqualTo(RedisTestCluster.master("{" + this.plain + "}"));
		List<List<StateEvent>> heard = new ArrayList<>();
		Map<Object, Integer> handledByGroup = new ConcurrentHashMap<>();
		for (StateController instance : this.instances) {
			List<StateEvent> events = new CopyOnWriteArrayList<>();
			heard.add(events);
			instance.subscribe("/near/**", events::add);
			instance.subscribe("/plain/**", events::add);
		}
		for (StateController member : this.members) {
			member.subscribe("/w/**", (event) -> handledByGroup.merge(event.newValue(), 1, Integer::sum),
					SubscribeOptions.group("cluster-work"));
		}
		Set<String> written = ConcurrentHashMap.newKeySet();
		onEveryInstance((instance, thread) -> {
			for (int i = 0; i < WRITES; i++) {
				String mount = (i % 2 == 0) ? "/near" : "/plain";
				String value = instance.instanceId() + "-" + thread + "-" + i;
				instance.set(mount + "/w/" + instance.instanceId() + "-" + thread, value);
				written.add(mount + "=" + value);
			}
		});
		int total = INSTANCES * THREADS * WRITES;
		for (List<StateEvent> events : heard) {
			Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(events).hasSizeGreaterThanOrEqualTo(total));
		}
		List<String> outOfOrder = new ArrayList<>();
		for (int i = 0; i < INSTANCES; i++) {
			List<StateEvent> events = heard.get(i);
			assertThat(events).as("resyncs on instance %d", i).noneMatch(StateEvent::isResync);
			Set<String> values = new HashSet<>();
			Map<String, Long> lastRevision = new HashMap<>();
			Map<String, Integer> lastWrite = new HashMap<>();
			int late = 0;
			for (StateEvent event : events) {
				String mount = event.path().toString().startsWith("/near/") ? "/near" : "/plain";
				String value = (String) event.newValue();
				assertThat(values.add(mount + "=" + value)).as("heard once on instance %d: %s revision %d", i, mount,
						event.revision()).isTrue();
				// another instance's commits carry their namespace's revision; this instance's own
				// commits carry the hybrid backend's (its own count): each sequence must rise
				String sequence = mount + (event.origin().equals(this.instances.get(i).instanceId()) ? " own" : "");
				if (event.revision() <= lastRevision.getOrDefault(sequence, 0L)) {
					late++;
				}
				lastRevision.merge(sequence, event.revision(), Math::max);
				// and each path's writes, made one after another by one thread, in the order made
				int write = Integer.parseInt(value.substring(value.lastIndexOf('-') + 1));
				if (write <= lastWrite.getOrDefault(event.path().toString(), -1)) {
					late++;
				}
				lastWrite.merge(event.path().toString(), write, Math::max);
			}
			assertThat(values).isEqualTo(written);
			if (late > 0) {
				outOfOrder.add("instance " + i + ": " + late + " of " + events.size() + " events");
			}
		}
		Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(handledByGroup).hasSize(total / 2));
		assertThat(handledByGroup.values()).as("each change handled once by the group").containsOnly(1);
		for (StateController instance : this.instances) {
			assertThat(instance.get("/near/w")).isEqualTo(this.instances.get(0).get("/near/w"));
			assertThat(instance.get("/plain/w")).isEqualTo(this.instances.get(0).get("/plain/w"));
		}
		assertThat(outOfOrder).as("events heard after a later one of their sequence or path").isEmpty();
	}

	@Test
	void theBackendDescribesTheClusterNodes() {
		Object description = this.members.get(0).backend().describe().toString();
		for (int port : RedisTestCluster.ports()) {
			assertThat(description.toString()).contains("127.0.0.1:" + port);
		}
		assertThat(description.toString()).contains("redis-cluster://").doesNotContain("localhost:6379");
	}

	@Test
	void aThousandConcurrentUpdatesPerNamespaceAddUpExactly() throws Exception {
		int perThread = 1_000 / (INSTANCES * THREADS) + 1;
		int updates = perThread * INSTANCES * THREADS;
		onEveryInstance((instance, thread) -> {
			for (int i = 0; i < perThread; i++) {
				instance.update("/near/counter", Integer.class, (n) -> (n == null) ? 1 : n + 1);
				instance.update("/plain/counter", Integer.class, (n) -> (n == null) ? 1 : n + 1);
			}
		});
		for (StateController instance : this.instances) {
			Awaitility.await()
				.atMost(WAIT)
				.untilAsserted(() -> assertThat(instance.get("/near/counter")).isEqualTo(updates));
			assertThat(instance.get("/plain/counter")).isEqualTo(updates);
		}
	}

	@FunctionalInterface
	private interface Work {

		void run(StateController instance, int thread);

	}

	private void onEveryInstance(Work work) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(INSTANCES * THREADS);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (StateController instance : this.instances) {
				for (int t = 0; t < THREADS; t++) {
					int thread = t;
					futures.add(pool.submit(() -> work.run(instance, thread)));
				}
			}
			for (Future<?> future : futures) {
				future.get();
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

}

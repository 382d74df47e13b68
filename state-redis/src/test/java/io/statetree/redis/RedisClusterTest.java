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
import java.util.stream.IntStream;

import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.StateStorageException;
import io.statetree.core.SubscribeOptions;
import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.CachingBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.redis.test.ConnectionKiller;
import io.statetree.redis.test.RedisTestCluster;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
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

	/**
	 * The same three instances while every master kills all its normal client connections once a
	 * second ({@link ConnectionKiller}, one per master): the writers', the feeds' and the
	 * readers' connections drop in the middle of whatever they do. Each thread alternates a write
	 * of its own path and an update of the namespace's counter, at least 8 times and on until every
	 * master has killed twice (so the kills always fall into the work). Every instance hears every change
	 * once and in order (other instances' commits by revision per namespace, its own by its
	 * hybrid's revisions, each path's writes in the order made), with no resync, and both counters
	 * add up exactly. The three instances with the plain namespace as their backend, whose
	 * revisions are the namespace's, hear its changes in exact revision order, the counter's
	 * values one by one from 1.
	 */
	@Test
	void underConnectionKillsEveryInstanceHearsEveryChangeOnceInOrderAndCountersAddUp() throws Exception {
		// each thread writes at least this many times, and on until every master killed twice
		int minWrites = 8;
		int maxWrites = 400;
		List<List<StateEvent>> heard = new ArrayList<>();
		for (StateController instance : this.instances) {
			List<StateEvent> events = new CopyOnWriteArrayList<>();
			heard.add(events);
			instance.subscribe("/near/**", events::add);
			instance.subscribe("/plain/**", events::add);
		}
		List<List<StateEvent>> heardByMembers = new ArrayList<>();
		for (StateController member : this.members) {
			List<StateEvent> events = new CopyOnWriteArrayList<>();
			heardByMembers.add(events);
			member.subscribe("/**", events::add);
		}
		Set<String> written = ConcurrentHashMap.newKeySet();
		List<LettuceConnectionFactory> killerFactories = new ArrayList<>();
		List<ConnectionKiller> killers = new ArrayList<>();
		AtomicInteger failed = new AtomicInteger();
		AtomicInteger sets = new AtomicInteger();
		Map<String, AtomicInteger> updates = Map.of("/near", new AtomicInteger(), "/plain", new AtomicInteger());
		long started = System.nanoTime();
		try {
			for (int port : RedisTestCluster.ports()) {
				LettuceConnectionFactory factory = new LettuceConnectionFactory(
						new RedisStandaloneConfiguration("127.0.0.1", port));
				factory.afterPropertiesSet();
				factory.start();
				killerFactories.add(factory);
				killers.add(ConnectionKiller.start(factory, Duration.ofSeconds(1)));
			}
			onEveryInstance((instance, thread) -> {
				for (int i = 0; i < maxWrites
						&& (i < minWrites || killers.stream().anyMatch((k) -> k.rounds() < 2)); i++) {
					String mount = (i % 2 == 0) ? "/near" : "/plain";
					String value = instance.instanceId() + "-" + thread + "-" + i;
					untilApplied(failed,
							() -> instance.set(mount + "/w/" + instance.instanceId() + "-" + thread, value));
					written.add(mount + "=" + value);
					sets.incrementAndGet();
					untilApplied(failed,
							() -> instance.update(mount + "/counter", Integer.class, (n) -> (n == null) ? 1 : n + 1));
					updates.get(mount).incrementAndGet();
				}
			});
		}
		finally {
			killers.forEach(ConnectionKiller::close);
			killerFactories.forEach(LettuceConnectionFactory::destroy);
		}
		long killed = killers.stream().mapToLong(ConnectionKiller::killed).sum();
		long worked = (System.nanoTime() - started) / 1_000_000;
		int commits = sets.get() + updates.get("/near").get() + updates.get("/plain").get();
		for (List<StateEvent> events : heard) {
			Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(events).hasSizeGreaterThanOrEqualTo(commits));
		}
		System.out.printf("RedisClusterTest: %d commits under kills (%d connections killed, %d calls failed and "
				+ "were made again) in %d ms, all heard after %d ms%n", commits, killed, failed.get(), worked,
				(System.nanoTime() - started) / 1_000_000);
		assertThat(killers).as("kill rounds per master").allMatch((k) -> k.rounds() >= 2);
		assertThat(killed).as("connections killed").isPositive();
		List<String> outOfOrder = new ArrayList<>();
		for (int i = 0; i < INSTANCES; i++) {
			List<StateEvent> events = List.copyOf(heard.get(i));
			assertThat(events).as("resyncs on instance %d", i).noneMatch(StateEvent::isResync);
			assertThat(events).as("events on instance %d", i).hasSize(commits);
			Set<String> values = new HashSet<>();
			Map<String, Long> lastRevision = new HashMap<>();
			Map<String, Integer> lastWrite = new HashMap<>();
			Map<String, List<Integer>> counters = new HashMap<>();
			int late = 0;
			for (StateEvent event : events) {
				String path = event.path().toString();
				String mount = path.startsWith("/near/") ? "/near" : "/plain";
				String sequence = mount + (event.origin().equals(this.instances.get(i).instanceId()) ? " own" : "");
				if (event.revision() <= lastRevision.getOrDefault(sequence, 0L)) {
					late++;
				}
				lastRevision.merge(sequence, event.revision(), Math::max);
				if (path.endsWith("/counter")) {
					counters.computeIfAbsent(path, (k) -> new ArrayList<>()).add((Integer) event.newValue());
					continue;
				}
				String value = (String) event.newValue();
				assertThat(values.add(mount + "=" + value)).as("heard once on instance %d: %s", i, value).isTrue();
				int write = Integer.parseInt(value.substring(value.lastIndexOf('-') + 1));
				if (write <= lastWrite.getOrDefault(path, -1)) {
					late++;
				}
				lastWrite.merge(path, write, Math::max);
			}
			assertThat(values).as("the writes heard on instance %d", i).isEqualTo(written);
			for (String mount : List.of("/near", "/plain")) {
				// the hybrid's own commits carry its own revisions: merged with the others' by neither
				assertThat(counters.get(mount + "/counter")).as("%s/counter heard on instance %d", mount, i)
					.containsExactlyInAnyOrderElementsOf(
							IntStream.rangeClosed(1, updates.get(mount).get()).boxed().toList());
			}
			if (late > 0) {
				outOfOrder.add("instance " + i + ": " + late + " of " + events.size() + " events");
			}
		}
		assertThat(outOfOrder).as("events heard after a later one of their sequence or path").isEmpty();
		for (int m = 0; m < INSTANCES; m++) {
			List<StateEvent> events = heardByMembers.get(m);
			int plainCommits = (int) written.stream().filter((w) -> w.startsWith("/plain=")).count()
					+ updates.get("/plain").get();
			Awaitility.await()
				.atMost(WAIT)
				.untilAsserted(() -> assertThat(events).hasSizeGreaterThanOrEqualTo(plainCommits));
			List<StateEvent> all = List.copyOf(events);
			assertThat(all).as("events on plain instance %d", m).hasSize(plainCommits).noneMatch(StateEvent::isResync);
			List<Long> revisions = all.stream().map(StateEvent::revision).toList();
			assertThat(revisions).as("plain instance %d hears the namespace in revision order", m)
				.isSorted()
				.doesNotHaveDuplicates();
			assertThat(all).filteredOn((e) -> e.path().toString().equals("/counter"))
				.extracting((e) -> (Integer) e.newValue())
				.as("the counter heard on plain instance %d", m)
				.containsExactlyElementsOf(IntStream.rangeClosed(1, updates.get("/plain").get()).boxed().toList());
		}
		for (StateController instance : this.instances) {
			assertThat(instance.get("/near/counter")).isEqualTo(updates.get("/near").get());
			assertThat(instance.get("/plain/counter")).isEqualTo(updates.get("/plain").get());
			assertThat(instance.get("/near/w")).isEqualTo(this.instances.get(0).get("/near/w"));
			assertThat(instance.get("/plain/w")).isEqualTo(this.instances.get(0).get("/plain/w"));
		}
	}

	/**
	 * Makes a call until it returns. A call that throws {@link StateStorageException} applied
	 * nothing (a read it made lost its connection: reads are not sent again); a commit whose
	 * outcome stayed unknown would throw too and then count twice, which the exact counters catch.
	 */
	private static void untilApplied(AtomicInteger failed, Runnable call) {
		while (true) {
			try {
				call.run();
				return;
			}
			catch (StateStorageException ex) {
				failed.incrementAndGet();
			}
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

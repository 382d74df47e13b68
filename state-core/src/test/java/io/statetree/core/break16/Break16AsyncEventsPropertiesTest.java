package io.statetree.core.break16;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Asynchronous writes mixed with synchronous ones and batches from other threads, with
 * synchronous and asynchronous dispatch, on every core backend: every commit is heard once per
 * changed path, in revision order; each event's old value is the new value of the event before
 * it for that path (nothing missing, nothing twice); the last event of a path is what a read
 * gives; and the counter updated by async {@code update}, sync {@code update} and batches holds
 * exactly the number of updates. Paths under {@code /m} are the hybrid's files, {@code /k} its memory.
 */
class Break16AsyncEventsPropertiesTest {

	private static final List<String> LEAVES = List.of("/m/x", "/m/y", "/k/z");

	@Provide
	Arbitrary<List<Integer>> script() {
		return Arbitraries.integers().between(0, 999).list().ofMinSize(5).ofMaxSize(60);
	}

	@Property(tries = 12)
	void everyChangeIsHeardOnceInOrderAndUpdatesAreExact(@ForAll("script") List<Integer> asyncScript,
			@ForAll("script") List<Integer> syncScript) throws Exception {
		for (StateController.Dispatch dispatch : StateController.Dispatch.values()) {
			for (Break16Backends backend : Break16Backends.values()) {
				check(backend, dispatch, asyncScript, syncScript);
			}
		}
	}

	private static void check(Break16Backends backend, StateController.Dispatch dispatch, List<Integer> asyncScript,
			List<Integer> syncScript) throws Exception {
		try (StateController c = backend.newController(dispatch)) {
			List<StateEvent> heard = new CopyOnWriteArrayList<>();
			c.subscribe("/**", heard::add);
			List<CompletableFuture<?>> futures = new ArrayList<>();
			int[] updates = new int[1];
			CompletableFuture<Integer> syncSide = CompletableFuture.supplyAsync(() -> {
				int n = 0;
				for (int code : syncScript) {
					String leaf = LEAVES.get(code % 3);
					switch ((code / 3) % 5) {
						case 0 -> c.set(leaf, code);
						case 1 -> c.delete(leaf);
						case 2 -> {
							c.update("/m/n", Integer.class, (v) -> (v == null) ? 1 : v + 1);
							n++;
						}
						case 3 -> {
							c.batch(() -> {
								c.update("/m/n", Integer.class, (v) -> (v == null) ? 1 : v + 1);
								c.set(leaf, -code);
							});
							n++;
						}
						default -> c.setAll(Map.of(LEAVES.get(0), code, LEAVES.get(2), code + 1));
					}
				}
				return n;
			});
			for (int code : asyncScript) {
				String leaf = LEAVES.get(code % 3);
				switch ((code / 3) % 4) {
					case 0 -> futures.add(c.async().set(leaf, code));
					case 1 -> futures.add(c.async().delete(leaf));
					case 2 -> {
						futures.add(c.async().update("/m/n", Integer.class, (v) -> (v == null) ? 1 : v + 1));
						updates[0]++;
					}
					default -> {
						Map<String, Object> writes = new HashMap<>();
						writes.put(LEAVES.get(1), code);
						writes.put(LEAVES.get(2), (code % 2 == 0) ? null : code);
						futures.add(c.async().setAll(writes));
					}
				}
			}
			int syncUpdates = syncSide.get(60, TimeUnit.SECONDS);
			for (CompletableFuture<?> f : futures) {
				f.get(60, TimeUnit.SECONDS);
			}
			// a last commit of its own: heard after every commit before it (revision order)
			c.set("/done", true);
			await().atMost(Duration.ofSeconds(30))
				.until(() -> heard.stream().anyMatch((e) -> e.path().toString().equals("/done")));
			heard.removeIf((e) -> e.path().toString().equals("/done"));
			String where = backend + " " + dispatch;
			assertThat(c.get("/m/n", Integer.class)).as(where + " update total")
				.isEqualTo((updates[0] + syncUpdates == 0) ? null : updates[0] + syncUpdates);
			long previous = 0;
			Set<String> seenThisRevision = new HashSet<>();
			Map<String, Object> lastNew = new HashMap<>();
			List<String> problems = new ArrayList<>();
			for (StateEvent e : heard) {
				if (e.revision() < previous) {
					problems.add("revision " + e.revision() + " after " + previous + " at " + e.path());
				}
				if (e.revision() != previous) {
					seenThisRevision.clear();
				}
				previous = e.revision();
				String path = e.path().toString();
				if (!seenThisRevision.add(path)) {
					problems.add("twice " + path + " at " + e.revision());
				}
				if (!Objects.equals(e.prevValue(), lastNew.get(path))) {
					problems.add(path + " at " + e.revision() + " old " + e.prevValue() + " but last heard "
							+ lastNew.get(path));
				}
				lastNew.put(path, e.newValue());
			}
			for (String leaf : LEAVES) {
				if (!Objects.equals(lastNew.get(leaf), c.get(leaf))) {
					problems.add(leaf + " last heard " + lastNew.get(leaf) + " but reads " + c.get(leaf));
				}
			}
			assertThat(problems).as(where).isEmpty();
		}
	}

}

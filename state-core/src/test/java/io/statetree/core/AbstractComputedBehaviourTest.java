package io.statetree.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;

import io.statetree.core.backend.StateBackend;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Lazy computed values (DESIGN §16) and the equality of derivations, run against every backend:
 * each backend's test class extends this one and supplies {@link #newBackend}.
 */
public abstract class AbstractComputedBehaviourTest {

	/**
	 * Creates a fresh, empty backend.
	 * @param scratch an empty directory, deleted after the test, for backends that keep files
	 * @return the backend
	 */
	protected abstract StateBackend newBackend(Path scratch);

	/**
	 * The branch the tests write under ({@code ""} for the root); a backend with mounts puts it
	 * on a mounted backend.
	 * @return the prefix, without a trailing slash
	 */
	protected String base() {
		return "";
	}

	/**
	 * How many commits the concurrent writer makes (slow backends lower it).
	 * @return the count
	 */
	protected int writerCommits() {
		return 2_000;
	}

	private final List<StateController> opened = new ArrayList<>();

	private final List<Path> scratches = new ArrayList<>();

	protected final String p(String path) {
		return base() + path;
	}

	/** A controller on a fresh backend, closed after the test. */
	protected StateController controller() {
		StateController c = StateController.builder().backend(newBackend(scratch())).build();
		this.opened.add(c);
		return c;
	}

	private Path scratch() {
		try {
			Path dir = Files.createTempDirectory("statetree-computed");
			this.scratches.add(dir);
			return dir;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@AfterEach
	void closeAll() throws IOException {
		for (StateController c : this.opened) {
			c.close();
		}
		this.opened.clear();
		for (Path dir : this.scratches) {
			try (Stream<Path> walk = Files.walk(dir)) {
				for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
					Files.deleteIfExists(path);
				}
			}
		}
		this.scratches.clear();
	}

	private static int intAt(StateView view, String path) {
		Integer value = view.get(path, Integer.class);
		return (value != null) ? value : 0;
	}

	/** A function that counts its calls. */
	private static final class Counted<T> implements Function<StateView, T> {

		final AtomicInteger calls = new AtomicInteger();

		private final Function<StateView, T> function;

		Counted(Function<StateView, T> function) {
			this.function = function;
		}

		@Override
		public T apply(StateView view) {
			this.calls.incrementAndGet();
			return this.function.apply(view);
		}

	}

	// ---- computed values ----

	@Test
	void nothingRunsBeforeTheFirstGet() {
		StateController c = controller();
		c.set(p("/a"), 1);
		Counted<Integer> f = new Counted<>((view) -> intAt(view, p("/a")) * 10);
		Computed<Integer> computed = c.computed(f);
		c.set(p("/a"), 2);
		assertThat(f.calls).hasValue(0);
		assertThat(computed.dependencies()).isEmpty();
		assertThat(computed.get()).isEqualTo(20);
		assertThat(f.calls).hasValue(1);
		assertThat(computed.dependencies()).containsExactly(StatePath.of(p("/a")));
	}

	@Test
	void aValueIsComputedOnceUntilAPathItReadChanges() {
		StateController c = controller();
		c.set(p("/a"), 1);
		c.set(p("/b"), 2);
		Counted<Integer> f = new Counted<>((view) -> intAt(view, p("/a")) + intAt(view, p("/b")));
		Computed<Integer> sum = c.computed(f);
		assertThat(sum.get()).isEqualTo(3);
		assertThat(sum.get()).isEqualTo(3);
		c.set(p("/other"), 5);
		c.set(p("/a"), 1);
		assertThat(sum.get()).isEqualTo(3);
		assertThat(f.calls).as("unrelated and equal writes compute nothing").hasValue(1);
		c.set(p("/a"), 10);
		c.set(p("/b"), 20);
		assertThat(f.calls).as("lazy: the writes alone compute nothing").hasValue(1);
		assertThat(sum.get()).isEqualTo(30);
		assertThat(sum.get()).isEqualTo(30);
		assertThat(f.calls).hasValue(2);
	}

	@Test
	void writesBelowAndAboveAPathReadRecompute() {
		StateController c = controller();
		c.set(p("/users/ann"), Map.of("admin", true));
		Counted<Integer> f = new Counted<>((view) -> {
			Object users = view.get(p("/users"));
			return (users instanceof Map<?, ?> map) ? map.size() : 0;
		});
		Computed<Integer> count = c.computed(f);
		assertThat(count.get()).isEqualTo(1);
		c.set(p("/users/bob"), Map.of("admin", false));
		assertThat(count.get()).isEqualTo(2);
		c.set(p("/users/bob/admin"), true);
		count.get();
		assertThat(f.calls).as("a write below a path read").hasValue(3);
		c.set(p("/users"), Map.of("cy", Map.of("admin", false)));
		assertThat(count.get()).as("a write replacing the branch read").isEqualTo(1);
		c.delete(p("/users"));
		assertThat(count.get()).isEqualTo(0);
		assertThat(f.calls).hasValue(5);
	}

	@Test
	void aPathNoLongerReadStopsMattering() {
		StateController c = controller();
		c.set(p("/useA"), true);
		c.set(p("/a"), 1);
		c.set(p("/b"), 2);
		Counted<Integer> f = new Counted<>((view) -> Boolean.TRUE.equals(view.get(p("/useA")))
				? intAt(view, p("/a")) : intAt(view, p("/b")));
		Computed<Integer> pick = c.computed(f);
		assertThat(pick.get()).isEqualTo(1);
		c.set(p("/useA"), false);
		assertThat(pick.get()).isEqualTo(2);
		assertThat(pick.dependencies()).containsExactlyInAnyOrder(StatePath.of(p("/useA")), StatePath.of(p("/b")));
		c.set(p("/a"), 100);
		assertThat(pick.get()).isEqualTo(2);
		assertThat(f.calls).as("/a is no longer read").hasValue(2);
		c.set(p("/b"), 3);
		assertThat(pick.get()).isEqualTo(3);
		assertThat(f.calls).hasValue(3);
	}

	@Test
	void closeStopsTheValue() {
		StateController c = controller();
		Counted<Integer> f = new Counted<>((view) -> intAt(view, p("/a")));
		Computed<Integer> computed = c.computed(f);
		assertThat(computed.get()).isEqualTo(0);
		computed.close();
		computed.close();
		c.set(p("/a"), 5);
		assertThatThrownBy(computed::get).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
		assertThat(f.calls).hasValue(1);
		assertThat(computed.dependencies()).isEmpty();
	}

	@Test
	void aClosedControllerRefusesNewValues() {
		StateController c = controller();
		Computed<Integer> computed = c.computed((view) -> intAt(view, p("/a")));
		c.close();
		assertThatThrownBy(computed::get).isInstanceOf(IllegalStateException.class);
		assertThatThrownBy(() -> c.computed((view) -> 1)).isInstanceOf(IllegalStateException.class);
	}

	@Test
	void aFunctionThatThrowsIsRethrownWrappedAndTriedAgain() {
		StateController c = controller();
		c.set(p("/a"), -1);
		Counted<Integer> f = new Counted<>((view) -> {
			int a = intAt(view, p("/a"));
			if (a < 0) {
				throw new IllegalArgumentException("negative");
			}
			return a;
		});
		Computed<Integer> computed = c.computed(f);
		assertThatThrownBy(computed::get).isInstanceOf(StateException.class)
			.hasCauseInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(computed::get).isInstanceOf(StateException.class);
		assertThat(f.calls).as("the next get tries again, even with nothing changed").hasValue(2);
		c.set(p("/a"), 4);
		assertThat(computed.get()).isEqualTo(4);
		assertThat(computed.get()).isEqualTo(4);
		assertThat(f.calls).hasValue(3);
	}

	@Test
	void aFunctionReadingItsOwnValueIsACycle() {
		StateController c = controller();
		AtomicInteger depth = new AtomicInteger();
		Computed<?>[] self = new Computed<?>[1];
		Computed<Object> computed = c.computed((view) -> {
			depth.incrementAndGet();
			return self[0].get();
		});
		self[0] = computed;
		assertThatThrownBy(computed::get).isInstanceOf(StateException.class)
			.hasRootCauseInstanceOf(IllegalStateException.class);
		assertThat(depth).hasValue(1);
	}

	@Test
	void aValueReadInsideABatchSeesTheBatchsWritesAndARollbackKeepsTheCommittedOne() {
		StateController c = controller();
		c.set(p("/a"), 1);
		Counted<Integer> f = new Counted<>((view) -> intAt(view, p("/a")));
		Computed<Integer> computed = c.computed(f);
		assertThat(computed.get()).isEqualTo(1);
		assertThatThrownBy(() -> c.batch(() -> {
			assertThat(computed.get()).as("before the batch writes").isEqualTo(1);
			c.set(p("/a"), 2);
			assertThat(computed.get()).as("the batch's own write").isEqualTo(2);
			throw new IllegalStateException("rolled back");
		})).hasMessage("rolled back");
		int calls = f.calls.get();
		assertThat(computed.get()).as("the committed value, still remembered").isEqualTo(1);
		assertThat(f.calls).as("nothing computed inside the batch was remembered").hasValue(calls);
		c.batch(() -> {
			c.set(p("/a"), 3);
			assertThat(computed.get()).isEqualTo(3);
		});
		assertThat(computed.get()).isEqualTo(3);
	}

	@Test
	void aValueReadByAnotherComputedValueInvalidatesIt() {
		StateController c = controller();
		c.set(p("/a"), 2);
		Computed<Integer> doubled = c.computed((view) -> intAt(view, p("/a")) * 2);
		Counted<Integer> f = new Counted<>((view) -> doubled.get() + 1);
		Computed<Integer> outer = c.computed(f);
		assertThat(outer.get()).isEqualTo(5);
		c.set(p("/a"), 3);
		assertThat(outer.get()).isEqualTo(7);
		assertThat(outer.get()).isEqualTo(7);
		assertThat(f.calls).hasValue(2);
	}

	@Test
	void concurrentGetsComputeOncePerChange() throws Exception {
		StateController c = controller();
		c.set(p("/a"), 1);
		java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
		Counted<Integer> f = new Counted<>((view) -> {
			int a = intAt(view, p("/a"));
			try {
				release.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return a * 3;
		});
		Computed<Integer> computed = c.computed(f);
		List<Thread> readers = new ArrayList<>();
		List<Integer> values = new CopyOnWriteArrayList<>();
		for (int i = 0; i < 4; i++) {
			Thread reader = new Thread(() -> values.add(computed.get()));
			readers.add(reader);
			reader.start();
		}
		// one reader computes (waiting on the latch), the others wait for it
		await().until(() -> readers.stream().allMatch((t) -> t.getState() == Thread.State.WAITING
				|| t.getState() == Thread.State.TIMED_WAITING));
		release.countDown();
		for (Thread reader : readers) {
			reader.join(30_000);
		}
		assertThat(values).containsExactly(3, 3, 3, 3);
		assertThat(f.calls).hasValue(1);
	}

	/**
	 * A writer keeps {@code /pair/a} and {@code /pair/b} equal, changing both in one commit each; a computed
	 * {@code a == b} read concurrently never sees them differ.
	 */
	@Test
	void aComputationReadsOneSnapshot() throws Exception {
		StateController c = controller();
		c.set(p("/pair"), Map.of("a", 0, "b", 0));
		AtomicInteger runs = new AtomicInteger();
		Computed<Boolean> equal = c.computed((view) -> {
			runs.incrementAndGet();
			Object a = view.get(p("/pair/a"));
			Thread.yield();
			return Objects.equals(a, view.get(p("/pair/b")));
		});
		AtomicBoolean done = new AtomicBoolean();
		ExecutorService pool = Executors.newFixedThreadPool(3);
		try {
			java.util.concurrent.CountDownLatch readersStarted = new java.util.concurrent.CountDownLatch(2);
			Future<?> writer = pool.submit(() -> {
				try {
					readersStarted.await(30, TimeUnit.SECONDS);
					// at least writerCommits() commits, and on until the readers computed often enough
					for (int i = 1; i <= writerCommits() || (runs.get() < 50 && i <= 100 * writerCommits()); i++) {
						int value = i;
						if (i % 2 == 0) {
							c.batch(() -> {
								c.set(p("/pair/a"), value);
								c.set(p("/pair/b"), value);
							});
						}
						else {
							// a subtree write changes both in one commit too
							c.set(p("/pair"), Map.of("a", value, "b", value));
						}
					}
					return null;
				}
				finally {
					done.set(true);
				}
			});
			List<Future<Integer>> readers = new ArrayList<>();
			for (int r = 0; r < 2; r++) {
				readers.add(pool.submit(() -> {
					int falses = 0;
					readersStarted.countDown();
					while (!done.get()) {
						if (!equal.get()) {
							falses++;
						}
					}
					return falses;
				}));
			}
			writer.get(120, TimeUnit.SECONDS);
			for (Future<Integer> reader : readers) {
				assertThat(reader.get(60, TimeUnit.SECONDS)).as("computations that saw /a and /b differ").isZero();
			}
		}
		finally {
			done.set(true);
			pool.shutdownNow();
		}
		assertThat(runs.get()).as("the readers computed while the writer ran").isGreaterThanOrEqualTo(50);
		assertThat(equal.get()).isTrue();
	}

	// ---- random writes against a direct evaluation ----

	/** One step: a write, a delete, a subtree write of the whole branch, or a get. */
	record Op(int kind, int key, int value) {
	}

	@Provide
	Arbitrary<List<Op>> ops() {
		Arbitrary<Op> op = Combinators.combine(Arbitraries.integers().between(0, 4),
				Arbitraries.integers().between(0, 3), Arbitraries.integers().between(-3, 3))
			.as(Op::new);
		return op.list().ofMinSize(1).ofMaxSize(30);
	}

	/**
	 * Random writes interleaved with gets: every get equals the function evaluated on the current
	 * tree (here: with dynamic dependencies, read through the controller directly).
	 */
	@Property(tries = 100)
	void everyGetEqualsTheFunctionOnTheCurrentTree(@ForAll("ops") List<Op> run) throws IOException {
		try {
			StateController c = controller();
			Function<StateView, Integer> function = (view) -> {
				int k0 = intAt(view, p("/k/k0"));
				// which keys are read depends on the values: dependencies change from run to run
				int sum = k0;
				for (int i = 1; i <= Math.abs(k0) && i <= 3; i++) {
					sum += intAt(view, p("/k/k" + i)) * (i + 1);
				}
				return sum;
			};
			Computed<Integer> computed = c.computed(function);
			for (Op op : run) {
				switch (op.kind()) {
					case 0, 1 -> c.set(p("/k/k" + op.key()), op.value());
					case 2 -> c.delete(p("/k/k" + op.key()));
					case 3 -> {
						Map<String, Object> branch = new java.util.HashMap<>();
						branch.put("k0", op.value());
						branch.put("k" + op.key(), -op.value());
						c.set(p("/k"), branch);
					}
					default -> assertThat(computed.get()).isEqualTo(function.apply(c));
				}
			}
			assertThat(computed.get()).isEqualTo(function.apply(c));
		}
		finally {
			closeAll();
		}
	}

	// ---- the equality of derivations ----

	private static final WriteOptions WITHIN_FIVE = WriteOptions.equality((stored, computed) -> stored instanceof Number s
			&& computed instanceof Number n && Math.abs(s.longValue() - n.longValue()) < 5);

	/** Events heard at a path, in order. */
	private static List<@Nullable Object> heard(StateController c, String pattern) {
		List<@Nullable Object> heard = new CopyOnWriteArrayList<>();
		c.subscribe(pattern, (event) -> heard.add(event.newValue()));
		return heard;
	}

	@Test
	void aDerivationWhoseEqualityHoldsWritesNothing() {
		StateController c = controller();
		c.set(p("/src"), 10);
		c.derive(StatePath.of(p("/d")), StatePath.of(p("/src")), (v) -> v, WITHIN_FIVE);
		assertThat(c.get(p("/d"))).isEqualTo(10);
		List<@Nullable Object> heard = heard(c, p("/d"));
		long before = c.revision();
		c.set(p("/src"), 12);
		assertThat(c.get(p("/d"))).as("equal by the equality: not written").isEqualTo(10);
		assertThat(c.revision()).as("one commit, the source's").isEqualTo(before + 1);
		c.set(p("/src"), 30);
		assertThat(c.get(p("/d"))).isEqualTo(30);
		await().untilAsserted(() -> assertThat(heard).containsExactly(30));
	}

	@Test
	void deriveManyAndTrackedTakeAnEquality() {
		StateController c = controller();
		c.set(p("/x"), 1);
		c.set(p("/y"), 1);
		c.deriveMany(StatePath.of(p("/sum")), List.of(StatePath.of(p("/x")), StatePath.of(p("/y"))),
				(data) -> intOf(data.get(p("/x"))) + intOf(data.get(p("/y"))), WITHIN_FIVE);
		AtomicInteger trackedRuns = new AtomicInteger();
		c.deriveTracked(StatePath.of(p("/twice")), (view) -> {
			trackedRuns.incrementAndGet();
			return intAt(view, p("/x")) * 2;
		}, WITHIN_FIVE);
		List<@Nullable Object> sums = heard(c, p("/sum"));
		List<@Nullable Object> twices = heard(c, p("/twice"));
		int registered = trackedRuns.get();
		c.set(p("/x"), 2);
		assertThat(trackedRuns.get()).as("recomputed").isGreaterThan(registered);
		assertThat(c.get(p("/sum"))).isEqualTo(2);
		assertThat(c.get(p("/twice"))).isEqualTo(2);
		c.set(p("/x"), 50);
		assertThat(c.get(p("/sum"))).isEqualTo(51);
		assertThat(c.get(p("/twice"))).isEqualTo(100);
		await().untilAsserted(() -> {
			assertThat(sums).containsExactly(51);
			assertThat(twices).containsExactly(100);
		});
	}

	@Test
	void withoutAnEqualityEveryChangeIsWritten() {
		StateController c = controller();
		c.set(p("/src"), 10);
		c.derive(StatePath.of(p("/d")), StatePath.of(p("/src")), (v) -> v, WriteOptions.defaults());
		c.set(p("/src"), 12);
		assertThat(c.get(p("/d"))).isEqualTo(12);
	}

	@Test
	void optionsOtherThanAnEqualityAreRefused() {
		StateController c = controller();
		assertThatThrownBy(() -> c.derive(StatePath.of(p("/d")), StatePath.of(p("/src")), (v) -> 1,
				WriteOptions.ttl(java.time.Duration.ofSeconds(5))))
			.isInstanceOf(IllegalArgumentException.class).hasMessageContaining(p("/d"));
		assertThatThrownBy(() -> c.deriveTracked(StatePath.of(p("/d")), (v) -> 1, WriteOptions.payload("x")))
			.isInstanceOf(IllegalArgumentException.class);
		assertThat(c.get(p("/d"))).isNull();
		assertThat(c.registrations().derivations()).isEmpty();
	}

	private static int intOf(@Nullable Object value) {
		return (value instanceof Number n) ? n.intValue() : 0;
	}

}

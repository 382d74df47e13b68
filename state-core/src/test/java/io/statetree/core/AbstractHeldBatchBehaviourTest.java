package io.statetree.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.statetree.core.backend.StateBackend;
import io.statetree.core.internal.HeldBatch;
import io.statetree.core.internal.HeldBatches;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A batch held open across calls on one thread (the seam Spring transactions use, DESIGN §14),
 * run against every backend: each backend's test class extends this one.
 */
public abstract class AbstractHeldBatchBehaviourTest {

	protected abstract StateBackend newBackend();

	private StateController controller;

	private HeldBatches seam;

	private final List<String> heard = new CopyOnWriteArrayList<>();

	@BeforeEach
	void createController() {
		this.controller = StateController.builder()
			.backend(newBackend())
			.dispatch(StateController.Dispatch.SYNC)
			.build();
		this.seam = HeldBatches.of(this.controller);
		this.controller.subscribe("/**", (event) -> this.heard.add(event.path() + "=" + event.newValue()));
	}

	@AfterEach
	void closeController() {
		this.controller.close();
	}

	@Test
	void writesAreSeenOnTheirThreadOnlyAndHeardOnlyAfterCommit() throws Exception {
		this.controller.set("/a", 1);
		this.heard.clear();
		HeldBatch held = this.seam.open();
		this.controller.set("/a", 2);
		this.controller.set("/b/c", "x");
		this.controller.increment("/n", 5);
		this.controller.update("/n", Long.class, (n) -> n + 1);
		assertThat(this.controller.get("/a")).isEqualTo(2);
		assertThat(this.controller.get("/n", Long.class)).isEqualTo(6L);
		assertThat(otherThread(() -> this.controller.get("/a"))).isEqualTo(1);
		assertThat(otherThread(() -> this.controller.exists("/b"))).isEqualTo(false);
		assertThat(this.heard).isEmpty();
		assertThat(held.paths()).containsExactly(StatePath.of("/a"), StatePath.of("/b/c"), StatePath.of("/n"));

		held.commit();

		assertThat(otherThread(() -> this.controller.get("/a"))).isEqualTo(2);
		assertThat(otherThread(() -> this.controller.get("/b/c"))).isEqualTo("x");
		assertThat(otherThread(() -> this.controller.get("/n", Long.class))).isEqualTo(6L);
		assertThat(this.heard).contains("/a=2", "/b/c=x", "/n=6").doesNotContain("/n=5");
		assertThat(held.isFinished()).isTrue();
	}

	@Test
	void discardWritesNothingAndNoOneHearsIt() {
		this.controller.set("/a", 1);
		long revision = this.controller.revision();
		this.heard.clear();
		HeldBatch held = this.seam.open();
		this.controller.set("/a", 2);
		this.controller.delete("/a");
		this.controller.ping("/p");
		held.discard();
		assertThat(this.controller.get("/a")).isEqualTo(1);
		assertThat(this.controller.revision()).isEqualTo(revision);
		assertThat(this.heard).isEmpty();
		held.commit();
		assertThat(this.controller.get("/a")).isEqualTo(1);
	}

	@Test
	void suspendedBatchLetsWritesCommitAtOnceAndResumeJoinsAgain() {
		HeldBatch outer = this.seam.open();
		this.controller.set("/outer", 1);
		outer.suspend();
		assertThat(this.controller.get("/outer")).isNull();
		this.controller.set("/plain", 1);
		assertThat(this.heard).containsExactly("/plain=1");
		HeldBatch inner = this.seam.open();
		this.controller.set("/inner", 1);
		inner.commit();
		assertThat(this.heard).contains("/inner=1");
		outer.resume();
		assertThat(this.controller.get("/outer")).isEqualTo(1);
		this.controller.set("/outer2", 2);
		outer.discard();
		assertThat(this.controller.get("/outer")).isNull();
		assertThat(this.controller.get("/outer2")).isNull();
		assertThat(this.controller.get("/plain")).isEqualTo(1);
		assertThat(this.controller.get("/inner")).isEqualTo(1);
	}

	@Test
	void batchFunctionInsideJoinsTheHeldBatch() {
		HeldBatch held = this.seam.open();
		this.controller.batch(() -> this.controller.set("/in-batch", 1));
		assertThat(otherThread(() -> this.controller.get("/in-batch"))).isNull();
		held.commit();
		assertThat(this.controller.get("/in-batch")).isEqualTo(1);
	}

	@Test
	void aValueReadThatChangedIsReadAgainByReplayingTheBatchsCalls() {
		this.controller.set("/counter", 1);
		HeldBatch held = this.seam.open();
		this.controller.update("/counter", Integer.class, (n) -> n + 1);
		this.controller.increment("/hits", 1);
		this.controller.set("/other", "x");
		assertThat(this.controller.get("/counter")).isEqualTo(2);
		otherThread(() -> this.controller.set("/counter", 10));
		otherThread(() -> this.controller.increment("/hits", 5));
		this.heard.clear();
		held.commit();
		assertThat(this.controller.get("/counter")).isEqualTo(11);
		assertThat(this.controller.get("/hits", Long.class)).isEqualTo(6L);
		assertThat(this.controller.get("/other")).isEqualTo("x");
		assertThat(this.heard).containsExactlyInAnyOrder("/counter=11", "/hits=6", "/other=x");
	}

	@Test
	void aBatchFunctionInsideIsReplayedAsAWhole() {
		this.controller.set("/n", 1);
		HeldBatch held = this.seam.open();
		this.controller.batch(() -> {
			int n = this.controller.get("/n", Integer.class);
			this.controller.set("/n", n * 2);
			this.controller.set("/seen", n);
		});
		otherThread(() -> this.controller.set("/n", 5));
		held.commit();
		assertThat(this.controller.get("/n")).isEqualTo(10);
		assertThat(this.controller.get("/seen")).isEqualTo(5);
	}

	@Test
	void aCallThatThrewAfterWritingPartOfItMakesAConflictFailTheCommitAndWriteNothing() {
		this.controller.set("/counter", 1);
		HeldBatch held = this.seam.open();
		this.controller.update("/counter", Integer.class, (n) -> n + 1);
		assertThatThrownBy(() -> this.controller.batch(() -> {
			this.controller.set("/half", 1);
			throw new IllegalStateException("boom");
		})).hasMessage("boom");
		otherThread(() -> this.controller.set("/counter", 10));
		assertThatThrownBy(held::commit).isInstanceOf(StateException.class)
			.hasMessageContaining("/counter")
			.hasMessageContaining("threw")
			.hasMessageContaining("nothing was written");
		assertThat(this.controller.get("/counter")).isEqualTo(10);
		assertThat(this.controller.get("/half")).isNull();
	}

	@Test
	void aReplayedFunctionThatThrowsFailsTheCommitAndWritesNothing() {
		this.controller.set("/counter", 1);
		HeldBatch held = this.seam.open();
		this.controller.update("/counter", Integer.class, (n) -> {
			if (n > 5) {
				throw new IllegalArgumentException("too big");
			}
			return n + 1;
		});
		this.controller.set("/other", "x");
		otherThread(() -> this.controller.set("/counter", 10));
		assertThatThrownBy(held::commit).hasMessage("too big");
		assertThat(this.controller.get("/counter")).isEqualTo(10);
		assertThat(this.controller.get("/other")).isNull();
	}

	@Test
	void rollingBackToAMarkForgetsOnlyWhatCameAfterIt() {
		HeldBatch held = this.seam.open();
		this.controller.set("/kept", 1);
		this.controller.increment("/n", 1);
		Object mark = held.mark();
		this.controller.set("/dropped", 1);
		this.controller.increment("/n", 10);
		this.controller.ping("/p");
		assertThat(this.controller.get("/n", Long.class)).isEqualTo(11L);
		held.rollbackTo(mark);
		assertThat(this.controller.get("/dropped")).isNull();
		assertThat(this.controller.get("/n", Long.class)).isEqualTo(1L);
		this.controller.set("/after", 1);
		otherThread(() -> this.controller.increment("/n", 100));
		held.commit();
		assertThat(this.controller.get("/kept")).isEqualTo(1);
		assertThat(this.controller.get("/dropped")).isNull();
		assertThat(this.controller.get("/after")).isEqualTo(1);
		assertThat(this.controller.get("/n", Long.class)).as("the replay has not the dropped call").isEqualTo(101L);
		assertThat(this.heard).doesNotContain("/p=null");
		assertThatThrownBy(() -> held.rollbackTo("other")).isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void joinerOpensABatchForTheFirstWriteOnly() {
		List<HeldBatch> opened = new ArrayList<>();
		this.seam.joiner(() -> opened.add(this.seam.open()));
		this.controller.set("/x", 1);
		this.controller.set("/y", 2);
		assertThat(opened).hasSize(1);
		assertThat(otherThread(() -> this.controller.get("/x"))).isNull();
		opened.get(0).commit();
		assertThat(this.controller.get("/x")).isEqualTo(1);
		this.seam.joiner(null);
		this.controller.set("/z", 3);
		assertThat(otherThread(() -> this.controller.get("/z"))).isEqualTo(3);
	}

	@Test
	void anotherOpenBatchIsRefused() {
		HeldBatch held = this.seam.open();
		assertThatThrownBy(this.seam::open).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("already open");
		held.discard();
	}

	/**
	 * Writes in a held batch, then committed, leave the state that the same writes in one
	 * {@code batch(...)} leave (a batch drops a branch its writes left empty, which writes made one
	 * by one keep: the batch is the contract a transaction follows).
	 */
	@Property(tries = 100)
	void committedHeldBatchEqualsTheWritesMadeOneByOne(@ForAll("operations") List<Op> ops) {
		try (StateController plain = StateController.builder().backend(newBackend()).build();
				StateController held = StateController.builder().backend(newBackend()).build()) {
			HeldBatch batch = HeldBatches.of(held).open();
			plain.batch(() -> ops.forEach((op) -> op.apply(plain)));
			ops.forEach((op) -> op.apply(held));
			batch.commit();
			assertThat(held.get("/")).isEqualTo(plain.get("/"));
		}
	}

	/** A discarded held batch leaves the state as it was, whatever it wrote. */
	@Property(tries = 100)
	void discardedHeldBatchLeavesTheStateAsItWas(@ForAll("operations") List<Op> before,
			@ForAll("operations") List<Op> inside) {
		try (StateController held = StateController.builder().backend(newBackend()).build()) {
			before.forEach((op) -> op.apply(held));
			Object was = held.get("/");
			HeldBatch batch = HeldBatches.of(held).open();
			inside.forEach((op) -> op.apply(held));
			batch.discard();
			assertThat(held.get("/")).isEqualTo(was);
		}
	}

	/**
	 * Threads commit held batches of random set, increment and update calls while plain writers
	 * change the same counters: no commit fails, each batch reads its own writes, and the final
	 * tree is the sequential model's (counters exact, each thread's own paths its last value).
	 */
	@Property(tries = 25)
	void concurrentHeldBatchesAreReplayedAndLoseNoWrite(
			@ForAll("concurrentCalls") List<List<List<Call>>> threads) throws Exception {
		try (StateController shared = StateController.builder().backend(newBackend()).build()) {
			HeldBatches seam = HeldBatches.of(shared);
			long[] counters = new long[2];
			Map<String, Integer> last = new java.util.HashMap<>();
			for (int t = 0; t < threads.size(); t++) {
				for (List<Call> batch : threads.get(t)) {
					for (Call call : batch) {
						if (call.kind() == 0) {
							last.put("/own/t" + t + "/k" + call.target(), call.value());
						}
						else {
							counters[call.target()] += call.value();
						}
					}
				}
			}
			int plainWrites = 40;
			List<CompletableFuture<Void>> runs = new ArrayList<>();
			for (int t = 0; t < threads.size(); t++) {
				int thread = t;
				runs.add(CompletableFuture.runAsync(() -> {
					for (List<Call> calls : threads.get(thread)) {
						HeldBatch held = seam.open();
						for (Call call : calls) {
							call.apply(shared, thread);
						}
						held.commit();
					}
				}));
			}
			runs.add(CompletableFuture.runAsync(() -> {
				for (int i = 0; i < plainWrites; i++) {
					shared.increment("/count/c" + (i % 2), 1);
				}
			}));
			CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
			for (int c = 0; c < 2; c++) {
				long expected = counters[c] + plainWrites / 2;
				assertThat(shared.get("/count/c" + c, Long.class, 0L)).as("/count/c" + c).isEqualTo(expected);
			}
			last.forEach((path, value) -> assertThat(shared.get(path)).as(path).isEqualTo(value));
		}
	}

	@Provide
	Arbitrary<List<List<List<Call>>>> concurrentCalls() {
		Arbitrary<Call> call = Combinators.combine(Arbitraries.integers().between(0, 2),
				Arbitraries.integers().between(0, 1), Arbitraries.integers().between(-3, 5))
			.as(Call::new);
		return call.list().ofMinSize(1).ofMaxSize(5).list().ofMinSize(1).ofMaxSize(6).list().ofMinSize(2).ofMaxSize(4);
	}

	/** A call in a held batch: 0 sets the thread's own path, 1 increments a counter, 2 updates it. */
	record Call(int kind, int target, int value) {

		void apply(StateController controller, int thread) {
			switch (this.kind) {
				case 0 -> {
					String path = "/own/t" + thread + "/k" + this.target;
					controller.set(path, this.value);
					assertThat(controller.get(path)).isEqualTo(this.value);
				}
				case 1 -> controller.increment("/count/c" + this.target, this.value);
				default -> controller.update("/count/c" + this.target, Long.class,
						(n) -> ((n != null) ? n : 0L) + this.value);
			}
		}

	}

	@Provide
	Arbitrary<List<Op>> operations() {
		Arbitrary<String> paths = Arbitraries.of("/a", "/b", "/a/x", "/c/d", "/c/e");
		Arbitrary<Integer> kinds = Arbitraries.integers().between(0, 3);
		Arbitrary<Integer> values = Arbitraries.integers().between(-3, 3);
		return Combinators.combine(kinds, paths, values).as(Op::new).list().ofMaxSize(12);
	}

	record Op(int kind, String path, int value) {

		void apply(StateController controller) {
			try {
				switch (this.kind) {
					case 0 -> controller.set(this.path, this.value);
					case 1 -> controller.delete(this.path);
					case 2 -> controller.set(this.path, Map.of("v", this.value));
					default -> controller.update(this.path, Object.class, (old) -> this.value);
				}
			}
			catch (StateWriteException ex) {
				// writing under a leaf: refused the same way on both
			}
		}

	}

	private static <T> T otherThread(java.util.function.Supplier<T> read) {
		try {
			return CompletableFuture.supplyAsync(read).get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}

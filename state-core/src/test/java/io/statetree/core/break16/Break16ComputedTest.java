package io.statetree.core.break16;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.statetree.core.Computed;
import io.statetree.core.StateController;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** README "Computed values", as a new user reads it, on every core backend. */
class Break16ComputedTest {

	@ParameterizedTest
	@EnumSource(Break16Backends.class)
	void aValueReadingGetVersionedRecomputesWhenThePathChanges(Break16Backends backend) {
		try (StateController c = backend.newController()) {
			c.set("/m/v", 1);
			AtomicInteger runs = new AtomicInteger();
			try (Computed<Object> value = c.computed((view) -> {
				runs.incrementAndGet();
				return c.getVersioned("/m/v").value();
			})) {
				assertThat(value.get()).isEqualTo(1);
				c.set("/m/v", 2);
				assertThat(value.get()).as("runs %s, dependencies %s", runs, value.dependencies()).isEqualTo(2);
			}
		}
	}

	@ParameterizedTest
	@EnumSource(Break16Backends.class)
	void aValueReadingSnapshotRecomputesWhenThePathChanges(Break16Backends backend) {
		try (StateController c = backend.newController()) {
			c.set("/m/v", 1);
			try (Computed<Object> value = c.computed((view) -> c.snapshot("/m/v").value())) {
				assertThat(value.get()).isEqualTo(1);
				c.set("/m/v", 2);
				assertThat(value.get()).as("dependencies %s", value.dependencies()).isEqualTo(2);
			}
		}
	}

	@ParameterizedTest
	@EnumSource(Break16Backends.class)
	void dynamicDependenciesArePruned(Break16Backends backend) {
		try (StateController c = backend.newController()) {
			c.setAll(Map.of("/m/flag", true, "/m/a", 1, "/m/b", 2));
			AtomicInteger runs = new AtomicInteger();
			try (Computed<Object> value = c.computed((view) -> {
				runs.incrementAndGet();
				return Boolean.TRUE.equals(view.get("/m/flag")) ? view.get("/m/a") : view.get("/m/b");
			})) {
				assertThat(value.get()).isEqualTo(1);
				c.set("/m/flag", false);
				assertThat(value.get()).isEqualTo(2);
				int after = runs.get();
				c.set("/m/a", 10);
				c.async().set("/m/a", 11).orTimeout(10, TimeUnit.SECONDS).join();
				c.async().setAll(Map.of("/m/a", 12, "/m/c", 1)).orTimeout(10, TimeUnit.SECONDS).join();
				assertThat(value.get()).isEqualTo(2);
				assertThat(runs).as("a path no longer read recomputed it").hasValue(after);
				c.async().update("/m/b", Integer.class, (v) -> v + 1).orTimeout(10, TimeUnit.SECONDS).join();
				assertThat(value.get()).isEqualTo(3);
			}
		}
	}

	@ParameterizedTest
	@EnumSource(Break16Backends.class)
	void noGlitchUnderConcurrentAsyncAndSyncWriters(Break16Backends backend) throws Exception {
		try (StateController c = backend.newController()) {
			c.setAll(Map.of("/m/a", 0, "/k/b", 0));
			AtomicInteger unequal = new AtomicInteger();
			AtomicInteger gets = new AtomicInteger();
			try (Computed<Boolean> equal = c.computed((view) -> Objects.equals(view.get("/m/a"), view.get("/k/b")))) {
				AtomicBoolean done = new AtomicBoolean();
				CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
					List<CompletableFuture<Boolean>> pending = new ArrayList<>();
					for (int i = 1; i <= 300; i++) {
						int v = i;
						switch (i % 3) {
							case 0 -> c.setAll(Map.of("/m/a", v, "/k/b", v));
							case 1 -> pending.add(c.async().setAll(Map.of("/m/a", v, "/k/b", v)));
							default -> c.batch(() -> {
								c.set("/m/a", v);
								c.set("/k/b", v);
							});
						}
					}
					pending.forEach((f) -> f.orTimeout(30, TimeUnit.SECONDS).join());
					done.set(true);
				});
				while (!done.get()) {
					gets.incrementAndGet();
					if (!equal.get()) {
						unequal.incrementAndGet();
					}
				}
				writer.get(60, TimeUnit.SECONDS);
			}
			assertThat(unequal).as("half commits seen in %s gets", gets).hasValue(0);
		}
	}

	@ParameterizedTest
	@EnumSource(Break16Backends.class)
	void closingUnderAConcurrentWriterStopsItAndTheWriterNeverFails(Break16Backends backend) throws Exception {
		try (StateController c = backend.newController()) {
			Computed<Object> value = c.computed((view) -> view.get("/m/a"));
			List<Throwable> writerFailures = new CopyOnWriteArrayList<>();
			List<Throwable> readerFailures = new CopyOnWriteArrayList<>();
			AtomicBoolean stop = new AtomicBoolean();
			CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
				// until stopped: a writer that ran out of writes before the close (5,000 did, on a
				// loaded CI machine, while the test thread waited to see 50) could never show 50 more
				for (int i = 0; !stop.get(); i++) {
					try {
						if (i % 2 == 0) {
							c.set("/m/a", i);
						}
						else {
							c.async().set("/m/a", i).join();
						}
					}
					catch (Throwable ex) {
						writerFailures.add(ex);
					}
				}
			});
			CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
				while (!stop.get()) {
					try {
						value.get();
					}
					catch (IllegalStateException ex) {
						// closed: expected
					}
					catch (Throwable ex) {
						readerFailures.add(ex);
					}
				}
			});
			try {
				await().atMost(Duration.ofSeconds(30)).until(() -> c.revision() > 50);
				value.close();
				long closedAt = c.revision();
				await().atMost(Duration.ofSeconds(30)).until(() -> c.revision() > closedAt + 50);
			}
			finally {
				stop.set(true);
			}
			writer.get(30, TimeUnit.SECONDS);
			reader.get(30, TimeUnit.SECONDS);
			assertThatThrownBy(value::get).isInstanceOf(IllegalStateException.class);
			assertThat(writerFailures).isEmpty();
			assertThat(readerFailures).isEmpty();
		}
	}

	@ParameterizedTest
	@EnumSource(Break16Backends.class)
	void aThrowingFunctionIsWrappedAndTriedAgainOnTheNextGet(Break16Backends backend) {
		try (StateController c = backend.newController()) {
			c.set("/m/secret", "hunter2");
			AtomicInteger runs = new AtomicInteger();
			try (Computed<Object> value = c.computed((view) -> {
				Object secret = view.get("/m/secret");
				if (runs.incrementAndGet() < 3) {
					throw new IllegalArgumentException("bad " + secret);
				}
				return secret;
			})) {
				assertThatThrownBy(value::get).isInstanceOf(io.statetree.core.StateException.class)
					.hasCauseInstanceOf(IllegalArgumentException.class)
					.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("hunter2"));
				assertThatThrownBy(value::get).isInstanceOf(io.statetree.core.StateException.class);
				assertThat(value.get()).isEqualTo("hunter2");
				assertThat(runs).hasValue(3);
			}
		}
	}

}

package io.statetree.core.break16;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.statetree.core.AsyncStateController;
import io.statetree.core.Computed;
import io.statetree.core.StateController;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Quick probes of the README's promises, on every core backend. */
class Break16AsyncProbeTest {

	@ParameterizedTest
	@EnumSource(Break16Backends.class)
	void aValueChangedAfterTheAsyncCallIsNotWhatIsWritten(Break16Backends backend) {
		try (StateController c = backend.newController()) {
			AsyncStateController a = c.async();
			List<Integer> list = new ArrayList<>(List.of(1));
			CompletableFuture<Boolean> f = a.set("/m/list", list);
			list.add(2);
			f.orTimeout(10, TimeUnit.SECONDS).join();
			assertThat(c.get("/m/list")).isEqualTo(List.of(1));
		}
	}

	@ParameterizedTest
	@EnumSource(Break16Backends.class)
	void aMapReusedAfterAsyncSetAllIsNotWhatIsWritten(Break16Backends backend) {
		try (StateController c = backend.newController()) {
			AsyncStateController a = c.async();
			Map<String, Object> buffer = new HashMap<>();
			buffer.put("/m/one", 1);
			CompletableFuture<Boolean> f = a.setAll(buffer);
			buffer.clear();
			buffer.put("/m/two", 2);
			f.orTimeout(10, TimeUnit.SECONDS).join();
			assertThat(c.get("/m/one")).isEqualTo(1);
			assertThat(c.get("/m/two")).isNull();
		}
	}

	@ParameterizedTest
	@EnumSource(Break16Backends.class)
	void cancellingQueuedFuturesKeepsTheCallOrderAndTheRest(Break16Backends backend) {
		try (StateController c = backend.newController()) {
			List<Object> heard = new CopyOnWriteArrayList<>();
			c.subscribe("/m/o", (event) -> heard.add(event.newValue()));
			AsyncStateController a = c.async();
			List<CompletableFuture<Boolean>> futures = new ArrayList<>();
			for (int i = 1; i <= 50; i++) {
				futures.add(a.set("/m/o", i));
				if (i % 2 == 1) {
					futures.get(i - 1).cancel(true);
				}
				if (i % 7 == 0) {
					futures.get(i - 1).completeExceptionally(new IllegalStateException("user gave up"));
				}
			}
			CompletableFuture<Boolean> last = a.set("/m/o", 51);
			last.orTimeout(20, TimeUnit.SECONDS).join();
			assertThat(c.get("/m/o")).isEqualTo(51);
			// each write is heard at most once, in call order
			List<Integer> ints = heard.stream().map((v) -> (Integer) v).toList();
			assertThat(ints).isSorted().doesNotHaveDuplicates().endsWith(51);
		}
	}

	@ParameterizedTest
	@EnumSource(Break16Backends.class)
	void aTimedOutFutureDoesNotStopTheNextCalls(Break16Backends backend) {
		try (StateController c = backend.newController()) {
			AsyncStateController a = c.async();
			for (int i = 0; i < 20; i++) {
				a.set("/m/t" + i, i).orTimeout(1, TimeUnit.NANOSECONDS);
			}
			assertThat(a.update("/m/n", Integer.class, (v) -> (v == null) ? 1 : v + 1)
				.orTimeout(20, TimeUnit.SECONDS)
				.join()).isEqualTo(1);
			for (int i = 0; i < 20; i++) {
				assertThat(c.get("/m/t" + i)).isEqualTo(i);
			}
		}
	}

	@ParameterizedTest
	@EnumSource(Break16Backends.class)
	void aNullComputedValueIsRemembered(Break16Backends backend) {
		try (StateController c = backend.newController()) {
			AtomicInteger runs = new AtomicInteger();
			try (Computed<Object> value = c.computed((view) -> {
				runs.incrementAndGet();
				return view.get("/m/absent");
			})) {
				assertThat(value.get()).isNull();
				assertThat(value.get()).isNull();
				assertThat(value.get()).isNull();
				assertThat(runs).hasValue(1);
				c.set("/m/other", 1);
				assertThat(value.get()).isNull();
				assertThat(runs).hasValue(1);
				c.set("/m/absent", 2);
				assertThat(value.get()).isEqualTo(2);
				assertThat(runs).hasValue(2);
			}
		}
	}

	@ParameterizedTest
	@EnumSource(Break16Backends.class)
	void setAllDoesNotDependOnTheMapsOrder(Break16Backends backend) {
		List<String> outcomes = new ArrayList<>();
		for (boolean reversed : new boolean[] { false, true }) {
			try (StateController c = backend.newController()) {
				Map<String, Object> writes = new LinkedHashMap<>();
				if (reversed) {
					writes.put("/m/a/c", 2);
					writes.put("/m/a", Map.of("b", 1));
				}
				else {
					writes.put("/m/a", Map.of("b", 1));
					writes.put("/m/a/c", 2);
				}
				Throwable failure = catchThrowable(() -> c.setAll(writes));
				outcomes.add((failure == null) ? String.valueOf(c.get("/m/a")) : failure.getClass().getSimpleName());
			}
		}
		assertThat(outcomes.get(1)).as("reversed against in order").isEqualTo(outcomes.get(0));
	}

	@ParameterizedTest
	@EnumSource(Break16Backends.class)
	void aComputedValueReadingThroughChildNamesAndExistsFollowsThem(Break16Backends backend) {
		try (StateController c = backend.newController()) {
			c.set("/m/users/ada", 1);
			try (Computed<Integer> names = c.computed((view) -> c.childNames("/m/users").size());
					Computed<Boolean> exists = c.computed((view) -> c.exists("/m/flag"))) {
				assertThat(names.get()).isEqualTo(1);
				assertThat(exists.get()).isFalse();
				c.set("/m/users/bob", 2);
				c.set("/m/flag", true);
				assertThat(names.get()).isEqualTo(2);
				assertThat(exists.get()).isTrue();
			}
		}
	}

	@ParameterizedTest
	@EnumSource(Break16Backends.class)
	void aComputedValueReadingThroughAsyncGetFollowsIt(Break16Backends backend) {
		try (StateController c = backend.newController()) {
			c.set("/m/x", 1);
			try (Computed<Object> value = c.computed((view) -> c.async().get("/m/x").join())) {
				assertThat(value.get()).isEqualTo(1);
				c.set("/m/x", 2);
				assertThat(value.get()).isEqualTo(2);
			}
		}
	}


	@ParameterizedTest
	@EnumSource(Break16Backends.class)
	void aWritesFutureCompletesAfterItsCommitIsVisibleAndSyncListenersHeardIt(Break16Backends backend) {
		try (StateController c = backend.newController()) {
			java.util.Set<String> heard = java.util.concurrent.ConcurrentHashMap.newKeySet();
			c.subscribe("/m/**", (e) -> heard.add(e.path().toString()));
			List<String> problems = new CopyOnWriteArrayList<>();
			List<CompletableFuture<?>> futures = new ArrayList<>();
			for (int i = 0; i < 100; i++) {
				String path = "/m/k" + i;
				int value = i;
				CompletableFuture<?> f = switch (i % 3) {
					case 0 -> c.async().set(path, value);
					case 1 -> c.async().setAll(Map.of(path, value));
					default -> c.async().update(path, Integer.class, (v) -> value);
				};
				futures.add(f.thenRun(() -> {
					if (!Integer.valueOf(value).equals(c.get(path))) {
						problems.add(path + " not visible when its future completed");
					}
					if (!heard.contains(path)) {
						problems.add(path + " not heard when its future completed");
					}
				}));
			}
			futures.forEach((f) -> f.orTimeout(30, TimeUnit.SECONDS).join());
			assertThat(problems).isEmpty();
		}
	}

	@ParameterizedTest
	@EnumSource(Break16Backends.class)
	void anUpdateFunctionsExceptionIsTheSyncOneWrappedAndNothingIsWritten(Break16Backends backend) {
		try (StateController c = backend.newController()) {
			c.set("/m/n", 1);
			long revision = c.revision();
			IllegalArgumentException thrown = new IllegalArgumentException("no");
			Throwable sync = catchThrowable(() -> c.update("/m/n", Integer.class, (v) -> {
				throw thrown;
			}));
			Throwable async = catchThrowable(() -> c.async().update("/m/n", Integer.class, (v) -> {
				throw thrown;
			}).orTimeout(10, TimeUnit.SECONDS).join());
			assertThat(async).isInstanceOf(java.util.concurrent.CompletionException.class);
			assertThat(async.getCause()).isSameAs(sync);
			assertThat(c.revision()).isEqualTo(revision);
			assertThat(c.get("/m/n")).isEqualTo(1);
		}
	}

	@ParameterizedTest
	@EnumSource(Break16Backends.class)
	void badSetAllArgumentsAreAFailedFutureAndWriteNothing(Break16Backends backend) {
		try (StateController c = backend.newController()) {
			c.set("/m/keep", 1);
			long revision = c.revision();
			Map<String, Object> nullKey = new HashMap<>();
			nullKey.put(null, 1);
			nullKey.put("/m/fine", 2);
			List<Map<String, Object>> bad = new ArrayList<>();
			bad.add(null);
			bad.add(nullKey);
			for (Map<String, Object> writes : bad) {
				Throwable sync = catchThrowable(() -> c.setAll(writes));
				assertThat(sync).as("sync " + writes).isNotNull();
				CompletableFuture<Boolean>[] future = new CompletableFuture[1];
				assertThat(catchThrowable(() -> future[0] = c.async().setAll(writes))).as("async threw " + writes)
					.isNull();
				Throwable async = catchThrowable(() -> future[0].orTimeout(10, TimeUnit.SECONDS).join());
				assertThat(async).isInstanceOf(java.util.concurrent.CompletionException.class);
				assertThat(async.getCause()).hasSameClassAs(sync);
				assertThat(c.revision()).isEqualTo(revision);
				assertThat(c.get("/m/fine")).isNull();
			}
			assertThat(c.setAll(Map.of())).isFalse();
			assertThat(c.async().setAll(Map.of()).orTimeout(10, TimeUnit.SECONDS).join()).isFalse();
			assertThat(c.revision()).isEqualTo(revision);
		}
	}

	@ParameterizedTest
	@EnumSource(Break16Backends.class)
	void agreeingOverlapsAreHeardOncePerPath(Break16Backends backend) {
		try (StateController c = backend.newController()) {
			List<String> heard = new CopyOnWriteArrayList<>();
			c.subscribe("/**", (e) -> heard.add(e.path() + "@" + e.revision()));
			Map<String, Object> writes = new LinkedHashMap<>();
			writes.put("/m/a", Map.of("b", 1));
			writes.put("/m/a/b", 1);
			writes.put("/k/c", 2);
			assertThat(c.async().setAll(writes).orTimeout(10, TimeUnit.SECONDS).join()).isTrue();
			org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
				.until(() -> heard.stream().anyMatch((h) -> h.startsWith("/k/c")));
			assertThat(heard).doesNotHaveDuplicates();
			assertThat(heard.stream().map((h) -> h.substring(h.indexOf('@'))).distinct()).hasSize(1);
			assertThat(c.get("/m/a")).isEqualTo(Map.of("b", 1));
		}
	}

}

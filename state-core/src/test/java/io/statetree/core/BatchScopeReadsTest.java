package io.statetree.core;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;

import io.statetree.core.internal.HeldBatch;
import io.statetree.core.internal.HeldBatches;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * One example per decision on what reads and registrations inside a batch do (README "Batches and
 * update", "Transactions"; the property {@link AbstractBatchReadsProperties} covers them on every
 * backend): a computed value, {@code revision()}, {@code history}, a listener and watches
 * registered inside, a watch that must resync, and derived values in a held batch (a Spring
 * transaction's).
 */
class BatchScopeReadsTest {

	private final StateController c = StateController.builder().historySize(3).build();

	@AfterEach
	void close() {
		this.c.close();
	}

	@Test
	void aComputedValueReadInsideABatchIsCheckedAtItsCommitLikeTheBatchsOwnReads() {
		this.c.set("/price", 10);
		Computed<Integer> doubled = this.c.computed((view) -> 2 * view.get(StatePath.of("/price"), Integer.class));
		AtomicInteger runs = new AtomicInteger();
		this.c.batch(() -> {
			int value = doubled.get();
			if (runs.incrementAndGet() == 1) {
				// another thread changes what the computed value read before this batch commits
				CompletableFuture.runAsync(() -> this.c.set("/price", 11)).join();
			}
			this.c.set("/quote", value);
		});
		assertThat(runs).as("the batch ran again on fresh state").hasValue(2);
		assertThat(this.c.get("/quote")).as("no write lost").isEqualTo(22);
		assertThat(doubled.get()).isEqualTo(22);
	}

	@Test
	void aComputedValueThatReadsItselfInsideABatchIsACycle() {
		Computed<?>[] self = new Computed<?>[1];
		Computed<Object> computed = this.c.computed((view) -> self[0].get());
		self[0] = computed;
		this.c.batch(() -> {
			this.c.set("/a", 1);
			assertThatThrownBy(computed::get).isInstanceOf(StateException.class)
				.hasRootCauseInstanceOf(IllegalStateException.class);
		});
	}

	@Test
	void revisionAndHistoryInsideABatchAreThoseOfTheCommittedState() {
		this.c.set("/a", 1);
		long base = this.c.revision();
		this.c.batch(() -> {
			this.c.set("/a", 2);
			this.c.set("/b", 2);
			assertThat(this.c.revision()).as("the batch's writes have no revision yet").isEqualTo(base);
			assertThat(this.c.history(base, 10)).as("nor a commit in the history").isEmpty();
			assertThat(this.c.history(base - 1, 10)).extracting(Commit::revision).containsExactly(base);
		});
		assertThat(this.c.revision()).isEqualTo(base + 1);
		assertThat(this.c.history(base, 10)).singleElement()
			.satisfies((commit) -> assertThat(commit.changes()).extracting((change) -> change.path().toString())
				.containsExactlyInAnyOrder("/a", "/b"));
	}

	@Test
	void aListenerAndWatchesRegisteredInsideABatchHearItsCommitOnceAndNothingOfARollback() {
		this.c.set("/a", 1);
		long base = this.c.revision();
		List<String> heard = new CopyOnWriteArrayList<>();
		Collector live = new Collector();
		Collector fromBase = new Collector();
		assertThatThrownBy(() -> this.c.batch(() -> {
			this.c.set("/a", 2);
			this.c.subscribe("/a", (event) -> heard.add(event.revision() + " " + event.newValue()));
			this.c.watch("/a").subscribe(live);
			this.c.watch("/a", this.c.getVersioned("/a").revision()).subscribe(fromBase);
			throw new IllegalStateException("rolled back");
		})).hasMessage("rolled back");
		this.c.batch(() -> this.c.set("/a", 3));
		soon().untilAsserted(() -> {
			assertThat(heard).as("listener").containsExactly((base + 1) + " 3");
			assertThat(live.heard).as("watch").containsExactly((base + 1) + " 3");
			assertThat(fromBase.heard).as("watch from the base").containsExactly((base + 1) + " 3");
		});
		List<String> second = new CopyOnWriteArrayList<>();
		Collector replayed = new Collector();
		this.c.batch(() -> {
			this.c.set("/a", 4);
			this.c.subscribe("/a", (event) -> second.add(event.revision() + " " + event.newValue()));
			this.c.watch("/a", this.c.getVersioned("/a").revision()).subscribe(replayed);
		});
		soon().untilAsserted(() -> {
			assertThat(second).containsExactly((base + 2) + " 4");
			assertThat(replayed.heard).as("no gap and no duplicate at the seam").containsExactly((base + 2) + " 4");
		});
	}

	@Test
	void aWatchThatResyncsInsideABatchCarriesTheCommittedValueNeverThePendingOne() {
		for (int i = 1; i <= 6; i++) {
			this.c.set("/a/n", i);
		}
		Collector watch = new Collector();
		assertThatThrownBy(() -> this.c.batch(() -> {
			this.c.set("/a/n", 99);
			// revision 1 is no longer in the history of 3 commits: the watch starts with a resync
			this.c.watch("/a/**", 1).subscribe(watch);
			throw new IllegalStateException("rolled back");
		})).hasMessage("rolled back");
		this.c.set("/a/n", 7);
		soon().untilAsserted(() -> assertThat(watch.heard).containsExactly("resync 6 " + Map.of("n", 6),
				"7 7"));
	}

	@Test
	void derivedValuesAndComputedValuesInsideAHeldBatchAgreeWithItsWrites() {
		this.c.derive("/cart/double", "/cart/items", (items) -> (items instanceof Integer n) ? 2 * n : null);
		Computed<Object> shown = this.c.computed((view) -> view.get(StatePath.of("/cart/double")));
		HeldBatches seam = HeldBatches.of(this.c);
		assertThat(seam).isNotNull();
		HeldBatch held = seam.open();
		try {
			this.c.set("/cart/items", 4);
			assertThat(this.c.get("/cart/double")).isEqualTo(8);
			assertThat(this.c.get("/cart")).isEqualTo(Map.of("items", 4, "double", 8));
			assertThat(this.c.exists("/cart/double")).isTrue();
			assertThat(this.c.childNames("/cart")).containsExactlyInAnyOrder("items", "double");
			assertThat(this.c.async().get("/cart/double", Integer.class).join()).isEqualTo(8);
			assertThat(shown.get()).isEqualTo(8);
			assertThat(CompletableFuture.supplyAsync(() -> this.c.get("/cart/double")).join())
				.as("other threads do not see it").isNull();
		}
		finally {
			held.discard();
		}
		assertThat(this.c.get("/cart/double")).isNull();
		assertThat(shown.get()).isNull();
	}

	@Test
	void aCallOutsideEveryBatchCommitsAtOnceWhileAHeldBatchIsOpenAndTheBatchIsBackAfterIt() {
		HeldBatches seam = HeldBatches.of(this.c);
		assertThat(seam).isNotNull();
		List<String> heard = new CopyOnWriteArrayList<>();
		this.c.subscribe("/**", (event) -> heard.add(event.path() + "@" + event.revision()));
		long base = this.c.revision();
		HeldBatch held = seam.open();
		try {
			this.c.set("/tx", 1);
			Object seen = seam.outside(() -> {
				assertThat(this.c.set("/ops", "drain")).isTrue();
				assertThat(this.c.revision()).as("committed at once").isEqualTo(base + 1);
				return this.c.get("/tx");
			});
			assertThat(seen).as("reads outside read the committed state").isNull();
			assertThat(heard).as("heard at once").containsExactly("/ops@" + (base + 1));
			assertThat(this.c.get("/tx")).as("the held batch is back").isEqualTo(1);
			this.c.set("/tx", 2);
		}
		finally {
			held.discard();
		}
		assertThat(this.c.get("/ops")).isEqualTo("drain");
		assertThat(this.c.get("/tx")).isNull();
		// with a joiner that would open a batch for every write (a Spring transaction's), too
		HeldBatch[] joined = new HeldBatch[1];
		seam.joiner(() -> joined[0] = seam.open());
		try {
			seam.outside(() -> this.c.set("/ops", "open"));
			assertThat(joined[0]).as("no batch opened for it").isNull();
		}
		finally {
			seam.joiner(null);
		}
		assertThat(CompletableFuture.supplyAsync(() -> this.c.get("/ops")).join()).isEqualTo("open");
	}

	/** A subscriber that asks for everything and keeps "revision newValue" (or "resync revision value"). */
	private static final class Collector implements Flow.Subscriber<StateEvent> {

		final List<String> heard = new CopyOnWriteArrayList<>();

		@Override
		public void onSubscribe(Flow.Subscription subscription) {
			subscription.request(Long.MAX_VALUE);
		}

		@Override
		public void onNext(StateEvent item) {
			this.heard.add((item.isResync() ? "resync " : "") + item.revision() + " "
					+ AbstractBatchReadsProperties.pruned(item.newValue()));
		}

		@Override
		public void onError(Throwable throwable) {
			this.heard.add("error " + throwable);
		}

		@Override
		public void onComplete() {
		}

	}

	/** Waits without the default poll delay, which would make every wait last at least 100 ms. */
	private static ConditionFactory soon() {
		return await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5)).atMost(Duration.ofSeconds(10));
	}

}

package io.statetree.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.statetree.core.backend.StateBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Expiring and instance-bound entries (DESIGN §12), run against every backend that keeps
 * lifetimes: each backend's test class extends this one and supplies {@link #newBackend}. The
 * tests of the real-time bound run in real time with short times to live (100 to 1200 ms); the
 * deletion must come within one second of the due time, never before it. The tests of what a
 * rewrite, a delete or a write above does to a lifetime run on a virtual clock where the backend
 * takes one ({@link #newBackend(Path, LongSupplier)}), so that no stall of a loaded machine between
 * two writes can outlive a time to live; there, time passes only when the test says so, and a
 * later marker write (every commit first deletes what is due) shows that nothing was left to
 * expire, instead of a wait for nothing to happen.
 */
public abstract class AbstractExpiryBehaviourTest extends ExpiryTestSupport {

	// ---- time to live ----

	@ParameterizedTest
	@EnumSource(StateController.Dispatch.class)
	void aValueReadsNullOnceDueAndIsDeletedByOneExpiryCommit(StateController.Dispatch dispatch) {
		StateController c = controller(dispatch);
		Heard heard = listen(c, "/**");
		long before = System.nanoTime();
		c.set("/k", "v", WriteOptions.ttl(BEFORE_DUE));
		long after = System.nanoTime();
		assertThat(c.get("/k")).isEqualTo("v");
		assertThat(c.timeToLive("/k")).isPositive().isLessThanOrEqualTo(BEFORE_DUE);
		await().atMost(WAIT).until(() -> c.get("/k") == null);
		assertThat(millisSince(before)).as("not before the due time").isGreaterThanOrEqualTo(BEFORE_DUE.toMillis() - 5);
		await().atMost(WAIT).until(() -> heard.expiries().size() == 1);
		StateEvent expiry = heard.expiries().get(0);
		int index = heard.events.indexOf(expiry);
		assertThat((heard.at.get(index) - after) / 1_000_000).as("heard within 1 s of the due time")
			.isLessThanOrEqualTo(BEFORE_DUE.plus(LATE).toMillis());
		assertThat(expiry.path()).hasToString("/k");
		assertThat(expiry.prevValue()).isEqualTo("v");
		assertThat(expiry.newValue()).isNull();
		assertThat(expiry.actor()).isNull();
		assertThat(heard.writes()).hasSize(1).allSatisfy((e) -> assertThat(e.isExpiry()).isFalse());
		List<Commit> expiries = expiryCommits(c);
		assertThat(expiries).hasSize(1);
		assertThat(expiries.get(0).revision()).isEqualTo(expiry.revision());
		assertThat(expiries.get(0).changes()).extracting((p) -> p.path().toString()).containsExactly("/k");
		assertThat(c.history(0, 100).stream().filter((commit) -> !commit.expiry())).hasSize(1);
		assertThat(c.timeToLive("/k")).isNull();
		assertThat(c.exists("/k")).isFalse();
		assertThat(c.childNames(StatePath.ROOT)).doesNotContain("k");
	}

	@ParameterizedTest
	@EnumSource(StateController.Dispatch.class)
	void eachExpiringEntryHasItsOwnExpiryCommit(StateController.Dispatch dispatch) {
		StateController c = controller(dispatch);
		Heard heard = listen(c, "/keys/*");
		for (int i = 0; i < 20; i++) {
			c.set("/keys/k" + i, i, WriteOptions.ttl(Duration.ofMillis(150)));
		}
		c.set("/keys/stays", 1);
		await().atMost(WAIT).until(() -> heard.expiries().size() == 20);
		assertThat(heard.expiries()).extracting((e) -> e.path().toString()).doesNotHaveDuplicates();
		List<Commit> expiries = expiryCommits(c);
		assertThat(expiries).hasSize(20).allSatisfy((commit) -> assertThat(commit.changes()).hasSize(1));
		assertThat(expiries).extracting(Commit::revision).isSorted().doesNotHaveDuplicates();
		assertThat(c.childNames("/keys")).containsExactly("stays");
		holdsFor(Duration.ofMillis(300), () -> heard.expiries().size() == 20 && expiryCommits(c).size() == 20);
	}

	@Test
	void aRewriteWithoutTimeToLiveMakesTheValuePermanent() {
		Timed t = timed(StateController.Dispatch.SYNC);
		StateController c = t.c;
		Heard heard = listen(c, "/k");
		c.set("/k", "v", WriteOptions.ttl(Duration.ofMillis(150)));
		c.set("/k", "w");
		long rewrite = c.revision();
		assertThat(c.timeToLive("/k")).isNull();
		t.pass(Duration.ofMillis(400));
		c.set("/later", 1); // every commit first deletes what is due: a lifetime left on /k would go here
		assertThat(c.get("/k")).isEqualTo("w");
		if (t.virtual()) {
			assertThat(heard.expiries()).isEmpty();
			assertThat(expiryCommits(c)).isEmpty();
		}
		// in real time the first value may expire before the rewrite on a loaded machine (correctly);
		// what must never happen is an expiry of the rewritten, permanent value
		assertThat(heard.expiries()).allSatisfy((e) -> assertThat(e.revision()).isLessThan(rewrite));
		assertThat(expiryCommits(c)).allSatisfy((commit) -> assertThat(commit.revision()).isLessThan(rewrite));
	}

	/**
	 * The rewrite comes well after the first write (half the time to live), so that the time left
	 * after a restarted clock and the time left without one differ by more than the machine can
	 * stall between the rewrite and the read of the time left; each bound is taken from clock
	 * readings around the calls, not from how long the test meant to wait.
	 */
	@Test
	void anEqualRewriteWithTimeToLiveRestartsTheClockWithoutAnEvent() {
		Timed t = timed(StateController.Dispatch.SYNC);
		if (t.virtual()) {
			anEqualRewriteWithTimeToLiveRestartsTheClockWithoutAnEvent(t);
			return;
		}
		StateController c = t.c;
		Heard heard = listen(c, "/**");
		Duration ttl = Duration.ofMillis(1200);
		c.set("/k", "v", WriteOptions.ttl(ttl));
		long firstWritten = System.nanoTime();
		long revision = c.revision();
		await().pollDelay(Duration.ofMillis(600)).atMost(WAIT).until(() -> true);
		long restarted = System.nanoTime();
		assertThat(c.set("/k", "v", WriteOptions.ttl(ttl))).isFalse();
		Duration left = c.timeToLive("/k");
		long asked = System.nanoTime();
		assertThat(c.revision()).as("no revision for an equal value").isEqualTo(revision);
		assertThat(heard.events).hasSize(1);
		// a restarted clock: due no earlier than the rewrite plus the time to live (2 ms for clocks in whole ms)
		assertThat(left).isNotNull()
			.isGreaterThanOrEqualTo(ttl.minusNanos(asked - restarted).minusMillis(2));
		if (asked - restarted < restarted - firstWritten) {
			// the first due time would leave less than that
			assertThat(left).isGreaterThan(ttl.minusNanos(restarted - firstWritten));
		}
		// past the first due time it is still there
		await().atMost(WAIT).until(() -> millisSince(firstWritten) >= ttl.toMillis() + 50);
		Object there = c.get("/k");
		if (millisSince(restarted) < ttl.toMillis()) {
			assertThat(there).isEqualTo("v");
		}
		await().atMost(WAIT).until(() -> heard.expiries().size() == 1);
		assertThat(TimeUnit.NANOSECONDS.toMillis(heard.at.get(1) - restarted))
			.isGreaterThanOrEqualTo(ttl.toMillis() - 2);
		assertThat(expiryCommits(c)).hasSize(1);
	}

	/** The same on a virtual clock: the time left is exact, and nothing races the due times. */
	private void anEqualRewriteWithTimeToLiveRestartsTheClockWithoutAnEvent(Timed t) {
		StateController c = t.c;
		Heard heard = listen(c, "/k");
		Duration ttl = Duration.ofMillis(1200);
		c.set("/k", "v", WriteOptions.ttl(ttl));
		long revision = c.revision();
		t.pass(Duration.ofMillis(600));
		assertThat(c.timeToLive("/k")).isEqualTo(Duration.ofMillis(600));
		assertThat(c.set("/k", "v", WriteOptions.ttl(ttl))).isFalse();
		assertThat(c.revision()).as("no revision for an equal value").isEqualTo(revision);
		assertThat(c.timeToLive("/k")).as("the clock restarts").isEqualTo(ttl);
		// past the first due time it is still there, and a commit finds nothing due
		t.pass(Duration.ofMillis(650));
		assertThat(c.get("/k")).isEqualTo("v");
		c.set("/later", 1);
		assertThat(expiryCommits(c)).isEmpty();
		assertThat(c.timeToLive("/k")).isEqualTo(Duration.ofMillis(550));
		// due at the rewrite plus the time to live
		t.pass(Duration.ofMillis(551));
		assertThat(c.get("/k")).isNull();
		c.set("/later", 2);
		// the expiry commit may be the timer's (it reads the virtual clock too, once its real-time
		// wait for the old due time ran out on a stalled test), heard on its thread after the commit
		await().atMost(WAIT).until(() -> heard.events.size() >= 2);
		assertThat(heard.events).hasSize(2);
		assertThat(heard.expiries()).singleElement().satisfies((e) -> assertThat(e.prevValue()).isEqualTo("v"));
		assertThat(expiryCommits(c)).hasSize(1);
	}

	@Test
	void anEffectRunAgainForAnExpiryHearsTheExpiryFlag() {
		StateController c = controller(StateController.Dispatch.SYNC);
		c.set("/s", 1, WriteOptions.ttl(BEFORE_DUE));
		List<StateEvent> runs = new CopyOnWriteArrayList<>();
		List<Object> seen = new CopyOnWriteArrayList<>();
		c.track((event) -> {
			runs.add(event);
			Object value = event.get("/s");
			seen.add((value != null) ? value : "none");
			if (runs.size() == 1) {
				// the expiry commit comes while this run is in progress: the next run's event is
				// built from what the effect journal kept of that commit
				await().atMost(WAIT).until(() -> expiryCommits(c).size() == 1);
			}
		});
		await().atMost(WAIT).until(() -> runs.size() >= 2);
		holdsFor(Duration.ofMillis(200), () -> runs.size() == 2);
		assertThat(seen).containsExactly(1, "none");
		StateEvent again = runs.get(1);
		assertThat(again.isExpiry()).isTrue();
		assertThat(again.path()).isEqualTo(StatePath.of("/s"));
		assertThat(again.prevValue()).isEqualTo(1);
		assertThat(again.newValue()).isNull();
	}

	@ParameterizedTest
	@EnumSource(StateController.Dispatch.class)
	void anIdleEffectOverAnExpiringSourceRunsOnceForTheExpiry(StateController.Dispatch dispatch) {
		StateController c = controller(dispatch);
		c.set("/s", 1, WriteOptions.ttl(BEFORE_DUE));
		List<StateEvent> runs = new CopyOnWriteArrayList<>();
		c.track((event) -> {
			event.get("/s");
			runs.add(event);
		});
		await().atMost(WAIT).until(() -> runs.size() >= 2);
		holdsFor(Duration.ofMillis(300), () -> runs.size() == 2);
		assertThat(runs.get(1).isExpiry()).isTrue();
		assertThat(runs.get(1).newValue()).isNull();
	}

	@Test
	void anEqualRewriteWithoutTimeToLiveMakesItPermanentWithoutAnEvent() {
		Timed t = timed(StateController.Dispatch.SYNC);
		StateController c = t.c;
		Heard heard = listen(c, "/k");
		c.set("/k", "v", WriteOptions.ttl(Duration.ofMillis(150)));
		long first = c.revision();
		boolean changed = c.set("/k", "v");
		long rewrite = c.revision();
		assertThat(c.timeToLive("/k")).isNull();
		if (t.virtual()) {
			assertThat(changed).as("an equal value, before its due time").isFalse();
		}
		if (!changed) {
			assertThat(rewrite).as("no revision for an equal value").isEqualTo(first);
		}
		t.pass(Duration.ofMillis(400));
		c.set("/later", 1); // every commit first deletes what is due: a lifetime left on /k would go here
		assertThat(c.get("/k")).isEqualTo("v");
		if (!changed) {
			assertThat(heard.events).hasSize(1);
			assertThat(expiryCommits(c)).isEmpty();
		}
		// in real time a loaded machine may stall past the due time between the two writes: the first
		// value then expired before the rewrite, which wrote it again; nothing expires after it
		assertThat(heard.events).allSatisfy((e) -> assertThat(e.revision()).isLessThanOrEqualTo(rewrite));
		assertThat(expiryCommits(c)).allSatisfy((commit) -> assertThat(commit.revision()).isLessThan(rewrite));
	}

	@Test
	void anEqualityThatHoldsKeepsTheValueButAppliesTheLifetime() {
		Timed t = timed(StateController.Dispatch.SYNC);
		StateController c = t.c;
		Heard heard = listen(c, "/**");
		c.set("/k", "v");
		c.set("/b", "w");
		assertThat(c.set("/k", "other", WriteOptions.equality((a, b) -> true).withTtl(BEFORE_DUE)))
			.isFalse();
		c.batch(() -> c.set("/b", "w", WriteOptions.ttl(BEFORE_DUE)));
		assertThat(c.get("/k")).isEqualTo("v");
		assertThat(c.timeToLive("/k")).isNotNull();
		assertThat(c.timeToLive("/b")).isNotNull();
		assertThat(heard.events).hasSize(2);
		t.runOut(BEFORE_DUE);
		await().atMost(WAIT).until(() -> c.get("/k") == null && c.get("/b") == null);
		await().atMost(WAIT).until(() -> heard.expiries().size() == 2);
	}

	@ParameterizedTest
	@EnumSource(StateController.Dispatch.class)
	void aTimeToLiveOnABranchCoversItsSubtreeAndWritesBelowKeepIt(StateController.Dispatch dispatch) {
		Timed t = timed(dispatch);
		StateController c = t.c;
		Heard heard = listen(c, "/b/**");
		c.set("/b", Map.of("x", 1), WriteOptions.ttl(BEFORE_DUE));
		c.set("/b/y", 2);
		Duration left = c.timeToLive("/b/y");
		assertThat(left).isNotNull().isLessThanOrEqualTo(BEFORE_DUE);
		assertThat(c.timeToLive("/b/x")).isNotNull();
		t.runOut(BEFORE_DUE);
		await().atMost(WAIT).until(() -> c.get("/b") == null);
		assertThat(c.get("/b/y")).isNull();
		assertThat(c.get("/b/x")).isNull();
		await().atMost(WAIT).until(() -> !heard.expiries().isEmpty());
		List<Commit> expiries = expiryCommits(c);
		assertThat(expiries).hasSize(1);
		assertThat(expiries.get(0).changes()).extracting((p) -> p.path().toString()).containsExactly("/b");
	}

	@Test
	void aWriteAboveReplacesTheLifetimesBelow() {
		Timed t = timed(StateController.Dispatch.SYNC);
		StateController c = t.c;
		c.set("/a/b", 1, WriteOptions.ttl(Duration.ofMillis(150)));
		c.set("/a", Map.of("b", 2));
		long above = c.revision();
		assertThat(c.timeToLive("/a/b")).isNull();
		t.pass(Duration.ofMillis(400));
		c.set("/later", 1); // every commit first deletes what is due: a lifetime left on /a/b would go here
		assertThat(c.get("/a/b", Integer.class)).isEqualTo(2);
		if (t.virtual()) {
			assertThat(expiryCommits(c)).isEmpty();
		}
		// in real time /a/b may expire before the write above on a loaded machine (correctly), never after
		assertThat(expiryCommits(c)).allSatisfy((commit) -> assertThat(commit.revision()).isLessThan(above));
	}

	@Test
	void aDeleteClearsTheTimeToLive() {
		Timed t = timed(StateController.Dispatch.SYNC);
		StateController c = t.c;
		Heard heard = listen(c, "/k");
		c.set("/k", "v", WriteOptions.ttl(Duration.ofMillis(150)));
		c.delete("/k");
		assertThat(c.timeToLive("/k")).isNull();
		c.set("/k", "again");
		long again = c.revision();
		t.pass(Duration.ofMillis(400));
		c.set("/later", 1); // every commit first deletes what is due: a lifetime left on /k would go here
		assertThat(c.get("/k")).isEqualTo("again");
		if (t.virtual()) {
			assertThat(heard.expiries()).isEmpty();
		}
		// in real time /k may expire before the delete on a loaded machine (correctly), never after
		assertThat(heard.expiries()).allSatisfy((e) -> assertThat(e.revision()).isLessThan(again));
	}

	@Test
	void timeToLiveIsTheEarliestOfThePathAndItsAncestors() {
		StateController c = controller(StateController.Dispatch.SYNC);
		assertThat(c.timeToLive("/absent")).isNull();
		c.set("/p", 1);
		assertThat(c.timeToLive("/p")).isNull();
		c.set("/e", 1, WriteOptions.ephemeral());
		assertThat(c.timeToLive("/e")).isNull();
		c.set("/t", Map.of(), WriteOptions.ttl(Duration.ofMinutes(1)));
		c.set("/t/u", 1, WriteOptions.ttl(Duration.ofMinutes(5)));
		c.set("/t/v", 1, WriteOptions.ttl(Duration.ofSeconds(10)));
		assertThat(c.timeToLive("/t")).isBetween(Duration.ofSeconds(50), Duration.ofMinutes(1));
		assertThat(c.timeToLive(StatePath.of("/t/u"))).isBetween(Duration.ofSeconds(50), Duration.ofMinutes(1));
		assertThat(c.timeToLive("/t/v")).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(10));
		assertThat(c.timeToLive("/t/absent")).isNull();
	}

	@Test
	void incrementKeepsTheCountersTimeToLive() {
		Timed t = timed(StateController.Dispatch.SYNC);
		StateController c = t.c;
		c.set("/rate/window", 0, WriteOptions.ttl(BEFORE_DUE));
		assertThat(c.increment("/rate/window", 1)).isEqualTo(1);
		c.batch(() -> c.increment("/rate/window", 1));
		assertThat(c.get("/rate/window", Integer.class)).isEqualTo(2);
		assertThat(c.timeToLive("/rate/window")).isNotNull().isLessThanOrEqualTo(BEFORE_DUE);
		t.runOut(BEFORE_DUE);
		await().atMost(WAIT).until(() -> c.get("/rate/window") == null);
		await().atMost(WAIT).until(() -> expiryCommits(c).size() == 1);
		// a new window starts from nothing and is permanent
		assertThat(c.increment("/rate/window", 1)).isEqualTo(1);
		assertThat(c.timeToLive("/rate/window")).isNull();
	}

	@ParameterizedTest
	@EnumSource(StateController.Dispatch.class)
	void aBatchWritesLifetimes(StateController.Dispatch dispatch) {
		Timed t = timed(dispatch);
		StateController c = t.c;
		Heard heard = listen(c, "/**");
		c.batch(() -> {
			c.set("/p", 1, WriteOptions.ttl(BEFORE_DUE));
			c.set("/q", 2);
			c.set("/e", 3, WriteOptions.ephemeral());
		});
		assertThat(c.timeToLive("/p")).isNotNull();
		t.runOut(BEFORE_DUE);
		await().atMost(WAIT).until(() -> c.get("/p") == null);
		await().atMost(WAIT).until(() -> heard.expiries().size() == 1);
		assertThat(c.get("/q")).isEqualTo(2);
		assertThat(c.get("/e")).isEqualTo(3);
		assertThat(expiryCommits(c)).hasSize(1);
	}

	/**
	 * The derivation runs once for the expiry: in the expiry commit when the controller makes it
	 * (local backends; heard as an ordinary change, not an expiry), else (Redis, whose scripts delete the entry) in one follow-up commit
	 * caused by the expiry, made by the instance the expiry commit names.
	 */
	@ParameterizedTest
	@EnumSource(StateController.Dispatch.class)
	void aDerivationFollowsAnExpiringSource(StateController.Dispatch dispatch) {
		Timed t = timed(dispatch);
		StateController c = t.c;
		Heard heard = listen(c, "/d");
		c.derive(StatePath.of("/d"), StatePath.of("/s"), (v) -> (v == null) ? "none" : "got " + v);
		c.set("/s", 1, WriteOptions.ttl(BEFORE_DUE));
		assertThat(c.get("/d")).isEqualTo("got 1");
		t.runOut(BEFORE_DUE);
		await().atMost(WAIT).until(() -> "none".equals(c.get("/d")));
		await().atMost(WAIT).until(() -> heard.events.size() == 3);
		List<Commit> expiries = expiryCommits(c);
		assertThat(expiries).hasSize(1);
		Commit expiry = expiries.get(0);
		StateEvent derived = heard.events.get(2);
		assertThat(derived.newValue()).isEqualTo("none");
		List<String> changed = expiry.changes().stream().map((p) -> p.path().toString()).toList();
		if (changed.contains("/d")) {
			assertThat(changed).containsExactlyInAnyOrder("/s", "/d");
			// in the expiry commit, but not itself deleted by an expiry (StateEvent#isExpiry: a null new value)
			assertThat(derived.isExpiry()).isFalse();
			assertThat(derived.revision()).isEqualTo(expiry.revision());
		}
		else {
			assertThat(changed).containsExactly("/s");
			assertThat(derived.causedBy()).isEqualTo(expiry.revision());
			assertThat(derived.origin()).isEqualTo(c.instanceId());
			List<Commit> followUps = c.history(0, 10_000).stream()
				.filter((commit) -> commit.causedBy() == expiry.revision())
				.toList();
			assertThat(followUps).hasSize(1);
			assertThat(followUps.get(0).changes()).extracting((p) -> p.path().toString()).containsExactly("/d");
		}
		holdsFor(Duration.ofMillis(300), () -> heard.events.size() == 3);
	}

	@Test
	void updateAndGetOrWriteSeeNothingOnceDue() {
		Timed t = timed(StateController.Dispatch.SYNC);
		StateController c = t.c;
		c.set("/u", 5, WriteOptions.ttl(Duration.ofMillis(150)));
		c.set("/g", "old", WriteOptions.ttl(Duration.ofMillis(150)));
		t.pass(Duration.ofMillis(200));
		if (t.virtual()) {
			// past both due times: absent at once, before any expiry commit
			assertThat(c.get("/u")).isNull();
			assertThat(c.get("/g")).isNull();
		}
		else {
			// the second write may end well after the first on a loaded machine: past both due times
			await().atMost(WAIT).until(() -> c.get("/u") == null && c.get("/g") == null);
		}
		assertThat(c.update(StatePath.of("/u"), Integer.class, (v) -> (v == null) ? 1 : v + 1)).isEqualTo(1);
		assertThat(c.getOrWrite(StatePath.of("/g"), String.class, "new")).isEqualTo("new");
		assertThat(c.timeToLive("/u")).isNull();
		assertThat(c.timeToLive("/g")).isNull();
		t.pass(Duration.ofMillis(400));
		c.set("/later", 1); // every commit first deletes what is due: a lifetime left on /u or /g would go here
		assertThat(c.get("/u", Integer.class)).isEqualTo(1);
		assertThat(c.get("/g")).isEqualTo("new");
	}

	@Test
	void replayedEventsCarryTheExpiryFlag() {
		StateController c = controller(StateController.Dispatch.SYNC);
		c.set("/k", "v", WriteOptions.ttl(Duration.ofMillis(100)));
		await().atMost(WAIT).until(() -> expiryCommits(c).size() == 1);
		List<StateEvent> replayed = new CopyOnWriteArrayList<>();
		c.watch("/**", 0).subscribe(new java.util.concurrent.Flow.Subscriber<>() {

			@Override
			public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
				subscription.request(Long.MAX_VALUE);
			}

			@Override
			public void onNext(StateEvent item) {
				replayed.add(item);
			}

			@Override
			public void onError(Throwable throwable) {
			}

			@Override
			public void onComplete() {
			}

		});
		await().atMost(WAIT).until(() -> replayed.size() >= 2);
		assertThat(replayed).extracting(StateEvent::isExpiry).containsExactly(false, true);
	}

	// ---- ephemeral ----

	@ParameterizedTest
	@EnumSource(StateController.Dispatch.class)
	void ephemeralEntriesLiveAsLongAsTheControllerAndGoWithAnExpiryCommit(StateController.Dispatch dispatch)
			throws Exception {
		Path scratch = scratch();
		StateBackend backend = newBackend(scratch);
		StateController c = StateController.builder().backend(backend).dispatch(dispatch).build();
		this.opened.add(c);
		Heard heard = listen(c, "/presence/*");
		c.set("/presence/" + c.instanceId(), Map.of("since", 1), WriteOptions.ephemeral());
		c.set("/presence/permanent", 1);
		assertThat(c.timeToLive("/presence/" + c.instanceId())).isNull();
		holdsFor(Duration.ofMillis(200), () -> c.get("/presence/" + c.instanceId()) != null);
		c.close();
		assertThat(heard.expiries()).hasSize(1);
		assertThat(heard.expiries().get(0).path()).hasToString("/presence/" + c.instanceId());
		assertThat(heard.expiries().get(0).prevValue()).isNotNull();
		StateBackend after = afterClose(backend, scratch);
		if (after != backend) {
			this.extra.add(after);
		}
		assertThat(after.read(StatePath.of("/presence/" + c.instanceId()))).isNull();
		assertThat(after.read(StatePath.of("/presence/permanent"))).isNotNull();
	}

	// ---- bad input ----

	@Test
	void badLifetimesAreRefusedNamingTheValue() {
		StateController c = controller(StateController.Dispatch.SYNC);
		assertThatIllegalArgumentException().isThrownBy(() -> WriteOptions.ttl(Duration.ZERO)).withMessageContaining("PT0S");
		assertThatIllegalArgumentException().isThrownBy(() -> WriteOptions.ttl(Duration.ofSeconds(-5)))
			.withMessageContaining("PT-5S");
		assertThatIllegalArgumentException().isThrownBy(() -> WriteOptions.ttl(Duration.ofNanos(999_999)))
			.withMessageContaining("PT0.000999999S");
		assertThatIllegalArgumentException().isThrownBy(() -> WriteOptions.ttl(Duration.ofDays(3651)))
			.withMessageContaining("PT87624H");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> WriteOptions.ttl(Duration.ofSeconds(1)).withEphemeral())
			.withMessageContaining("PT1S");
		assertThatIllegalArgumentException().isThrownBy(() -> WriteOptions.ephemeral().withTtl(Duration.ofSeconds(2)))
			.withMessageContaining("PT2S");
		assertThat(c.revision()).isZero();
		assertThat(c.childNames(StatePath.ROOT)).isEmpty();
		// the extremes are accepted
		c.set("/min", 1, WriteOptions.ttl(Duration.ofMillis(1)));
		c.set("/max", 1, WriteOptions.ttl(Duration.ofDays(3650)));
		assertThat(c.timeToLive("/max")).isGreaterThan(Duration.ofDays(3649));
		await().atMost(WAIT).until(() -> c.get("/min") == null);
	}

	@Test
	void aDeleteWithATimeToLiveDeletes() {
		StateController c = controller(StateController.Dispatch.SYNC);
		c.set("/k", 1, WriteOptions.ttl(BEFORE_DUE));
		c.set("/k", null, WriteOptions.ttl(Duration.ofMinutes(1)));
		assertThat(c.get("/k")).isNull();
		assertThat(c.timeToLive("/k")).isNull();
	}

}

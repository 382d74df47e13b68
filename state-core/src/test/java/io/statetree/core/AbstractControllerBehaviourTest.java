package io.statetree.core;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.statetree.core.backend.StateBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The controller's behaviour, run against every backend: each backend's test class extends this
 * one and supplies {@link #newBackend()}.
 */
public abstract class AbstractControllerBehaviourTest {

	/**
	 * Creates a fresh, empty backend for one test.
	 * @return the backend
	 */
	protected abstract StateBackend newBackend();

	/**
	 * Scales the size of concurrency tests (1.0 by default); slow backends may lower it.
	 * @return the factor
	 */
	protected double concurrencyScale() {
		return 1.0;
	}

	protected StateController controller;

	protected final List<String> seen = new CopyOnWriteArrayList<>();

	@BeforeEach
	void createController() {
		this.controller = StateController.builder().backend(newBackend()).onError(StateController.OnError.LOG).build();
	}

	@AfterEach
	void closeController() {
		this.controller.close();
	}

	protected StateListener recorder(String name) {
		return (event) -> this.seen.add(name + "@" + event.path() + "<" + event.emittingPath());
	}

	public record User(String name, int age, boolean admin) {
	}

	@Nested
	class Values {

		@Test
		void emptyStoreReadsAnEmptyRootAndAbsentPathsAsNull() {
			assertThat(controller.get("/")).isEqualTo(Map.of());
			assertThat(controller.get("/nothing/here")).isNull();
			assertThat(controller.exists("/nothing")).isFalse();
			assertThat(controller.exists("/")).isTrue();
		}

		@Test
		void objectsBecomeBranchesAndParentsReturnSubtrees() {
			controller.set("/users/1", new User("ada", 36, true));
			assertThat(controller.get("/users/1/name")).isEqualTo("ada");
			assertThat(controller.get("/users/1/age")).isEqualTo(36);
			assertThat(controller.get("/users")).isEqualTo(Map.of("1", Map.of("name", "ada", "age", 36, "admin", true)));
			assertThat(controller.get("/users/1", User.class)).isEqualTo(new User("ada", 36, true));
			assertThat(controller.get("/users", new TypeRef<Map<String, User>>() {
			})).containsEntry("1", new User("ada", 36, true));
		}

		@Test
		void readsAreUnmodifiableAndInsertionOrdered() {
			controller.set("/m/z", 1);
			controller.set("/m/a", 2);
			controller.set("/m/k", List.of(1, 2));
			@SuppressWarnings("unchecked")
			Map<String, Object> m = (Map<String, Object>) controller.get("/m");
			assertThat(m.keySet()).containsExactly("z", "a", "k");
			assertThatThrownBy(() -> m.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
			@SuppressWarnings("unchecked")
			List<Object> list = (List<Object>) m.get("k");
			assertThatThrownBy(() -> list.add(3)).isInstanceOf(UnsupportedOperationException.class);
		}

		@Test
		void aWriteDoesNotAliasTheCallersObjects() {
			Map<String, Object> mine = new LinkedHashMap<>();
			mine.put("a", 1);
			controller.set("/x", mine);
			mine.put("a", 2);
			assertThat(controller.get("/x/a")).isEqualTo(1);
		}

		@Test
		void arraysAreLeavesReadByIndex() {
			controller.set("/items", List.of(Map.of("name", "first"), Map.of("name", "second")));
			assertThat(controller.get("/items/1/name")).isEqualTo("second");
			assertThat(controller.get("/items/2")).isNull();
			assertThatThrownBy(() -> controller.set("/items/0/name", "x")).isInstanceOf(StateWriteException.class)
				.hasMessageContaining("/items");
		}

		@Test
		void nullDeletesAndEqualValuesWriteNothing() {
			assertThat(controller.set("/a/b", 1)).isTrue();
			long revision = controller.revision();
			assertThat(controller.set("/a/b", 1L)).isFalse();
			assertThat(controller.set("/a/b", 1.0)).isFalse();
			assertThat(controller.set("/a/b", new BigDecimal("1.00"))).isFalse();
			assertThat(controller.revision()).isEqualTo(revision);
			assertThat(controller.set("/a/b", null)).isTrue();
			assertThat(controller.get("/a/b")).isNull();
			assertThat(controller.delete("/a/b")).isFalse();
		}

		@Test
		void revisionsIncreaseByOnePerCommit() {
			long start = controller.revision();
			controller.set("/a", 1);
			controller.set("/b", 2);
			controller.batch(() -> {
				controller.set("/c", 3);
				controller.set("/d", 4);
			});
			assertThat(controller.revision()).isEqualTo(start + 3);
		}

		@Test
		void writingBelowALeafFailsAndChangesNothing() {
			controller.set("/a", 5);
			long revision = controller.revision();
			assertThatThrownBy(() -> controller.set("/a/b", 1)).isInstanceOf(StateWriteException.class)
				.hasMessageContaining("/a/b")
				.hasMessageContaining("leaf");
			assertThat(controller.get("/a")).isEqualTo(5);
			assertThat(controller.revision()).isEqualTo(revision);
		}

		@Test
		void theRootIsAlwaysABranch() {
			assertThatThrownBy(() -> controller.set("/", 5)).isInstanceOf(StateWriteException.class);
			controller.set("/", Map.of("a", 1));
			assertThat(controller.get("/")).isEqualTo(Map.of("a", 1));
			controller.delete("/");
			assertThat(controller.get("/")).isEqualTo(Map.of());
		}

		@Test
		void unmappableValuesFailBeforeAnythingIsWritten() {
			Map<String, Object> cyclic = new LinkedHashMap<>();
			cyclic.put("self", cyclic);
			assertThatThrownBy(() -> controller.set("/c", cyclic)).isInstanceOf(StateValueException.class)
				.hasMessageContaining("/c");
			assertThatThrownBy(() -> controller.set("/t", new Thread())).isInstanceOf(StateValueException.class)
				.hasMessageContaining("/t");
			assertThatThrownBy(() -> controller.set("/k", Map.of("a/b", 1))).isInstanceOf(StateValueException.class)
				.hasMessageContaining("a/b");
			assertThat(controller.get("/")).isEqualTo(Map.of());
		}

		@Test
		void typedDefaultsAndGetOrWrite() {
			assertThat(controller.get("/n", Integer.class, 7)).isEqualTo(7);
			assertThat(controller.getOrWrite("/n", Integer.class, 3)).isEqualTo(3);
			assertThat(controller.getOrWrite("/n", Integer.class, 9)).isEqualTo(3);
			assertThat(controller.get("/n")).isEqualTo(3);
		}

		@Test
		void updateIsAReadModifyWrite() {
			assertThat(controller.update("/count", Integer.class, (c) -> (c == null) ? 1 : c + 1)).isEqualTo(1);
			assertThat(controller.update("/count", Integer.class, (c) -> c + 1)).isEqualTo(2);
			assertThat(controller.get("/count")).isEqualTo(2);
		}

	}

	@Nested
	class Events {

		@Test
		void bubblingNotifiesAncestorsDeepestFirstWithTheEmittingPath() {
			controller.subscribe("/", recorder("root"));
			controller.subscribe("/a", recorder("a"));
			controller.subscribe("/a/b", recorder("ab"));
			controller.subscribe("/a/b/c", recorder("abc"));
			controller.set("/a/b/c", 1);
			assertThat(seen).containsExactly("abc@/a/b/c</a/b/c", "ab@/a/b</a/b/c", "a@/a</a/b/c", "root@/</a/b/c");
		}

		@Test
		void wildcardsHearOnceAtTheDeepestMatch() {
			controller.subscribe("/a/**", recorder("deep"));
			controller.subscribe("/a/*", recorder("one"));
			controller.set("/a/b/c", 1);
			assertThat(seen).containsExactly("deep@/a/b/c</a/b/c", "one@/a/b</a/b/c");
		}

		@Test
		void stopBubblingEndsTheWalk() {
			controller.subscribe("/a", recorder("a"));
			controller.subscribe("/a/b", (e) -> {
				seen.add("ab");
				e.stopBubbling();
			});
			controller.subscribe("/a/b", recorder("ab2"));
			controller.set("/a/b", 1);
			assertThat(seen).containsExactly("ab", "ab2@/a/b</a/b");
		}

		@Test
		void listenersBelowAReplacedSubtreeAreNotified() {
			controller.set("/users", Map.of("1", Map.of("name", "ada"), "2", Map.of("name", "bob")));
			List<StateEvent> events = new ArrayList<>();
			controller.subscribe("/users/*/name", events::add);
			controller.set("/users", Map.of("1", Map.of("name", "ada"), "2", Map.of("name", "bea")));
			assertThat(events).hasSize(1);
			assertThat(events.get(0).path()).hasToString("/users/2/name");
			assertThat(events.get(0).emittingPath()).hasToString("/users/2/name");
			assertThat(events.get(0).prevValue()).isEqualTo("bob");
			assertThat(events.get(0).newValue()).isEqualTo("bea");
			events.clear();
			controller.delete("/users");
			assertThat(events).extracting((e) -> e.path().toString())
				.containsExactlyInAnyOrder("/users/1/name", "/users/2/name");
			assertThat(events).extracting(StateEvent::newValue).containsOnlyNulls();
		}

		@Test
		void descendantsGoOutBeforeTheBubblingWalkDeepestFirst() {
			controller.set("/a", Map.of("b", Map.of("c", 1)));
			controller.subscribe("/a/b/c", recorder("c"));
			controller.subscribe("/a/b", recorder("b"));
			controller.subscribe("/a", recorder("a"));
			controller.set("/a", Map.of("b", Map.of("c", 2)));
			assertThat(seen).containsExactly("c@/a/b/c</a/b/c", "b@/a/b</a/b", "a@/a</a");
		}

		@Test
		void payloadAndValuesAreRightAtEveryLevel() {
			List<StateEvent> events = new ArrayList<>();
			controller.set("/a/b", 1);
			controller.subscribe("/a/b", events::add);
			controller.subscribe("/a", events::add);
			controller.subscribe("/", events::add);
			controller.set("/a/b", 2, WriteOptions.payload("why"));
			assertThat(events).hasSize(3);
			for (StateEvent event : events) {
				assertThat(event.emittingPath()).hasToString("/a/b");
				assertThat(event.prevValue()).isEqualTo(1);
				assertThat(event.newValue()).isEqualTo(2);
				assertThat(event.payload()).isEqualTo("why");
				assertThat(event.revision()).isEqualTo(controller.revision());
				assertThat(event.origin()).isEqualTo(controller.instanceId());
			}
			assertThat(events).extracting((e) -> e.path().toString()).containsExactly("/a/b", "/a", "/");
		}

		@Test
		void pathVariablesAreCaptured() {
			List<StateEvent> events = new ArrayList<>();
			controller.subscribe("/users/{id}/{field}", events::add);
			controller.set("/users/42/name", "ada");
			assertThat(events).singleElement()
				.satisfies((e) -> assertThat(e.pathVariables()).containsEntry("id", "42").containsEntry("field", "name"));
		}

		@Test
		void aNoOpWriteNotifiesNoOne() {
			controller.set("/a", Map.of("b", 1));
			controller.subscribe("/**", recorder("all"));
			controller.set("/a", Map.of("b", 1));
			controller.set("/a/b", 1);
			controller.delete("/zzz");
			assertThat(seen).isEmpty();
		}

		@Test
		void listenersRunInRegistrationOrderAndOncePerCallback() {
			StateListener both = recorder("both");
			controller.subscribe("/x/*", recorder("first"));
			controller.subscribe("/x/y", both);
			controller.subscribe("/x/**", both);
			controller.subscribe("/x/y", both);
			controller.subscribe("/x/{v}", recorder("last"));
			controller.set("/x/y", 1);
			assertThat(seen).containsExactly("first@/x/y</x/y", "both@/x/y</x/y", "last@/x/y</x/y");
		}

		@Test
		void unsubscribeReallyStopsDelivery() {
			StateListener listener = recorder("l");
			Subscription subscription = controller.subscribe("/a", listener);
			controller.set("/a", 1);
			subscription.close();
			controller.set("/a", 2);
			controller.subscribe("/b", listener);
			assertThat(controller.unsubscribe("/b", listener)).isTrue();
			controller.set("/b", 1);
			assertThat(seen).containsExactly("l@/a</a");
		}

		@Test
		void aFailingListenerDoesNotStopTheOthersAndTheWriteStays() {
			controller.subscribe("/a", (e) -> {
				throw new IllegalStateException("boom");
			});
			controller.subscribe("/a", recorder("ok"));
			assertThat(controller.set("/a", 1)).isTrue();
			assertThat(seen).containsExactly("ok@/a</a");
			assertThat(controller.get("/a")).isEqualTo(1);
		}

		@Test
		void rethrowModeRethrowsAfterAllListenersRan() {
			try (StateController strict = StateController.builder()
				.backend(newBackend())
				.onError(StateController.OnError.RETHROW)
				.build()) {
				strict.subscribe("/a", (e) -> {
					throw new IllegalStateException("boom");
				});
				strict.subscribe("/a", recorder("ok"));
				assertThatThrownBy(() -> strict.set("/a", 1)).hasMessage("boom");
				assertThat(seen).containsExactly("ok@/a</a");
				assertThat(strict.get("/a")).isEqualTo(1);
			}
		}

		@Test
		void listenerWritesAreDeliveredAfterTheCurrentDispatch() {
			controller.subscribe("/a", (e) -> {
				seen.add("a1:" + e.newValue());
				e.set("/b", e.newValue());
				seen.add("a1-done");
			});
			controller.subscribe("/a", (e) -> seen.add("a2:" + e.newValue()));
			controller.subscribe("/b", (e) -> seen.add("b:" + e.newValue()));
			controller.set("/a", 1);
			assertThat(seen).containsExactly("a1:1", "a1-done", "a2:1", "b:1");
			assertThat(controller.get("/b")).isEqualTo(1);
		}

		@Test
		void anEndlessCascadeIsStopped() {
			controller.subscribe("/n", (e) -> e.set("/n", ((Integer) e.newValue()) + 1));
			controller.set("/n", 0);
			assertThat((Integer) controller.get("/n")).isBetween(1000, 1002);
		}

		@Test
		void pingNotifiesWithoutWriting() {
			controller.set("/a/b", 1);
			List<StateEvent> events = new ArrayList<>();
			controller.subscribe("/a", events::add);
			long revision = controller.revision();
			controller.ping("/a/b", "hello");
			assertThat(events).singleElement().satisfies((e) -> {
				assertThat(e.isPing()).isTrue();
				assertThat(e.payload()).isEqualTo("hello");
				assertThat(e.emittingPath()).hasToString("/a/b");
				assertThat(e.newValue()).isEqualTo(1);
			});
			assertThat(controller.revision()).isEqualTo(revision);
		}

		@Test
		void callbacksById() {
			StateListener listener = recorder("cb");
			String id = controller.registerCallback(listener);
			assertThat(controller.registerCallback(listener)).isEqualTo(id);
			assertThat(controller.registerCallback(recorder("stats"), "stats", false)).isEqualTo("stats");
			assertThatThrownBy(() -> controller.registerCallback(recorder("other"), "stats", false))
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("stats");
			assertThatThrownBy(() -> controller.subscribeById("/x", "nope")).isInstanceOf(IllegalArgumentException.class);
			controller.subscribeById("/s", "stats");
			controller.subscribeById("/s", id);
			controller.set("/s", 1);
			controller.registerCallback(recorder("replaced"), "stats", true);
			controller.set("/s", 2);
			assertThat(controller.unsubscribeById("/s", "stats")).isTrue();
			controller.set("/s", 3);
			assertThat(seen).containsExactly("stats@/s</s", "cb@/s</s", "replaced@/s</s", "cb@/s</s", "cb@/s</s");
		}

		@Test
		void watchHonoursDemand() throws Exception {
			List<StateEvent> received = new CopyOnWriteArrayList<>();
			java.util.concurrent.Flow.Subscription[] handle = new java.util.concurrent.Flow.Subscription[1];
			controller.watch("/w/*").subscribe(new java.util.concurrent.Flow.Subscriber<>() {
				@Override
				public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
					handle[0] = s;
				}

				@Override
				public void onNext(StateEvent item) {
					received.add(item);
				}

				@Override
				public void onError(Throwable t) {
				}

				@Override
				public void onComplete() {
				}
			});
			controller.set("/w/a", 1);
			controller.set("/w/b", 2);
			assertThat(received).isEmpty();
			handle[0].request(1);
			assertThat(received).extracting((e) -> e.path().toString()).containsExactly("/w/a");
			handle[0].request(5);
			controller.set("/w/c", 3);
			assertThat(received).extracting((e) -> e.path().toString()).containsExactly("/w/a", "/w/b", "/w/c");
			handle[0].cancel();
			controller.set("/w/d", 4);
			assertThat(received).hasSize(3);
		}

	}

	@Nested
	class Batches {

		@Test
		void aBatchCommitsOnceAndListenersHearEachPathOnce() {
			controller.set("/a", 1);
			List<StateEvent> events = new ArrayList<>();
			controller.subscribe("/*", events::add);
			long revision = controller.revision();
			controller.batch(() -> {
				controller.set("/a", 2);
				controller.set("/a", 3);
				controller.set("/b", 1);
				controller.set("/c", 1);
				controller.delete("/c");
				assertThat(controller.get("/a")).isEqualTo(3);
				assertThat(controller.get("/")).isEqualTo(Map.of("a", 3, "b", 1));
			});
			assertThat(controller.revision()).isEqualTo(revision + 1);
			assertThat(events).extracting((e) -> e.path() + ":" + e.prevValue() + "->" + e.newValue())
				.containsExactly("/a:1->3", "/b:null->1");
			assertThat(events).extracting(StateEvent::revision).containsOnly(revision + 1);
		}

		@Test
		void anExceptionAppliesNothing() {
			controller.set("/a", 1);
			controller.subscribe("/**", recorder("all"));
			assertThatThrownBy(() -> controller.batch(() -> {
				controller.set("/a", 2);
				controller.set("/b", 2);
				throw new IllegalStateException("no");
			})).hasMessage("no");
			assertThat(controller.get("/")).isEqualTo(Map.of("a", 1));
			assertThat(seen).isEmpty();
		}

		@Test
		void nestedBatchesJoinTheOuterOne() {
			long revision = controller.revision();
			controller.batch(() -> {
				controller.set("/a", 1);
				controller.batch(() -> controller.set("/b", 2));
				assertThat(controller.get("/b")).isEqualTo(2);
			});
			assertThat(controller.revision()).isEqualTo(revision + 1);
			assertThat(controller.get("/")).isEqualTo(Map.of("a", 1, "b", 2));
		}

		@Test
		void updateWorksInsideABatchAndAPathEndingWhereItStartedEmitsNothing() {
			controller.set("/n", 1);
			controller.subscribe("/n", recorder("n"));
			int result = controller.batch(() -> {
				controller.update("/n", Integer.class, (n) -> n + 1);
				return controller.update("/n", Integer.class, (n) -> n - 1);
			});
			assertThat(result).isEqualTo(1);
			assertThat(seen).isEmpty();
		}

		@Test
		void aBatchWritingBelowALeafFailsWhole() {
			controller.set("/leaf", 1);
			assertThatThrownBy(() -> controller.batch(() -> {
				controller.set("/ok", 1);
				controller.set("/leaf/x", 1);
			})).isInstanceOf(StateWriteException.class);
			assertThat(controller.get("/ok")).isNull();
		}

	}

	@Nested
	class Derived {

		@Test
		void aDerivationIsComputedAtRegistrationAndAfterEveryChangeOfItsSource() {
			controller.set("/users", Map.of("1", new User("ada", 36, true)));
			AtomicInteger runs = new AtomicInteger();
			controller.derive("/stats/admins", "/users", new TypeRef<Map<String, User>>() {
			}, (users) -> {
				runs.incrementAndGet();
				return (users == null) ? 0 : users.values().stream().filter(User::admin).count();
			});
			assertThat(controller.get("/stats/admins")).isEqualTo(1);
			controller.set("/users/2", new User("bob", 20, true));
			assertThat(controller.get("/stats/admins")).isEqualTo(2);
			controller.set("/unrelated", 1);
			controller.set("/users/2/age", 20);
			assertThat(runs).hasValue(2);
			controller.delete("/users");
			assertThat(controller.get("/stats/admins")).isEqualTo(0);
		}

		@Test
		void aDerivedWriteJoinsTheSourceCommit() {
			controller.derive("/double", "/n", Integer.class, (n) -> (n == null) ? null : n * 2);
			List<String> consistent = new ArrayList<>();
			controller.subscribe("/**", (e) -> consistent.add(e.path() + ":" + controller.get("/n") + "/" + controller.get("/double")));
			long revision = controller.revision();
			controller.set("/n", 5);
			assertThat(controller.revision()).isEqualTo(revision + 1);
			assertThat(consistent).allSatisfy((s) -> assertThat(s).endsWith(":5/10"));
		}

		@Test
		void aDiamondRecomputesTheBottomOnceAndNeverGlitches() {
			AtomicInteger dRuns = new AtomicInteger();
			controller.set("/a", 1);
			controller.derive("/b", "/a", Integer.class, (a) -> a + 1);
			controller.derive("/c", "/a", Integer.class, (a) -> a * 10);
			controller.deriveMany("/d", List.of("/b", "/c"), (data) -> {
				dRuns.incrementAndGet();
				return data.get("/b", Integer.class) + data.get("/c", Integer.class);
			});
			assertThat(controller.get("/d")).isEqualTo(12);
			List<String> problems = new ArrayList<>();
			controller.subscribe("/d", (e) -> {
				int a = controller.get("/a", Integer.class);
				if (!e.newValue().equals((a + 1) + a * 10)) {
					problems.add("d=" + e.newValue() + " a=" + a);
				}
			});
			dRuns.set(0);
			controller.set("/a", 2);
			assertThat(dRuns).hasValue(1);
			assertThat(controller.get("/d")).isEqualTo(23);
			assertThat(problems).isEmpty();
		}

		@Test
		void cyclesFailAtRegistrationAndNothingStaysRegistered() {
			controller.derive("/b", "/a", (a) -> a);
			controller.derive("/c", "/b", (b) -> b);
			assertThatThrownBy(() -> controller.derive("/a", "/c", (c) -> c)).isInstanceOf(DerivationCycleException.class)
				.hasMessageContaining("/a")
				.hasMessageContaining("/c");
			assertThatThrownBy(() -> controller.derive("/x/y", "/x", (x) -> 1)).isInstanceOf(DerivationCycleException.class);
			assertThat(controller.registrations().derivations()).extracting(StateController.DerivationInfo::destination)
				.containsExactly("/b", "/c");
		}

		@Test
		void aFailingTransformKeepsTheLastValueAndRecomputesLater() {
			controller.set("/n", 1);
			controller.derive("/inverse", "/n", Integer.class, (n) -> 100 / n);
			assertThat(controller.get("/inverse")).isEqualTo(100);
			controller.set("/n", 0);
			assertThat(controller.get("/inverse")).isEqualTo(100);
			assertThat(controller.get("/n")).isEqualTo(0);
			controller.set("/n", 4);
			assertThat(controller.get("/inverse")).isEqualTo(25);
		}

		@Test
		void aFailingFirstComputationLeavesTheDerivationRegisteredWithNoValue() {
			controller.derive("/inverse", "/n", Integer.class, (n) -> 100 / n);
			assertThat(controller.get("/inverse")).isNull();
			assertThat(controller.registrations().derivations()).extracting(StateController.DerivationInfo::destination)
				.containsExactly("/inverse");
			controller.set("/n", 5);
			assertThat(controller.get("/inverse")).isEqualTo(20);
		}

		@Test
		void overlappingDestinationsAreRefused() {
			controller.derive("/out", "/n", (n) -> 1);
			assertThatThrownBy(() -> controller.derive("/out/inner", "/m", (m) -> 2)).isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("/out/inner")
				.hasMessageContaining("/out");
		}

		@Test
		void aSecondDerivationOfTheSameDestinationReplacesTheFirst() {
			controller.set("/n", 2);
			controller.derive("o", "/n", Integer.class, (n) -> n + 1);
			controller.derive("/o", "/n", Integer.class, (n) -> n + 100);
			controller.set("/n", 3);
			assertThat(controller.get("/o")).isEqualTo(103);
			assertThat(controller.registrations().derivations()).hasSize(1);
		}

		@Test
		void closingStopsADerivation() {
			Derivation derivation = controller.derive("/copy", "/n", (n) -> n);
			controller.set("/n", 1);
			derivation.close();
			controller.set("/n", 2);
			assertThat(controller.get("/copy")).isEqualTo(1);
		}

		@Test
		void trackRecordsAndPrunesItsDependencies() {
			controller.set("/flag", true);
			controller.set("/x", 1);
			controller.set("/y", 2);
			List<Object> runs = new ArrayList<>();
			Effect effect = controller.track((e) -> {
				boolean flag = Boolean.TRUE.equals(e.get("/flag"));
				runs.add(flag ? e.get("/x") : e.get("/y"));
			});
			assertThat(runs).containsExactly(1);
			assertThat(effect.dependencies()).extracting(Object::toString).containsExactly("/flag", "/x");
			controller.set("/y", 3);
			assertThat(runs).containsExactly(1);
			controller.set("/flag", false);
			assertThat(runs).containsExactly(1, 3);
			controller.set("/x", 10);
			assertThat(runs).containsExactly(1, 3);
			controller.set("/y", 4);
			assertThat(runs).containsExactly(1, 3, 4);
			effect.close();
			controller.set("/y", 5);
			assertThat(runs).containsExactly(1, 3, 4);
		}

		@Test
		void aTrackedDerivationFollowsWhatItReads() {
			controller.set("/useX", true);
			controller.set("/x", 1);
			controller.set("/y", 2);
			controller.deriveTracked("/picked", (view) -> Boolean.TRUE.equals(view.get("/useX")) ? view.get("/x") : view.get("/y"));
			assertThat(controller.get("/picked")).isEqualTo(1);
			controller.set("/useX", false);
			assertThat(controller.get("/picked")).isEqualTo(2);
			controller.set("/y", 5);
			assertThat(controller.get("/picked")).isEqualTo(5);
		}

	}

	/**
	 * Each listener has its own bounded, ordered queue (DESIGN §5): a slow listener delays only
	 * itself, and a full queue ends in one resync event, counted, never an unbounded backlog.
	 */
	@Nested
	class Dispatching {

		private static final java.time.Duration PATIENCE = java.time.Duration.ofSeconds(20);

		private static void awaitRelease(CountDownLatch latch) {
			try {
				if (!latch.await(60, TimeUnit.SECONDS)) {
					throw new IllegalStateException("the test never released the listener");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		@Test
		void aSyncWriterDoesNotWaitForASlowListenerItsCommitDoesNotReach() throws Exception {
			CountDownLatch entered = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			controller.subscribe("/slow", (e) -> {
				entered.countDown();
				awaitRelease(release);
			});
			List<Object> fast = new CopyOnWriteArrayList<>();
			controller.subscribe("/fast", (e) -> fast.add(e.newValue()));
			ExecutorService pool = Executors.newFixedThreadPool(3);
			try {
				Future<Boolean> slowWriter = pool.submit(() -> controller.set("/slow", 1));
				assertThat(entered.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
				Future<Boolean> fastWriter = pool.submit(() -> controller.set("/fast", 1));
				Future<Boolean> unheardWriter = pool.submit(() -> controller.set("/nobody/listens", 1));
				org.awaitility.Awaitility.await()
					.atMost(PATIENCE)
					.until(() -> fastWriter.isDone() && unheardWriter.isDone());
				assertThat(fastWriter.get()).isTrue();
				assertThat(unheardWriter.get()).isTrue();
				assertThat(fast).containsExactly(1);
				// the slow listener's own writer waits for it (synchronous dispatch)
				assertThat(slowWriter.isDone()).isFalse();
				release.countDown();
				assertThat(slowWriter.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
			}
			finally {
				release.countDown();
				pool.shutdownNow();
			}
		}

		@Test
		void inAsyncModeASlowListenerDelaysOnlyItself() {
			CountDownLatch release = new CountDownLatch(1);
			try (StateController async = StateController.builder()
				.backend(newBackend())
				.dispatch(StateController.Dispatch.ASYNC)
				.build()) {
				List<Object> slow = new CopyOnWriteArrayList<>();
				async.subscribe("/slow", (e) -> {
					awaitRelease(release);
					slow.add(e.newValue());
				});
				List<String> others = new CopyOnWriteArrayList<>();
				async.subscribe("/**", (e) -> others.add(e.emittingPath() + "=" + e.newValue()));
				async.set("/slow", 1);
				for (int i = 1; i <= 20; i++) {
					async.set("/fast", i);
				}
				org.awaitility.Awaitility.await().atMost(PATIENCE).until(() -> others.size() == 21);
				assertThat(others).startsWith("/slow=1", "/fast=1").endsWith("/fast=20");
				assertThat(slow).isEmpty();
				release.countDown();
				org.awaitility.Awaitility.await().atMost(PATIENCE).until(() -> slow.size() == 1);
				assertThat(slow).containsExactly(1);
			}
			finally {
				release.countDown();
			}
		}

		@Test
		void aFullQueueIsReplacedByOneResyncEventAndCounted() {
			int capacity = 10;
			int commits = 60;
			List<String> overflowed = new CopyOnWriteArrayList<>();
			ControllerObserver observer = new ControllerObserver() {
				@Override
				public void onListenerOverflow(String listenerId, int dropped) {
					overflowed.add(listenerId);
				}
			};
			CountDownLatch release = new CountDownLatch(1);
			try (StateController bounded = StateController.builder()
				.backend(newBackend())
				.dispatch(StateController.Dispatch.ASYNC)
				.queueCapacity(capacity)
				.offerTimeout(java.time.Duration.ofMillis(250))
				.observer(observer)
				.build()) {
				List<StateEvent> slow = new CopyOnWriteArrayList<>();
				bounded.registerCallback((e) -> {
					awaitRelease(release);
					slow.add(e);
				}, "slow", false);
				bounded.subscribeById("/n", "slow");
				List<Long> others = new CopyOnWriteArrayList<>();
				bounded.subscribe("/n", (e) -> others.add(e.revision()));
				for (int i = 1; i <= commits; i++) {
					bounded.set("/n", i);
				}
				org.awaitility.Awaitility.await().atMost(PATIENCE).until(() -> others.size() == commits);
				release.countDown();
				org.awaitility.Awaitility.await()
					.atMost(PATIENCE)
					.until(() -> !slow.isEmpty() && slow.get(slow.size() - 1).revision() == bounded.revision());
				io.statetree.core.internal.DefaultStateController impl = (io.statetree.core.internal.DefaultStateController) bounded;
				impl.awaitDispatch(PATIENCE.toMillis());
				assertThat(slow).filteredOn(StateEvent::isResync).hasSize(1);
				assertThat(slow.size()).isLessThanOrEqualTo(capacity + 2);
				assertThat(slow).extracting(StateEvent::revision).isSorted().doesNotHaveDuplicates();
				StateEvent resync = slow.stream().filter(StateEvent::isResync).findFirst().orElseThrow();
				assertThat(resync.path()).isEqualTo(StatePath.ROOT);
				assertThat(resync.newValue()).isNull();
				assertThat(impl.listenerOverflows()).isPositive();
				assertThat(overflowed).isNotEmpty().containsOnly("slow");
				assertThat(others).hasSize(commits).isSorted().doesNotHaveDuplicates();
				assertThat(bounded.get("/n")).isEqualTo(commits);
			}
			finally {
				release.countDown();
			}
		}

		@Test
		void writersWhoseBubblingWalksShareAListenerNeverDeadlock() throws Exception {
			// a batch changes /a/x and /c/y: "/{top}" hears each one level above the first
			// listeners of its walk ("/a/**", "/c/**"); plain writers of /a/x pass through
			// "/{top}" too. A writer waiting for a walk's deeper listeners must not hold
			// "/{top}" while the batch's writer still has to deliver "/c/**".
			AtomicInteger heard = new AtomicInteger();
			controller.subscribe("/a/**", (e) -> heard.incrementAndGet());
			controller.subscribe("/c/**", (e) -> heard.incrementAndGet());
			controller.subscribe("/{top}", (e) -> {
				java.util.concurrent.locks.LockSupport.parkNanos(200_000);
				heard.incrementAndGet();
			});
			int rounds = Math.max(30, (int) (400 * concurrencyScale()));
			ExecutorService pool = Executors.newFixedThreadPool(4);
			try {
				List<Future<?>> futures = new ArrayList<>();
				for (int t = 0; t < 4; t++) {
					boolean batches = t % 2 == 0;
					futures.add(pool.submit(() -> {
						for (int i = 0; i < rounds; i++) {
							int n = i;
							if (batches) {
								controller.batch(() -> {
									controller.set("/a/x", -n - 1);
									controller.set("/c/y", n);
								});
							}
							else {
								controller.set("/a/x", n);
							}
						}
						return null;
					}));
				}
				for (Future<?> future : futures) {
					future.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
				}
			}
			finally {
				pool.shutdownNow();
			}
			assertThat(controller.get("/c/y")).isEqualTo(rounds - 1);
			assertThat(heard).hasPositiveValue();
		}

		@Test
		void inSyncModeAListenerThatWritesMoreThanAQueueHoldsLeavesOneResyncEvent() {
			try (StateController bounded = StateController.builder()
				.backend(newBackend())
				.queueCapacity(5)
				.offerTimeout(java.time.Duration.ofSeconds(30))
				.build()) {
				bounded.subscribe("/trigger", (e) -> {
					for (int i = 1; i <= 20; i++) {
						e.set("/n", i);
					}
				});
				List<StateEvent> heard = new CopyOnWriteArrayList<>();
				bounded.subscribe("/n", heard::add);
				long start = System.nanoTime();
				bounded.set("/trigger", 1);
				// the listener's writes wait for its own dispatch loop: no waiting for room
				assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(10));
				assertThat(heard).filteredOn(StateEvent::isResync).hasSize(1);
				assertThat(heard.size()).isLessThanOrEqualTo(5 + 1);
				assertThat(heard.get(heard.size() - 1).newValue()).isEqualTo(20);
				assertThat(heard).extracting(StateEvent::revision).isSorted();
				assertThat(((io.statetree.core.internal.DefaultStateController) bounded).listenerOverflows()).isPositive();
				assertThat(bounded.get("/n")).isEqualTo(20);
			}
		}

		@Test
		void listenerWritesStillCascadeAfterTheCurrentDispatchInAsyncMode() {
			try (StateController async = StateController.builder()
				.backend(newBackend())
				.dispatch(StateController.Dispatch.ASYNC)
				.build()) {
				async.subscribe("/n", (e) -> {
					int n = (Integer) e.newValue();
					if (n < 50) {
						e.set("/n", n + 1);
					}
				});
				List<Object> heard = new CopyOnWriteArrayList<>();
				async.subscribe("/n", (e) -> heard.add(e.newValue()));
				async.set("/n", 0);
				org.awaitility.Awaitility.await().atMost(PATIENCE).until(() -> heard.size() == 51);
				assertThat(heard).isEqualTo(java.util.stream.IntStream.rangeClosed(0, 50).boxed().toList());
			}
		}

	}

	@Nested
	class Concurrency {

		@Test
		void concurrentUpdatesLoseNothing() throws Exception {
			int threads = 8;
			int perThread = (int) (10_000 * concurrencyScale());
			ExecutorService pool = Executors.newFixedThreadPool(threads);
			try {
				CountDownLatch start = new CountDownLatch(1);
				List<Future<?>> futures = new ArrayList<>();
				for (int t = 0; t < threads; t++) {
					futures.add(pool.submit(() -> {
						start.await();
						for (int i = 0; i < perThread; i++) {
							controller.update("/counter", Integer.class, (c) -> (c == null) ? 1 : c + 1);
						}
						return null;
					}));
				}
				start.countDown();
				for (Future<?> future : futures) {
					future.get(5, TimeUnit.MINUTES);
				}
			}
			finally {
				pool.shutdownNow();
			}
			assertThat(controller.get("/counter")).isEqualTo(threads * perThread);
		}

		@Test
		void aListenerSeesStrictlyIncreasingRevisionsUnderConcurrentWriters() throws Exception {
			List<Long> revisions = Collections.synchronizedList(new ArrayList<>());
			AtomicLong violations = new AtomicLong();
			long[] last = { -1 };
			controller.subscribe("/**", (e) -> {
				synchronized (last) {
					if (e.revision() <= last[0]) {
						violations.incrementAndGet();
					}
					last[0] = e.revision();
				}
				revisions.add(e.revision());
			});
			int threads = 4;
			int perThread = (int) (2_000 * concurrencyScale());
			ExecutorService pool = Executors.newFixedThreadPool(threads);
			try {
				List<Future<?>> futures = new ArrayList<>();
				for (int t = 0; t < threads; t++) {
					int id = t;
					futures.add(pool.submit(() -> {
						for (int i = 0; i < perThread; i++) {
							controller.set("/t" + id + "/v", i);
						}
						return null;
					}));
				}
				for (Future<?> future : futures) {
					future.get(5, TimeUnit.MINUTES);
				}
			}
			finally {
				pool.shutdownNow();
			}
			assertThat(violations).hasValue(0);
			assertThat(revisions).hasSize(threads * perThread);
		}

	}

}

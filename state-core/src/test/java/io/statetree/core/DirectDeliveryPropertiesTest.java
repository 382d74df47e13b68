package io.statetree.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import io.statetree.core.DispatchModel.CommitLog;
import io.statetree.core.DispatchModel.Recorder;
import io.statetree.core.DispatchPropertiesTest.Backend;
import io.statetree.core.backend.Change;
import io.statetree.core.internal.ControllerInternals;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attacks the delivery of a write heard by one idle listener past its queue (synchronous
 * dispatch): threads write leaves that mostly one listener hears, while each thread also
 * subscribes and unsubscribes a listener of its own on patterns that overlap them (so the same
 * writes switch between one hearer and two), one listener writes from inside its callback (a
 * cascade), another is slow; in both dispatch modes, on every core backend, with no observer (an
 * observer's item would keep every commit off that path). The commit log is read back from the
 * history afterwards: every always-subscribed listener hears exactly the commits it implies for its
 * pattern, once each, in revision order, and the final tree is the log applied in order; a
 * listener that came and went hears only commits made while it was subscribed, each once, in
 * revision order, each one the log implies for its pattern.
 */
class DirectDeliveryPropertiesTest {

	/** Leaves written; each matches exactly one always-subscribed pattern. */
	private static final List<String> LEAVES = List.of("/a/b", "/a/c", "/c/d/e", "/x/1", "/x/2");

	/** The always-subscribed patterns: {@code /a/b} cascades into {@code /casc/*}, {@code /a/c} is slow. */
	private static final List<String> STABLE = List.of("/a/b", "/a/c", "/c/d/e", "/x/{id}", "/casc/*");

	/** The patterns the threads' own listeners come and go on (thread {@code t} uses entry {@code t % 3}). */
	private static final List<String> CHURN = List.of("/a/*", "/x/1", "/c/**");

	private static final Duration PATIENCE = Duration.ofSeconds(60);

	/** One step of a worker thread. */
	sealed interface Op permits Set, Delete, Toggle {
	}

	record Set(String path, int value) implements Op {
	}

	record Delete(String path) implements Op {
	}

	/** Subscribes this thread's own listener if it is not, else unsubscribes it. */
	record Toggle() implements Op {
	}

	@Provide
	Arbitrary<List<List<Op>>> work() {
		Arbitrary<Op> set = Combinators.combine(Arbitraries.of(LEAVES), Arbitraries.integers().between(0, 3))
			.as(Set::new);
		Arbitrary<Op> delete = Arbitraries.of(LEAVES).map(Delete::new);
		Arbitrary<Op> toggle = Arbitraries.just(new Toggle());
		Arbitrary<Op> op = Arbitraries.frequencyOf(Tuple.of(6, set), Tuple.of(2, delete), Tuple.of(2, toggle));
		return op.list().ofMaxSize(16).list().ofSize(3);
	}

	@Property(tries = 150)
	void everyListenerHearsTheCommitLogOnceInRevisionOrder(@ForAll Backend backend,
			@ForAll StateController.Dispatch dispatch, @ForAll("work") List<List<Op>> work) throws Exception {
		Path directory = Files.createTempDirectory("statetree-direct");
		try (StateController controller = StateController.builder()
			.backend(backend.create(directory))
			.dispatch(dispatch)
			.build()) {
			List<Recorder> stable = new ArrayList<>();
			for (int i = 0; i < STABLE.size(); i++) {
				String pattern = STABLE.get(i);
				Recorder recorder = new Recorder(pattern, pattern.equals("/a/c"));
				if (pattern.equals("/a/b")) {
					// a cascade: a write from inside the callback, heard by /casc/*
					controller.subscribe(pattern, (event) -> {
						recorder.onChange(event);
						if (event.newValue() instanceof Integer n) {
							event.set(StatePath.of("/casc/" + event.emittingPath().name()), n + 100);
						}
					});
				}
				else {
					controller.subscribe(pattern, recorder);
				}
				stable.add(recorder);
			}
			List<Churner> churners = new ArrayList<>();
			for (int t = 0; t < work.size(); t++) {
				churners.add(new Churner(CHURN.get(t % CHURN.size())));
			}
			run(controller, work, churners);
			// a cascade's write is queued before the item that made it finishes: nothing is left after this
			ControllerInternals.awaitDispatch(controller, PATIENCE.toMillis());
			CommitLog log = log(controller);
			DispatchModel.check(controller, log, stable);
			for (Churner churner : churners) {
				churner.check(log);
			}
		}
		finally {
			delete(directory);
		}
	}

	private static void run(StateController controller, List<List<Op>> work, List<Churner> churners)
			throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(work.size());
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < work.size(); t++) {
				List<Op> ops = work.get(t);
				Churner churner = churners.get(t);
				futures.add(pool.submit(() -> {
					start.await();
					for (Op op : ops) {
						if (op instanceof Set set) {
							controller.set(set.path(), set.value());
						}
						else if (op instanceof Delete delete) {
							controller.delete(delete.path());
						}
						else {
							churner.toggle(controller);
						}
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : futures) {
				future.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	/** The commit log, read back from the history (this controller has no observer). */
	private static CommitLog log(StateController controller) {
		CommitLog log = new CommitLog();
		long after = 0;
		while (true) {
			List<Commit> commits = controller.history(after, 10_000);
			if (commits.isEmpty()) {
				return log;
			}
			for (Commit commit : commits) {
				List<Change> changes = new ArrayList<>();
				for (ChangedPath changed : commit.changes()) {
					changes.add(new Change(changed.path(), changed.oldValue(), changed.newValue(), null));
				}
				log.commits.put(commit.revision(), changes);
				after = commit.revision();
			}
		}
	}

	/** The "revision emittingPath" entries a listener of the pattern hears of the whole log. */
	private static List<String> expected(String pattern, CommitLog log) {
		PathPattern compiled = PathPattern.compile(pattern);
		List<String> out = new ArrayList<>();
		for (Map.Entry<Long, List<Change>> commit : log.commits.entrySet()) {
			out.addAll(DispatchModel.heard(compiled, commit.getKey(), commit.getValue()));
		}
		return out;
	}

	private static void delete(Path directory) throws IOException {
		try (Stream<Path> files = Files.walk(directory)) {
			for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
	}

	/**
	 * A listener one thread subscribes and unsubscribes; it remembers the revisions around each
	 * subscription, so what each subscription heard can be held against the commits made while it
	 * was subscribed. Each subscription is its own listener: {@code close()} stops routing commits
	 * to it, but an item routed before may still run after {@code close()} returned, on the thread
	 * delivering it, while the next subscription already hears later commits (CI's failure "heard
	 * [21, 12]" across two subscriptions of one listener object), so revision order is checked per
	 * subscription.
	 */
	static final class Churner {

		final String pattern;

		/** Per subscription, in order: what it heard. */
		final List<List<StateEvent>> events = new CopyOnWriteArrayList<>();

		/** Per subscription: the revision read before subscribing and after unsubscribing (open: max). */
		final List<long[]> windows = new ArrayList<>();

		private @Nullable Subscription subscription;

		Churner(String pattern) {
			this.pattern = pattern;
		}

		void toggle(StateController controller) {
			Subscription open = this.subscription;
			if (open == null) {
				long before = controller.revision();
				List<StateEvent> heard = new CopyOnWriteArrayList<>();
				this.events.add(heard);
				this.windows.add(new long[] { before, Long.MAX_VALUE });
				this.subscription = controller.subscribe(this.pattern, (event) -> {
					if ((event.revision() & 1) == 0) {
						LockSupport.parkNanos(5_000);
					}
					heard.add(event);
				});
			}
			else {
				open.close();
				this.subscription = null;
				this.windows.get(this.windows.size() - 1)[1] = controller.revision();
			}
		}

		void check(CommitLog log) {
			java.util.Set<String> relevant = new HashSet<>(expected(this.pattern, log));
			PathPattern compiled = PathPattern.compile(this.pattern);
			for (int i = 0; i < this.events.size(); i++) {
				java.util.Set<String> seen = new HashSet<>();
				long[] window = this.windows.get(i);
				List<StateEvent> heard = List.copyOf(this.events.get(i));
				for (StateEvent event : heard) {
					String entry = event.revision() + " " + event.emittingPath();
					assertThat(relevant).as("%s heard %s, which the log does not imply", this, entry).contains(entry);
					assertThat(seen.add(entry)).as("%s heard %s twice", this, entry).isTrue();
					assertThat(compiled.matches(event.path())).as("%s notified at %s", this, event.path()).isTrue();
					// the revision read before subscribing may be a commit already visible but not yet routed
					// (a local backend's revision moves at its root swap, routing follows under the commit
					// lock), so a subscription may hear that one commit too: the window starts at it
					assertThat(event.revision() >= window[0] && event.revision() <= window[1])
						.as("%s subscription %d heard revision %d outside %s", this, i, event.revision(), windowsText())
						.isTrue();
				}
				assertThat(heard).extracting(StateEvent::revision)
					.as("%s subscription %d hears commits in revision order", this, i)
					.isSorted();
			}
		}

		private String windowsText() {
			List<String> out = new ArrayList<>();
			for (long[] w : this.windows) {
				out.add("(" + w[0] + ", " + ((w[1] == Long.MAX_VALUE) ? "open" : w[1]) + "]");
			}
			return out.toString();
		}

		@Override
		public String toString() {
			return "Churner[" + this.pattern + "]";
		}

	}

}

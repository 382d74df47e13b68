package io.statetree.core;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.StateValues;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An event tells what a read at its revision gives (DESIGN §5, §11), and a write that changes
 * nothing makes no revision and no event (DESIGN §4, §5 point 3). Random steps, many of them
 * no-ops mixed with real writes: sets of leaves (equal values in other forms included), of a
 * branch, deletes of present and absent paths, {@code setAll} and batches that join a real write
 * with no-ops, {@code update}, the asynchronous {@code set} and {@code delete}, and
 * {@code increment} by 0 or 1; listeners dispatched synchronously or asynchronously. After each
 * step the controller's revision has not moved back, and moved on exactly when a read of the tree
 * changed. At the end no listener heard a resync, every event's revision is a retained commit's,
 * events came in revision order, and each event's new value (and old value) is the value at its
 * emitting path in the tree that the history's commits build up to its revision (and to the one
 * before). Each backend's class supplies its configurations.
 */
public abstract class AbstractEventMatchesHistoryProperties {

	/** Every path written and read: leaves under two parents, the parents as branches, a counter. */
	private static final List<String> LEAVES = List.of("/a/x", "/a/y", "/b/x");

	private static final List<String> BRANCHES = List.of("/a", "/b");

	private static final String COUNTER = "/n";

	private static final List<String> READ = List.of("/a/x", "/a/y", "/b/x", "/a", "/b", COUNTER);

	/**
	 * The names of the configurations this class runs, each drawn at random per try.
	 * @return the names
	 */
	protected abstract List<String> configurations();

	/**
	 * Creates a fresh, empty backend of a configuration.
	 * @param configuration one of {@link #configurations()}
	 * @param scratch an empty directory, deleted afterwards, for backends that keep files
	 * @return the backend
	 */
	protected abstract StateBackend newBackend(String configuration, Path scratch);

	/** What a step does. */
	enum Kind {

		SET, SET_BRANCH, DELETE, SET_ALL, BATCH, UPDATE, ASYNC_SET, ASYNC_DELETE, INCREMENT

	}

	/**
	 * One step.
	 * @param kind what it does
	 * @param path a leaf, or a branch for {@link Kind#SET_BRANCH}
	 * @param value 1 or 2 (its scale: {@code scale})
	 * @param scale the decimal's scale, 0 to 2: equal values in other forms
	 * @param other a second path, deleted or set beside the first in {@code setAll} and batches
	 * @param deleteOther whether the second path is deleted (often absent) or set to the first's value
	 */
	record Step(Kind kind, String path, int value, int scale, String other, boolean deleteOther) {
	}

	@Provide
	Arbitrary<String> configuration() {
		return Arbitraries.of(configurations());
	}

	@Provide
	Arbitrary<List<Step>> steps() {
		Arbitrary<Kind> kinds = Arbitraries.of(Kind.class);
		return Combinators
			.combine(kinds, Arbitraries.of(LEAVES), Arbitraries.integers().between(1, 2),
					Arbitraries.integers().between(0, 2), Arbitraries.of(LEAVES), Arbitraries.of(true, false))
			.as((kind, leaf, value, scale, other, deleteOther) -> {
				String path = (kind == Kind.SET_BRANCH) ? leaf.substring(0, 2) : leaf;
				return new Step(kind, path, value, scale, other, deleteOther);
			})
			.list()
			.ofMinSize(1)
			.ofMaxSize(20);
	}

	@Property(tries = 200)
	void everyEventGivesWhatAReadAtItsRevisionGives(@ForAll("configuration") String configuration,
			@ForAll boolean async, @ForAll("steps") List<Step> steps) throws Exception {
		Path scratch = Files.createTempDirectory("statetree-event-history-props");
		List<StateEvent> events = new CopyOnWriteArrayList<>();
		try (StateController c = StateController.builder()
			.backend(newBackend(configuration, scratch))
			.dispatch(async ? StateController.Dispatch.ASYNC : StateController.Dispatch.SYNC)
			.build()) {
			c.subscribe("/**", events::add);
			for (Step step : steps) {
				Map<String, @Nullable Object> before = reads(c);
				long revisionBefore = c.revision();
				apply(c, step);
				long revisionAfter = c.revision();
				String when = configuration + (async ? " async" : " sync") + " after " + step;
				assertThat(revisionAfter).as("the revision %s", when).isGreaterThanOrEqualTo(revisionBefore);
				if (sameReads(before, reads(c))) {
					assertThat(revisionAfter).as("a step that changed no read takes no revision: %s", when)
						.isEqualTo(revisionBefore);
				}
				else {
					assertThat(revisionAfter).as("a step that changed a read takes a revision: %s", when)
						.isGreaterThan(revisionBefore);
				}
			}
			checkEvents(c, events, configuration + (async ? " async " : " sync ") + steps);
		}
		finally {
			try (Stream<Path> walk = Files.walk(scratch)) {
				for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
					Files.deleteIfExists(p);
				}
			}
			catch (IOException ex) {
				// left for the system to clean
			}
		}
	}

	private static Object value(Step step) {
		return BigDecimal.valueOf(step.value()).setScale(step.scale());
	}

	private static void apply(StateController c, Step step) {
		String path = step.path();
		Object value = value(step);
		@Nullable Object otherValue = step.deleteOther() ? null : value;
		switch (step.kind()) {
			case SET -> c.set(path, value);
			case SET_BRANCH -> {
				Map<String, Object> branch = new LinkedHashMap<>();
				branch.put("x", value);
				if (step.deleteOther()) {
					branch.put("y", step.value());
				}
				c.set(path, branch);
			}
			case DELETE -> c.delete(path);
			case SET_ALL -> {
				Map<String, @Nullable Object> writes = new LinkedHashMap<>();
				writes.put(path, value);
				if (!step.other().equals(path)) {
					writes.put(step.other(), otherValue);
				}
				c.setAll(writes);
			}
			case BATCH -> c.batch(() -> {
				c.set(path, value);
				if (otherValue == null) {
					c.delete(step.other());
				}
				else {
					c.set(step.other(), otherValue);
				}
			});
			case UPDATE -> c.update(path, Object.class, (old) -> value);
			case ASYNC_SET -> c.async().set(path, value).join();
			case ASYNC_DELETE -> c.async().delete(path).join();
			case INCREMENT -> c.increment(COUNTER, step.deleteOther() ? 0 : 1);
		}
	}

	private static Map<String, @Nullable Object> reads(StateController c) {
		Map<String, @Nullable Object> reads = new HashMap<>();
		for (String path : READ) {
			reads.put(path, c.get(path));
		}
		return reads;
	}

	private static boolean sameReads(Map<String, @Nullable Object> before, Map<String, @Nullable Object> after) {
		for (String path : READ) {
			if (!StateValues.equal(before.get(path), after.get(path))) {
				return false;
			}
		}
		return true;
	}

	private static void checkEvents(StateController c, List<StateEvent> events, String when) {
		List<Commit> history = c.history(0, 1_000);
		Set<Long> committed = new TreeSet<>();
		for (Commit commit : history) {
			committed.add(commit.revision());
		}
		// "/**" hears every commit that changed something; asynchronous listeners a moment later
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			Set<Long> heard = new TreeSet<>();
			for (StateEvent event : events) {
				heard.add(event.revision());
			}
			assertThat(heard).as("the revisions heard %s", when).containsAll(committed);
		});
		Map<Long, Object> trees = new HashMap<>();
		Map<Long, Object> treesBefore = new HashMap<>();
		Object tree = StateValues.emptyBranch();
		for (Commit commit : history) {
			treesBefore.put(commit.revision(), tree);
			for (ChangedPath change : commit.changes()) {
				tree = StateValues.setIn(tree, StatePath.ROOT, change.path(), change.newValue());
			}
			trees.put(commit.revision(), tree);
		}
		for (String path : READ) {
			assertThat(print(c.get(path))).as("get %s reads what the history built, %s", path, when)
				.isEqualTo(print(StateValues.getIn(tree, StatePath.of(path))));
		}
		long last = 0;
		List<String> heard = new ArrayList<>();
		for (StateEvent event : events) {
			heard.add(event.revision() + " " + event.path() + " " + print(event.newValue())
					+ (event.isResync() ? " resync" : ""));
		}
		for (StateEvent event : events) {
			String which = "event " + event.revision() + " at " + event.path() + " (emitted at " + event.emittingPath()
					+ ") of " + heard + " " + when;
			assertThat(event.isResync()).as("a resync: %s", which).isFalse();
			assertThat(event.revision()).as("revision order: %s", which).isGreaterThanOrEqualTo(last);
			last = event.revision();
			assertThat(committed).as("a retained commit's revision: %s", which).contains(event.revision());
			Object at = StateValues.getIn(trees.get(event.revision()), event.emittingPath());
			assertThat(StateValues.equal(event.newValue(), at))
				.as("new value %s, read at its revision %s: %s", print(event.newValue()), print(at), which)
				.isTrue();
			Object was = StateValues.getIn(treesBefore.get(event.revision()), event.emittingPath());
			assertThat(StateValues.equal(event.prevValue(), was))
				.as("old value %s, read before its revision %s: %s", print(event.prevValue()), print(was), which)
				.isTrue();
		}
	}

	private static String print(@Nullable Object value) {
		return StateValues.toJsonString(value);
	}

}

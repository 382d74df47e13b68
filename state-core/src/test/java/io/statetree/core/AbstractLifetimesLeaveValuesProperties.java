package io.statetree.core;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.StateValues;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A lifetime never changes what a write does to values (DESIGN §12: a time to live or an ephemeral
 * lease says when a value goes, not what it is): the same random writes, made on two controllers
 * over fresh backends of one kind, one controller giving some writes a time to live (minutes, so
 * nothing falls due during a try) or an ephemeral lease and the other none, leave the same tree
 * (compared as JSON text: empty branches, children's order and a decimal's scale count), the same
 * revision and the same events (revision, path, old and new value), refuse the same writes, and
 * inside a batch read the same tree after every write; where the backend keeps state across a
 * restart ({@link #reopen}), each directory read again after its controller closed holds the tree
 * last read (children's order aside). Writes are single calls and batches over a
 * small tree ({@code /a}, its children and grandchildren, {@code /k}, {@code /m}): leaves (integers
 * and decimals of several scales), empty branches, branches with a child, deletes, increments
 * (which keep a time to live), and writes
 * that put every top-level branch back as it was before the batch, so many batches change nothing
 * after deleting and writing again. Found by a new user's break test (README "A time to live could
 * take an empty branch away"): the in-memory backend lost {@code /a = {}} in a batch
 * {@code [delete /a, set /a/x 1 with a time to live, delete /a/x]}, at the same revision, with no
 * event. Each backend's class supplies {@link #newBackend} and, for a hybrid, the paths where its
 * mounts refuse lifetimes.
 */
public abstract class AbstractLifetimesLeaveValuesProperties {

	/**
	 * Creates a fresh, empty backend.
	 * @param directory an empty directory, deleted afterwards, for backends that keep files
	 * @return the backend
	 */
	protected abstract StateBackend newBackend(Path directory);

	/**
	 * Opens a backend again on the directory {@link #newBackend} was given, after the controller
	 * over it closed (the values it kept must be those it read before). A class that gives one
	 * writes no ephemeral value (the close removes those), a time to live instead.
	 * @param directory the directory
	 * @return the backend, {@code null} when it keeps nothing across a restart (the default)
	 */
	protected @Nullable StateBackend reopen(Path directory) {
		return null;
	}

	/**
	 * Whether a write at a path may carry a lifetime (a hybrid refuses one at or above a mount point).
	 * @param path the path written
	 * @return {@code true} by default
	 */
	protected boolean lifetimeAllowed(StatePath path) {
		return true;
	}

	/** Whether {@link #reopen} gives a backend (asked once per try). */
	private boolean restarts;

	private static final List<String> PATHS = List.of("/a", "/a/b", "/a/b/x", "/a/x", "/a/c", "/k", "/m", "/m/x");

	private static final List<String> TOP = List.of("/a", "/k", "/m");

	/**
	 * One write.
	 * @param kind 0 a leaf, 1 an empty branch, 2 a branch with a child, 3 a delete, 4 every top-level
	 * branch put back as before the batch, 5 a decimal leaf, 6 an increment by one
	 * @param path where
	 * @param value 0..2 (for a decimal, its scale)
	 * @param option 0 and 3 none, 1 and 4 a time to live, 2 ephemeral
	 * @param minutes the time to live
	 */
	record Step(int kind, String path, int value, int option, int minutes) {

		@Override
		public String toString() {
			String what = switch (this.kind) {
				case 1 -> "set " + this.path + " {}";
				case 2 -> "set " + this.path + " {x: " + this.value + "}";
				case 3 -> "delete " + this.path;
				case 4 -> "put back /a /k /m";
				case 5 -> "set " + this.path + " " + decimal(this.value);
				case 6 -> "increment " + this.path;
				default -> "set " + this.path + " " + this.value;
			};
			return what + switch (this.option) {
				case 1, 4 -> " ttl " + this.minutes + "min";
				case 2 -> " ephemeral";
				default -> "";
			};
		}

	}

	/**
	 * Writes made together.
	 * @param batch whether in one batch, else each its own call
	 * @param steps the writes
	 */
	record Run(boolean batch, List<Step> steps) {
	}

	@Provide
	Arbitrary<List<Run>> runs() {
		Arbitrary<Step> step = Combinators
			.combine(Arbitraries.integers().between(0, 6), Arbitraries.of(PATHS), Arbitraries.integers().between(0, 2),
					Arbitraries.integers().between(0, 4), Arbitraries.integers().between(10, 60))
			.as(Step::new);
		return Combinators.combine(Arbitraries.of(true, true, false), step.list().ofMinSize(1).ofMaxSize(6))
			.as(Run::new)
			.list()
			.ofMinSize(1)
			.ofMaxSize(8);
	}

	@Property(tries = 100)
	void writesWithLifetimesLeaveTheValuesWritesWithoutLeave(@ForAll("runs") List<Run> runs) throws IOException {
		Path directory = Files.createTempDirectory("statetree-lifetimes-values");
		try {
			StateBackend probe = reopen(directory.resolve("probe"));
			this.restarts = probe != null;
			if (probe != null) {
				probe.close();
			}
			check(directory, runs);
		}
		finally {
			delete(directory);
		}
	}

	/**
	 * The break test's input: {@code /a = {}}, then a batch deleting {@code /a}, writing
	 * {@code /a/x} with a time to live and deleting {@code /a/x} changes nothing, so {@code /a}
	 * still reads {@code {}} at the same revision, as without the time to live; likewise with
	 * {@code /a/b/x} written and {@code /a/b} deleted.
	 */
	@Example
	void aBatchThatDeletesAndWritesBackAnEmptyBranchWithATimeToLiveKeepsIt() throws IOException {
		for (String[] writes : List.of(new String[] { "/a/x", "/a/x" }, new String[] { "/a/b/x", "/a/b" })) {
			Path directory = Files.createTempDirectory("statetree-lifetimes-values");
			try (StateController c = controller(directory.resolve("timed"))) {
				c.set("/a", Map.of());
				c.set("/k", 1);
				long revision = c.revision();
				List<String> heard = new ArrayList<>();
				c.subscribe("/**", (e) -> heard.add(e.revision() + " " + e.path()));
				c.batch(() -> {
					c.delete("/a");
					c.set(writes[0], 1, WriteOptions.ttl(Duration.ofMinutes(10)));
					c.delete(writes[1]);
				});
				String as = "after [delete /a, set " + writes[0] + " 1 ttl 10min, delete " + writes[1] + "]";
				assertThat(StateValues.toJsonString(c.get("/a"))).as("/a %s", as).isEqualTo("{}");
				assertThat(c.revision()).as("revision %s", as).isEqualTo(revision);
				assertThat(heard).as("events %s", as).isEmpty();
			}
			finally {
				delete(directory);
			}
		}
	}

	private void check(Path directory, List<Run> runs) {
		String[] last = new String[2];
		StringBuilder log = new StringBuilder();
		try (StateController timed = controller(directory.resolve("timed"));
				StateController plain = controller(directory.resolve("plain"))) {
			Ears timedEars = new Ears(timed);
			Ears plainEars = new Ears(plain);
			for (Run run : runs) {
				log.append(run.batch() ? "; batch " : "; calls ").append(run.steps());
				Outcome withLifetimes = run(timed, run, true);
				Outcome without = run(plain, run, false);
				String as = log.substring(2);
				assertThat(withLifetimes.refused).as("refusals after %s", as).isEqualTo(without.refused);
				assertThat(withLifetimes.reads).as("reads inside the batch after %s", as).isEqualTo(without.reads);
				assertThat(json(timed.get("/"))).as("/ after %s", as).isEqualTo(json(plain.get("/")));
				assertThat(timed.revision()).as("revision after %s", as).isEqualTo(plain.revision());
				assertThat(timedEars.take()).as("events after %s", as).isEqualTo(plainEars.take());
			}
			last[0] = json(sorted(timed.get("/")));
			last[1] = json(sorted(plain.get("/")));
		}
		for (int i = 0; i < 2; i++) {
			StateBackend again = reopen(directory.resolve((i == 0) ? "timed" : "plain"));
			if (again == null) {
				return;
			}
			try (StateController c = StateController.builder().backend(again).build()) {
				assertThat(json(sorted(c.get("/")))).as("/ after a restart of the %s controller, after %s",
						(i == 0) ? "timed" : "plain", log.substring(2)).isEqualTo(last[i]);
			}
		}
	}

	private StateController controller(Path directory) {
		try {
			Files.createDirectories(directory);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		return StateController.builder()
			.backend(newBackend(directory))
			.dispatch(StateController.Dispatch.SYNC)
			.build();
	}

	/** Every event a controller heard, as text, taken in turn. */
	private static final class Ears {

		private final List<String> heard = new ArrayList<>();

		Ears(StateController c) {
			c.subscribe("/**", (e) -> {
				if (e.path().equals(e.emittingPath())) {
					synchronized (this.heard) {
						this.heard.add(e.revision() + " " + e.path() + " " + json(e.prevValue()) + " -> "
								+ json(e.newValue()));
					}
				}
			});
		}

		List<String> take() {
			synchronized (this.heard) {
				List<String> taken = List.copyOf(this.heard);
				this.heard.clear();
				return taken;
			}
		}

	}

	/** What one controller did with one run. */
	private record Outcome(List<String> refused, List<String> reads) {
	}

	private Outcome run(StateController c, Run run, boolean lifetimes) {
		Map<String, @Nullable Object> before = new LinkedHashMap<>();
		for (String top : TOP) {
			before.put(top, c.get(top));
		}
		List<String> refused = new ArrayList<>();
		List<String> reads = new ArrayList<>();
		if (run.batch()) {
			try {
				c.batch(() -> {
					for (Step step : run.steps()) {
						write(c, step, before, lifetimes);
						reads.add(json(c.get("/")));
					}
				});
			}
			catch (StateException ex) {
				refused.add("the batch: " + ex.getClass().getSimpleName());
			}
		}
		else {
			for (int i = 0; i < run.steps().size(); i++) {
				try {
					write(c, run.steps().get(i), before, lifetimes);
				}
				catch (StateException ex) {
					refused.add("call " + i + ": " + ex.getClass().getSimpleName());
				}
			}
		}
		return new Outcome(refused, reads);
	}

	private void write(StateController c, Step step, Map<String, @Nullable Object> before, boolean lifetimes) {
		if (step.kind() == 6) {
			c.increment(step.path(), 1);
			return;
		}
		if (step.kind() == 4) {
			for (Map.Entry<String, @Nullable Object> entry : before.entrySet()) {
				put(c, entry.getKey(), entry.getValue(), step, lifetimes);
			}
			return;
		}
		Object value = switch (step.kind()) {
			case 1 -> Map.of();
			case 2 -> Map.of("x", step.value());
			case 3 -> null;
			case 5 -> decimal(step.value());
			default -> step.value();
		};
		put(c, step.path(), value, step, lifetimes);
	}

	private void put(StateController c, String path, @Nullable Object value, Step step, boolean lifetimes) {
		if (value == null) {
			c.delete(path);
			return;
		}
		WriteOptions options = (lifetimes && lifetimeAllowed(StatePath.of(path))) ? switch (step.option()) {
			case 1, 4 -> WriteOptions.ttl(Duration.ofMinutes(step.minutes()));
			case 2 -> this.restarts ? WriteOptions.ttl(Duration.ofMinutes(step.minutes())) : WriteOptions.ephemeral();
			default -> null;
		} : null;
		if (options != null) {
			c.set(path, value, options);
		}
		else {
			c.set(path, value);
		}
	}

	/**
	 * A value with every branch's children in name order: a restart is compared without the order
	 * of children, where a cache's copy and its files differ after a branch is deleted and written
	 * again in a commit that changes something (the open child-order finding's kind, README brk29).
	 */
	private static @Nullable Object sorted(@Nullable Object value) {
		if (value instanceof Map<?, ?> map) {
			Map<String, @Nullable Object> names = new java.util.TreeMap<>();
			map.forEach((k, v) -> names.put(String.valueOf(k), sorted(v)));
			return names;
		}
		return value;
	}

	private static BigDecimal decimal(int scale) {
		return BigDecimal.ONE.setScale(scale + 1);
	}

	private static String json(@Nullable Object value) {
		return StateValues.toJsonString(value);
	}

	private static void delete(Path directory) {
		try (Stream<Path> walk = Files.walk(directory)) {
			for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(p);
			}
		}
		catch (IOException ex) {
			// left for the system to clean
		}
	}

}

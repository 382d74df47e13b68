package io.statetree.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

import io.statetree.core.backend.StateBackend;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;

import static org.awaitility.Awaitility.await;

/**
 * What the expiry suite ({@link AbstractExpiryBehaviourTest}) runs on: fresh controllers over the
 * backend under test, closed after each test, in real time or, where the backend takes a clock,
 * in virtual time ({@link #timed}); the events a subscription heard with their arrival times; the
 * expiry commits of the history.
 */
public abstract class ExpiryTestSupport {

	/** How late an expiry commit may come after its due time (DESIGN §12). */
	protected static final Duration LATE = Duration.ofSeconds(1);

	/**
	 * The time to live of a test that checks something before the due time: long enough that a
	 * loaded machine (2 shared cores) does not stall past it between the write and the check.
	 */
	protected static final Duration BEFORE_DUE = Duration.ofMillis(800);

	/** The longest wait for something that must happen. */
	protected static final Duration WAIT = Duration.ofSeconds(10);

	/**
	 * Creates a fresh, empty backend.
	 * @param scratch an empty directory, deleted after the test, for backends that keep files
	 * @return the backend
	 */
	protected abstract StateBackend newBackend(Path scratch);

	/**
	 * Creates a fresh, empty backend that measures lifetimes on the given monotonic clock, or
	 * {@code null} (the default) when the backend keeps its own clock (Redis: the server's time);
	 * the tests that use it then run in real time, with assertions that hold whatever the machine's
	 * delays.
	 * @param scratch an empty directory, deleted after the test, for backends that keep files
	 * @param nanoClock the virtual monotonic clock, in nanoseconds
	 * @return the backend, or {@code null}
	 */
	protected @Nullable StateBackend newBackend(Path scratch, LongSupplier nanoClock) {
		return null;
	}

	/**
	 * The backend to look at after a controller over {@code closed} was closed: a backend that
	 * survives its controller (memory) returns it; one that persists opens its storage again.
	 * @param closed the backend the closed controller used
	 * @param scratch its directory
	 * @return a backend showing what the closed controller left
	 */
	protected StateBackend afterClose(StateBackend closed, Path scratch) {
		return closed;
	}

	final List<StateController> opened = new ArrayList<>();

	final List<StateBackend> extra = new ArrayList<>();

	private final List<Path> scratches = new ArrayList<>();

	protected StateController controller(StateController.Dispatch dispatch) {
		return controller((b) -> b.dispatch(dispatch));
	}

	/** A controller on a fresh backend, closed after the test. */
	protected StateController controller(Consumer<StateControllerBuilder> settings) {
		StateControllerBuilder builder = StateController.builder().backend(newBackend(scratch()));
		settings.accept(builder);
		StateController c = builder.build();
		this.opened.add(c);
		return c;
	}

	/**
	 * Registers a controller made by a subclass, so that it is closed after the test.
	 * @param c the controller
	 * @return {@code c}
	 */
	protected StateController controllerOpened(StateController c) {
		this.opened.add(c);
		return c;
	}

	/**
	 * A controller on a fresh backend, closed after the test, and the time it runs in: virtual
	 * when the backend takes a clock, else real.
	 */
	protected Timed timed(StateController.Dispatch dispatch) {
		AtomicLong clock = new AtomicLong(7_000_000_000L);
		StateBackend backend = newBackend(scratch(), clock::get);
		if (backend == null) {
			return new Timed(controller(dispatch), null);
		}
		StateController c = StateController.builder().backend(backend).dispatch(dispatch).build();
		this.opened.add(c);
		return new Timed(c, clock);
	}

	/** A controller and its time: a virtual clock that moves when told, or real time. */
	protected static final class Timed {

		public final StateController c;

		private final @Nullable AtomicLong clock;

		Timed(StateController c, @Nullable AtomicLong clock) {
			this.c = c;
			this.clock = clock;
		}

		/** Whether time is virtual: it passes only by {@link #pass}, never between two calls. */
		public boolean virtual() {
			return this.clock != null;
		}

		/** Lets time pass: at once on the virtual clock, else by waiting in real time. */
		public void pass(Duration duration) {
			if (this.clock != null) {
				this.clock.addAndGet(duration.toNanos());
			}
			else {
				await().pollDelay(duration).atMost(duration.plus(WAIT)).until(() -> true);
			}
		}

		/**
		 * Lets a time to live run out before the test waits for its expiry: on the virtual clock it
		 * passes at once and a marker write at {@code /later} makes the expiry commits (every commit
		 * first deletes what is due); in real time nothing is done here, the test's waits see the
		 * timer's expiry commits.
		 */
		public void runOut(Duration ttl) {
			if (this.clock != null) {
				this.clock.addAndGet(ttl.toNanos());
				this.c.set("/later", 1);
			}
		}

	}

	protected Path scratch() {
		try {
			Path dir = Files.createTempDirectory("statetree-expiry");
			this.scratches.add(dir);
			return dir;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@AfterEach
	void closeAll() throws Exception {
		for (StateController c : this.opened) {
			c.close();
		}
		this.opened.clear();
		for (StateBackend b : this.extra) {
			b.close();
		}
		this.extra.clear();
		for (Path dir : this.scratches) {
			try (Stream<Path> walk = Files.walk(dir)) {
				for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
					Files.deleteIfExists(p);
				}
			}
		}
		this.scratches.clear();
	}

	/** Collects the events of one subscription, with the time each arrived. */
	protected static final class Heard implements StateListener {

		public final List<StateEvent> events = new CopyOnWriteArrayList<>();

		public final List<Long> at = new CopyOnWriteArrayList<>();

		@Override
		public void onChange(StateEvent event) {
			this.at.add(System.nanoTime());
			this.events.add(event);
		}

		public List<StateEvent> expiries() {
			return this.events.stream().filter(StateEvent::isExpiry).toList();
		}

		public List<StateEvent> writes() {
			return this.events.stream().filter((e) -> !e.isExpiry()).toList();
		}

	}

	protected static Heard listen(StateController c, String pattern) {
		Heard heard = new Heard();
		c.subscribe(pattern, heard);
		return heard;
	}

	protected static List<Commit> expiryCommits(StateController c) {
		return c.history(0, 10_000).stream().filter(Commit::expiry).toList();
	}

	static long millisSince(long nanos) {
		return (System.nanoTime() - nanos) / 1_000_000;
	}

	/** Waits until the condition held for a while (nothing expired that must not). */
	static void holdsFor(Duration period, Callable<Boolean> condition) {
		await().during(period).atMost(period.plus(WAIT)).until(condition);
	}

}

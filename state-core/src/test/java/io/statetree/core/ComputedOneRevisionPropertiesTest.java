package io.statetree.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every value a computed value's {@code get} returns is its function applied to the sources of
 * ONE revision (DESIGN §16), whatever the writers do meanwhile (issue glitch25).
 * <p>
 * The sources are accounts whose sum is zero in every revision: each writer owns a pair it
 * writes as {@code (v, -v)} in one commit ({@code setAll}, asynchronous {@code setAll}, a batch,
 * or a subtree write), and shared accounts, on different mounts of a hybrid, move amounts
 * through batches of two {@code update}s (serialisable, DESIGN §4). The computed value reads
 * every account in a random order, yielding between reads, and returns the sum: any sum other
 * than zero is a computation that mixed two revisions. A second value sums part of the accounts
 * itself and reads the rest through a third computed value (remembered at its own snapshots,
 * since the readers read it too): composed, it must still be one revision's. Some workloads hold the commit lock
 * (a derivation's slow transform) longer than a snapshot read's patience, shortened here to a
 * few milliseconds, so that the path where a read gives up waiting runs in most tries. On every
 * core backend, both dispatch modes.
 * <p>
 * With {@code ComputedImpl} as it was before the fix (an inexact run's value returned), this
 * property fails within its first tries.
 */
class ComputedOneRevisionPropertiesTest {

	private static final int WRITERS = 2;

	private static final int SHARED = 3;

	/** One writer's step. */
	sealed interface Op permits PairWrite, Transfer, Hold {
	}

	/** How a writer writes its own pair. */
	enum PairKind {
		SET_ALL, ASYNC_SET_ALL, BATCH, SUBTREE
	}

	/** Writes the writer's pair as {@code (value, -value)} in one commit. */
	record PairWrite(PairKind kind, int value) implements Op {
	}

	/** Moves an amount between two shared accounts in a batch. */
	record Transfer(int from, int to, int amount) implements Op {
	}

	/** A commit whose derivation holds the commit lock this long. */
	record Hold(int millis) implements Op {
	}

	/** The writers' steps, the order the function reads the accounts in, and the patience. */
	record Workload(List<List<Op>> writers, List<Integer> readOrder, int split, int patienceMillis) {
	}

	@Provide
	Arbitrary<Workload> workloads() {
		Arbitrary<Op> pair = Combinators
			.combine(Arbitraries.of(PairKind.class), Arbitraries.integers().between(-1000, 1000))
			.as(PairWrite::new);
		Arbitrary<Op> transfer = Combinators
			.combine(Arbitraries.integers().between(0, SHARED - 1), Arbitraries.integers().between(0, SHARED - 1),
					Arbitraries.integers().between(1, 100))
			.as(Transfer::new);
		Arbitrary<Op> hold = Arbitraries.integers().between(3, 15).map(Hold::new);
		Arbitrary<Op> op = Arbitraries.frequencyOf(Tuple.of(6, pair), Tuple.of(3, transfer), Tuple.of(1, hold));
		Arbitrary<List<List<Op>>> writers = op.list().ofMinSize(5).ofMaxSize(30).list().ofSize(WRITERS);
		List<Integer> accounts = new ArrayList<>();
		for (int i = 0; i < 2 * WRITERS + SHARED; i++) {
			accounts.add(i);
		}
		return Combinators.combine(writers, Arbitraries.shuffle(accounts),
				Arbitraries.integers().between(1, accounts.size() - 1), Arbitraries.integers().between(1, 4))
			.as(Workload::new);
	}

	@Property(tries = 120)
	void everyGetIsTheFunctionOfOneRevision(@ForAll Break14Backends backend,
			@ForAll StateController.Dispatch dispatch, @ForAll("workloads") Workload workload) throws Exception {
		Path directory = Files.createTempDirectory("glitch25-property");
		try (StateController c = StateController.builder()
			.backend(backend.create(directory))
			.dispatch(dispatch)
			.snapshotReadPatience(Duration.ofMillis(workload.patienceMillis()))
			.build()) {
			List<String> accounts = accounts(backend);
			Map<String, Object> zeros = new LinkedHashMap<>();
			accounts.forEach((path) -> zeros.put(path, 0));
			c.setAll(zeros);
			ThreadLocal<Integer> holdMillis = new ThreadLocal<>();
			c.derive("/held/copy", "/held/trigger", (value) -> {
				Integer millis = holdMillis.get();
				if (millis != null) {
					slowTransform(millis);
				}
				return value;
			});
			List<String> order = workload.readOrder().stream().map(accounts::get).toList();
			int split = workload.split();
			try (Computed<Long> sum = c.computed((view) -> sumOf(view, order));
					Computed<Long> rest = c.computed((view) -> sumOf(view, order.subList(split, order.size())));
					Computed<Long> composed = c.computed((view) -> sumOf(view, order.subList(0, split)) + rest.get())) {
				AtomicBoolean done = new AtomicBoolean();
				Queue<Long> mixed = new ConcurrentLinkedQueue<>();
				List<CompletableFuture<Integer>> readers = new ArrayList<>();
				for (int r = 0; r < 2; r++) {
					readers.add(CompletableFuture.supplyAsync(() -> {
						int gets = 0;
						do {
							long seen = sum.get();
							long seenComposed = composed.get();
							rest.get(); // remembered at its own snapshots, which the composed value may read
							gets++;
							if (seen != 0) {
								mixed.add(seen);
							}
							if (seenComposed != 0) {
								mixed.add(seenComposed);
							}
						}
						while (!done.get());
						return gets;
					}));
				}
				List<CompletableFuture<Void>> writers = new ArrayList<>();
				for (int w = 0; w < WRITERS; w++) {
					int writer = w;
					writers.add(CompletableFuture.runAsync(
							() -> write(c, backend, writer, workload.writers().get(writer), accounts, holdMillis)));
				}
				try {
					CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
				}
				finally {
					done.set(true);
				}
				for (CompletableFuture<Integer> reader : readers) {
					reader.get(60, TimeUnit.SECONDS);
				}
				assertThat(mixed).as("sums other than 0: computations that mixed two revisions").isEmpty();
				long direct = 0;
				for (String path : accounts) {
					direct += ((Number) c.get(path)).longValue();
				}
				assertThat(direct).as("the sum read directly").isZero();
				assertThat(sum.get()).isZero();
				assertThat(composed.get()).isZero();
			}
		}
		finally {
			delete(directory);
		}
	}

	private static long sumOf(StateView view, List<String> paths) {
		long total = 0;
		for (String path : paths) {
			total += ((Number) view.get(path)).longValue();
			Thread.yield();
		}
		return total;
	}

	/** The accounts: each writer's pair under its own branch, then the shared ones, spread over the prefixes. */
	private static List<String> accounts(Break14Backends backend) {
		List<String> accounts = new ArrayList<>();
		for (int w = 0; w < WRITERS; w++) {
			accounts.add(backend.prefix(w) + "/w" + w + "/x");
			accounts.add(backend.prefix(w) + "/w" + w + "/y");
		}
		for (int s = 0; s < SHARED; s++) {
			accounts.add(backend.prefix(s) + "/shared/s" + s);
		}
		return accounts;
	}

	private static void write(StateController c, Break14Backends backend, int writer, List<Op> ops,
			List<String> accounts, ThreadLocal<Integer> holdMillis) {
		String x = accounts.get(2 * writer);
		String y = accounts.get(2 * writer + 1);
		List<CompletableFuture<Boolean>> pending = new ArrayList<>();
		for (int i = 0; i < ops.size(); i++) {
			Op op = ops.get(i);
			if (op instanceof PairWrite write) {
				int v = write.value();
				switch (write.kind()) {
					case SET_ALL -> c.setAll(Map.of(x, v, y, -v));
					case ASYNC_SET_ALL -> pending.add(c.async().setAll(Map.of(x, v, y, -v)));
					case BATCH -> c.batch(() -> {
						c.set(x, v);
						c.set(y, -v);
					});
					case SUBTREE -> c.set(backend.prefix(writer) + "/w" + writer, Map.of("x", v, "y", -v));
				}
			}
			else if (op instanceof Transfer transfer) {
				String from = accounts.get(2 * WRITERS + transfer.from());
				String to = accounts.get(2 * WRITERS + transfer.to());
				c.batch(() -> {
					c.update(from, Integer.class, (v) -> v - transfer.amount());
					c.update(to, Integer.class, (v) -> v + transfer.amount());
				});
			}
			else if (op instanceof Hold hold) {
				holdMillis.set(hold.millis());
				try {
					c.set("/held/trigger", writer * 1_000 + i);
				}
				finally {
					holdMillis.remove();
				}
			}
		}
		pending.forEach((future) -> future.orTimeout(60, TimeUnit.SECONDS).join());
	}

	/** A derivation's transform that takes this long (it holds the commit lock meanwhile). */
	private static void slowTransform(int millis) {
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
		for (long left = millis * 1_000_000L; left > 0; left = deadline - System.nanoTime()) {
			LockSupport.parkNanos(left);
		}
	}

	private static void delete(Path directory) throws IOException {
		try (Stream<Path> files = Files.walk(directory)) {
			for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
	}

}

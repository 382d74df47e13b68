package io.statetree.core.break20;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;

import io.statetree.core.ChangedPath;
import io.statetree.core.Commit;
import io.statetree.core.StatePath;
import io.statetree.core.StateWriteException;
import io.statetree.core.backend.Change;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.CommitResult;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.Precondition;
import io.statetree.core.backend.PreconditionFailedException;
import io.statetree.core.backend.Write;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Group commit (issue 20) as code that commits on a {@code FileSystemBackend} from several threads
 * would use it: eight threads commit at once, with overlapping paths (a shared branch written and
 * deleted by all), compare-and-set increments of one counter (a precondition each), and commits
 * that must be refused (a write below a leaf). Each commit keeps its own revision, values,
 * precondition check and error: revisions are consecutive and unique, every path's changes chain
 * (each old value the previous commit's new value), the counter counts exactly the increments that
 * returned, a refused commit writes nothing, and the history and a reopened directory agree.
 */
class GroupCommitConcurrencyTest {

	static final int THREADS = 8;

	@TempDir
	Path dir;

	record Made(long revision, List<Change> changes) {
	}

	@ParameterizedTest(name = "fsync={0}")
	@ValueSource(booleans = { true, false })
	void concurrentCommitsKeepTheirOwnRevisionsValuesChecksAndErrors(boolean fsync) throws Exception {
		List<Made> made = new CopyOnWriteArrayList<>();
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		AtomicLong increments = new AtomicLong();
		Map<Integer, Long> own = new java.util.concurrent.ConcurrentHashMap<>();
		Map<String, Object> finalTree;
		try (FileSystemBackend backend = FileSystemBackend.builder(this.dir).fsync(fsync).historySize(100_000).build()) {
			CommitResult first = backend.commit(new CommitRequest(List.of(Write.of(StatePath.of("/leaf"), 1L),
					Write.of(StatePath.of("/ctr"), 0L)), List.of(), "t"));
			made.add(new Made(first.revision(), first.changes()));
			CyclicBarrier start = new CyclicBarrier(THREADS);
			List<Thread> threads = new ArrayList<>();
			for (int t = 0; t < THREADS; t++) {
				int thread = t;
				threads.add(new Thread(() -> {
					Random random = new Random(2020 + thread);
					try {
						start.await();
						for (long n = 1; n <= 40; n++) {
							StatePath mine = StatePath.of("/own/t" + thread);
							int op = random.nextInt(8);
							if (op <= 1) {
								// compare-and-set increment of the shared counter
								while (true) {
									long current = ((Number) backend.read(StatePath.of("/ctr"))).longValue();
									try {
										CommitResult result = backend.commit(new CommitRequest(
												List.of(Write.of(StatePath.of("/ctr"), current + 1)),
												List.of(new Precondition(StatePath.of("/ctr"), current)), "t"));
										made.add(new Made(result.revision(), result.changes()));
										increments.incrementAndGet();
										break;
									}
									catch (PreconditionFailedException lost) {
										// another thread's increment came first: read again
									}
								}
							}
							else if (op == 2) {
								long before = own.getOrDefault(thread, 0L);
								try {
									backend.commit(new CommitRequest(List.of(Write.of(mine, -n),
											Write.of(StatePath.of("/leaf/x"), n)), List.of(), "t"));
									failures.add(new AssertionError("a write below the leaf /leaf was accepted"));
								}
								catch (StateWriteException refused) {
									Object now = backend.read(mine);
									if (((now == null) ? 0L : ((Number) now).longValue()) != before) {
										failures.add(new AssertionError("a refused commit wrote " + mine + ": " + now));
									}
								}
							}
							else {
								List<Write> writes = new ArrayList<>();
								writes.add(Write.of(mine, n));
								if (op == 3) {
									writes.add(Write.of(StatePath.of("/shared/k" + random.nextInt(3)), Map.of("t", thread, "n", n)));
								}
								else if (op == 4) {
									writes.add(Write.of(StatePath.of("/shared/k" + random.nextInt(3)), null));
								}
								else if (op == 5) {
									writes.add(Write.of(StatePath.of("/shared"), Map.of("k0", thread, "k1", n)));
								}
								CommitResult result = backend.commit(new CommitRequest(writes, List.of(), "t"));
								made.add(new Made(result.revision(), result.changes()));
								own.put(thread, n);
							}
						}
					}
					catch (Throwable ex) {
						failures.add(ex);
					}
				}));
			}
			threads.forEach(Thread::start);
			for (Thread thread : threads) {
				thread.join();
			}
			assertThat(failures).isEmpty();
			assertThat(((Number) backend.read(StatePath.of("/ctr"))).longValue()).as("every increment that returned")
				.isEqualTo(increments.get());
			for (int t = 0; t < THREADS; t++) {
				Object value = backend.read(StatePath.of("/own/t" + t));
				assertThat((value == null) ? 0L : ((Number) value).longValue()).isEqualTo(own.getOrDefault(t, 0L));
			}
			// revisions: unique and consecutive
			List<Made> sorted = new ArrayList<>(made);
			sorted.sort(Comparator.comparingLong(Made::revision));
			for (int i = 0; i < sorted.size(); i++) {
				assertThat(sorted.get(i).revision()).as("revision " + i).isEqualTo(sorted.get(0).revision() + i);
			}
			assertThat(backend.revision()).isEqualTo(sorted.get(sorted.size() - 1).revision());
			// each change's old value is what the commits before it left there
			OrderModel model = new OrderModel(false);
			for (Made commit : sorted) {
				for (Change change : commit.changes()) {
					assertThat(Break20Support.sameJson(emptyAsAbsent(change.oldValue()),
							emptyAsAbsent(model.get(change.path()))))
						.as("old value at " + change.path() + " in revision " + commit.revision() + ": "
								+ Break20Support.ordered(change.oldValue()) + ", before it "
								+ Break20Support.ordered(model.get(change.path())))
						.isTrue();
				}
				for (Change change : commit.changes()) {
					model.set(change.path(), change.newValue());
				}
			}
			assertThat(Break20Support.sameJson(Break20Support.pruned(model.root()),
					Break20Support.pruned(backend.read(StatePath.ROOT)))).as("the changes replayed are the tree").isTrue();
			// the history holds the same commits with the same changes
			List<Commit> history = backend.history().after(0, 1_000_000);
			assertThat(history).hasSameSizeAs(sorted);
			for (int i = 0; i < history.size(); i++) {
				assertThat(history.get(i).revision()).isEqualTo(sorted.get(i).revision());
				List<String> logged = new ArrayList<>();
				for (ChangedPath change : history.get(i).changes()) {
					logged.add(change.path() + "=" + Break20Support.ordered(Break20Support.sorted(change.newValue())));
				}
				List<String> returned = new ArrayList<>();
				for (Change change : sorted.get(i).changes()) {
					// CommitResult keeps entries whose values are equal (its Javadoc); the history does not
					if (Break20Support.sameJson(Break20Support.emptyAsAbsent(change.oldValue()),
							Break20Support.emptyAsAbsent(change.newValue()))) {
						continue;
					}
					returned.add(change.path() + "=" + Break20Support.ordered(Break20Support.sorted(change.newValue())));
				}
				assertThat(logged).as("history of revision " + history.get(i).revision()).isEqualTo(returned);
			}
			finalTree = OrderModel.copyOf(castMap(backend.read(StatePath.ROOT)));
		}
		try (FileSystemBackend reopened = FileSystemBackend.builder(this.dir).fsync(fsync).historySize(100_000).build()) {
			assertThat(Break20Support.sameJson(Break20Support.pruned(reopened.read(StatePath.ROOT)),
					Break20Support.pruned(finalTree))).isTrue();
		}
	}

	/** An empty branch (a directory whose children were all deleted) counts as nothing. */
	private static Object emptyAsAbsent(Object value) {
		Object pruned = Break20Support.pruned(value);
		return (pruned instanceof Map<?, ?> map && map.isEmpty()) ? null : pruned;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> castMap(Object value) {
		return (value == null) ? new java.util.LinkedHashMap<>() : (Map<String, Object>) value;
	}

}

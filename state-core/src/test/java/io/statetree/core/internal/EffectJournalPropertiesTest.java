package io.statetree.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

import io.statetree.core.StatePath;
import io.statetree.core.StateWriteException;
import io.statetree.core.backend.Change;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.CommitResult;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateValues;
import io.statetree.core.backend.Write;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The journal's snapshot reads against the in-memory backend's own snapshots: after random
 * commits (leaves, subtrees replaced or deleted above and below the read paths, several writes
 * per commit), every path read at a run's pin equals that path in the tree as it was at the pin,
 * and a changed read path is always found.
 */
class EffectJournalPropertiesTest {

	private static final List<String> PATHS = List.of("/", "/a", "/a/b", "/a/b/c", "/a/d", "/e", "/e/f", "/a/b/x");

	private static final StatePath[] WRITABLE = { StatePath.of("/a"), StatePath.of("/a/b"), StatePath.of("/a/b/c"),
			StatePath.of("/a/d"), StatePath.of("/e"), StatePath.of("/e/f") };

	@Provide
	Arbitrary<List<List<Write>>> commits() {
		Arbitrary<Object> leaf = Arbitraries.integers().between(0, 3).map((i) -> (Object) i);
		Arbitrary<Object> branch = Combinators.combine(leaf, leaf)
			.as((x, y) -> (Object) StateValues.fromJava(Map.of("c", x, "x", Map.of("y", y)), (o) -> { throw new IllegalStateException(); }));
		Arbitrary<@Nullable Object> value = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(5, leaf),
				net.jqwik.api.Tuple.of(2, branch), net.jqwik.api.Tuple.of(2, Arbitraries.just(null)));
		Arbitrary<Write> write = Combinators.combine(Arbitraries.of(WRITABLE), value)
			.as((path, v) -> new Write(path, v, null));
		return write.list().ofMinSize(1).ofMaxSize(3).list().ofMinSize(1).ofMaxSize(25);
	}

	/** A snapshot may read a branch left empty by deletes as absent (documented): compare without them. */
	private static @Nullable Object withoutEmptyBranches(@Nullable Object value) {
		if (!(value instanceof Map<?, ?> map)) {
			return value;
		}
		Map<String, Object> result = new java.util.LinkedHashMap<>();
		for (Map.Entry<?, ?> entry : map.entrySet()) {
			Object child = withoutEmptyBranches(entry.getValue());
			if (child != null) {
				result.put((String) entry.getKey(), child);
			}
		}
		return result.isEmpty() ? null : result;
	}

	@Property(tries = 300)
	void readsAtAPinSeeTheTreeAsItWasThen(@ForAll("commits") List<List<Write>> commits,
			@ForAll @IntRange(max = 25) int pinAt) {
		InMemoryBackend backend = new InMemoryBackend();
		ReentrantLock lock = new ReentrantLock();
		EffectJournal journal = new EffectJournal(lock, backend::read, backend.revision());
		EffectJournal.Run run = null;
		Map<String, Object> atPin = null;
		for (int i = 0; i <= commits.size(); i++) {
			if (i == Math.min(pinAt, commits.size())) {
				run = journal.begin();
				atPin = backend.root();
				for (String path : PATHS) {
					run.read(StatePath.of(path));
				}
			}
			if (i == commits.size()) {
				break;
			}
			CommitResult result;
			try {
				result = backend.commit(new CommitRequest(commits.get(i), List.of(), "test"));
			}
			catch (StateWriteException ex) {
				continue; // below a leaf: nothing written
			}
			List<Change> changed = new ArrayList<>();
			for (Change change : result.changes()) {
				if (!StateValues.equal(change.oldValue(), change.newValue())) {
					changed.add(change);
				}
			}
			if (!changed.isEmpty()) {
				journal.record(result.revision(), "test", List.copyOf(changed), null, 0, false);
			}
		}
		try {
			boolean anyChanged = false;
			for (String p : PATHS) {
				StatePath path = StatePath.of(p);
				Object expected = StateValues.getIn(atPin, path);
				Object read = journal.read(run, path);
				if (path.isRoot() && read == null) {
					read = StateValues.emptyBranch();
				}
				assertThat(StateValues.equal(withoutEmptyBranches(read), withoutEmptyBranches(expected)))
					.as("%s at the pin: read %s, was %s", p, read, expected)
					.isTrue();
				anyChanged |= !StateValues.equal(expected, StateValues.getIn(backend.root(), path));
			}
			assertThat(run.inexact).isFalse();
			if (anyChanged) {
				assertThat(journal.changedSince(run.reads)).isNotNull();
			}
		}
		finally {
			journal.end(run);
		}
	}

}

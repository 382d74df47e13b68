package io.statetree.actuate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.statetree.core.ChangedPath;
import io.statetree.core.Commit;
import io.statetree.core.StatePath;
import io.statetree.core.backend.Change;
import io.statetree.core.backend.CommitHistory;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.CommitResult;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.StateValues;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory backend that keeps its own {@link CommitHistory} of every commit made through it,
 * the controller's and those {@link StoredValues} makes past the controller (as data written by an
 * older version reaches a backend that keeps a history: files, Redis). The endpoints then show both.
 */
final class HistoryRecordingBackend implements StateBackend, CommitHistory {

	private final InMemoryBackend delegate = new InMemoryBackend();

	private final List<Commit> commits = new ArrayList<>();

	/** How many times a value was read (child names do not count). */
	final AtomicInteger reads = new AtomicInteger();

	@Override
	public @Nullable Object read(StatePath path) {
		this.reads.incrementAndGet();
		return this.delegate.read(path);
	}

	@Override
	public List<String> childNames(StatePath path) {
		return this.delegate.childNames(path);
	}

	@Override
	public synchronized CommitResult commit(CommitRequest request) {
		CommitResult result = this.delegate.commit(request);
		List<ChangedPath> changed = new ArrayList<>();
		for (Change change : result.changes()) {
			if (!StateValues.equal(change.oldValue(), change.newValue())) {
				changed.add(new ChangedPath(change.path(), change.oldValue(), change.newValue()));
			}
		}
		if (!changed.isEmpty()) {
			this.commits.add(new Commit(result.revision(), Instant.now(), request.origin(), request.actor(), changed));
		}
		return result;
	}

	@Override
	public long revision() {
		return this.delegate.revision();
	}

	@Override
	public Map<String, Object> describe() {
		return this.delegate.describe();
	}

	@Override
	public CommitHistory history() {
		return this;
	}

	@Override
	public synchronized List<Commit> after(long afterRevision, int limit) {
		List<Commit> page = new ArrayList<>();
		for (Commit commit : this.commits) {
			if (commit.revision() > afterRevision && page.size() < limit) {
				page.add(commit);
			}
		}
		return page;
	}

	@Override
	public long retainedAfter() {
		return 0;
	}

}

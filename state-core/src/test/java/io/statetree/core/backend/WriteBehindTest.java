package io.statetree.core.backend;

import java.util.List;
import java.util.Map;

import io.statetree.core.StatePath;
import io.statetree.core.StateStorageException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The pending commits of a write-behind {@link CachingBackend} on their own: applied to what is
 * read meanwhile, written as one commit, and kept when that fails.
 */
class WriteBehindTest {

	final WriteBehind pending = new WriteBehind((path) -> null);

	static @Nullable Object json(String text) {
		return AbstractBackendContractTest.json(text);
	}

	static CommitRequest request(String path, @Nullable Object value) {
		return new CommitRequest(List.of(Write.of(StatePath.of(path), value)), List.of(), "t");
	}

	@Test
	void pendingCommitsAreAppliedInOrderToAValueRead() {
		assertThat(this.pending.hasPending()).isFalse();
		assertThat(this.pending.isEmpty()).isTrue();
		this.pending.add(request("/a/b", json("1")), 0, java.util.List.of());
		this.pending.add(request("/a/c", json("2")), 0, java.util.List.of());
		this.pending.add(request("/a/b", null), 0, java.util.List.of());
		assertThat(this.pending.hasPending()).isTrue();
		InMemoryBackend delegate = new InMemoryBackend();
		delegate.commit(new CommitRequest(List.of(Write.of(StatePath.of("/a"), json("{'x':0}")),
				Write.of(StatePath.of("/z"), json("9"))), List.of(), "t"));
		assertThat(this.pending.applyTo(StatePath.of("/a"), json("{'x':0}"), delegate))
			.isEqualTo(json("{'x':0,'c':2}"));
		assertThat(this.pending.applyTo(StatePath.of("/z"), json("9"), delegate)).isEqualTo(json("9"));
	}

	@Test
	void aFlushWritesEverythingPendingAsOneCommit() {
		ForwardingBackend delegate = new ForwardingBackend(false);
		this.pending.add(request("/a", json("1")), 0, java.util.List.of());
		this.pending.add(request("/b", json("2")), 0, java.util.List.of());
		this.pending.flushTo(delegate, 0);
		assertThat(delegate.commits.get()).isEqualTo(1);
		assertThat(delegate.target.read(StatePath.ROOT)).isEqualTo(json("{'a':1,'b':2}"));
		assertThat(this.pending.hasPending()).isFalse();
		this.pending.flushTo(delegate, 0);
		assertThat(delegate.commits.get()).isEqualTo(1);
	}

	@Test
	void aFailedFlushKeepsTheCommitsPendingAndNamesTheirPaths() {
		ForwardingBackend failing = new ForwardingBackend(false) {

			@Override
			public CommitResult commit(CommitRequest request) {
				throw new StateStorageException("disk full");
			}

			@Override
			public Map<String, Object> describe() {
				return Map.of("type", "failing");
			}

		};
		this.pending.add(request("/a", json("1")), 0, java.util.List.of());
		this.pending.add(request("/b/c", json("2")), 0, java.util.List.of());
		assertThatThrownBy(() -> this.pending.flushTo(failing, 0)).isInstanceOf(StateStorageException.class)
			.hasMessageContaining("2 pending commit(s)")
			.hasMessageContaining("[/a, /b/c]")
			.hasMessageContaining("they stay pending");
		assertThat(this.pending.hasPending()).isTrue();
		assertThat(this.pending.isEmpty()).isFalse();
		ForwardingBackend working = new ForwardingBackend(false);
		this.pending.flushTo(working, 0);
		assertThat(working.target.read(StatePath.of("/b/c"))).isEqualTo(json("2"));
	}

}

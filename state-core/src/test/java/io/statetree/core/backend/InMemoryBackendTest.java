package io.statetree.core.backend;

import java.util.List;
import java.util.Map;

import io.statetree.core.StatePath;
import io.statetree.core.StateWriteException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The in-memory backend's single-write path, which finds the old value and writes in one walk,
 * must report the same changes as the general path.
 */
class InMemoryBackendTest {

	private final InMemoryBackend backend = new InMemoryBackend();

	private CommitResult write(String path, Object value) {
		return this.backend.commit(new CommitRequest(List.of(Write.of(StatePath.of(path), value)), List.of(), "test"));
	}

	@Test
	void aDeleteBelowAnArrayChangesNothingAndReportsTheElement() {
		write("/items", StateValues.fromJava(List.of(1, 2), (o) -> null));
		long revision = this.backend.revision();
		CommitResult result = write("/items/0", null);
		assertThat(result.revision()).isEqualTo(revision);
		assertThat(result.changes()).singleElement().satisfies((change) -> {
			assertThat(change.oldValue()).isEqualTo(1);
			assertThat(change.newValue()).isEqualTo(1);
		});
	}

	@Test
	void singleWritesReportOldAndNewValuesAndCountRevisions() {
		CommitResult first = write("/a/b", 1);
		assertThat(first.revision()).isEqualTo(1);
		assertThat(first.changes()).containsExactly(new Change(StatePath.of("/a/b"), null, 1, null));
		CommitResult same = write("/a/b", 1L);
		assertThat(same.revision()).isEqualTo(1);
		CommitResult deleteRoot = write("/", null);
		assertThat(deleteRoot.revision()).isEqualTo(2);
		assertThat(deleteRoot.changes().get(0).newValue()).isEqualTo(Map.of());
		assertThat(write("/", null).revision()).isEqualTo(2);
		assertThatThrownBy(() -> write("/", 5)).isInstanceOf(StateWriteException.class);
		assertThat(this.backend.revision()).isEqualTo(2);
	}

	@Test
	void aSnapshotCommitOnTheCurrentRootPublishesTheAppliedTree() {
		write("/a", 1);
		SnapshotStore snapshots = this.backend.snapshotStore();
		Map<String, Object> base = snapshots.snapshot();
		assertThat(base).isSameAs(this.backend.root());
		List<Write> writes = List.of(Write.of(StatePath.of("/b"), 2));
		Map<String, Object> applied = StateValues.applyToRoot(base, writes);
		CommitResult result = snapshots.commit(new CommitRequest(writes, List.of(), "test"), base, applied);
		assertThat(result.revision()).isEqualTo(2);
		assertThat(result.changes()).containsExactly(new Change(StatePath.of("/b"), null, 2, null));
		assertThat(this.backend.root()).isSameAs(applied);
	}

	@Test
	void aSnapshotCommitOnAStaleRootAppliesTheWritesToTheCurrentOne() {
		SnapshotStore snapshots = this.backend.snapshotStore();
		Map<String, Object> base = snapshots.snapshot();
		List<Write> writes = List.of(Write.of(StatePath.of("/b"), 2));
		Map<String, Object> applied = StateValues.applyToRoot(base, writes);
		write("/a", 1);
		CommitResult result = snapshots.commit(new CommitRequest(writes, List.of(), "test"), base, applied);
		assertThat(result.revision()).isEqualTo(2);
		assertThat(this.backend.root()).isNotSameAs(applied).isEqualTo(Map.of("a", 1, "b", 2));
	}

	@Test
	void aSnapshotCommitChecksPreconditionsAndWritesNothingWhenOneFails() {
		write("/a", 1);
		SnapshotStore snapshots = this.backend.snapshotStore();
		Map<String, Object> base = snapshots.snapshot();
		List<Write> writes = List.of(Write.of(StatePath.of("/b"), 2));
		Map<String, Object> applied = StateValues.applyToRoot(base, writes);
		CommitRequest request = new CommitRequest(writes, List.of(new Precondition(StatePath.of("/a"), 7)), "test");
		assertThatThrownBy(() -> snapshots.commit(request, base, applied))
			.isInstanceOf(PreconditionFailedException.class);
		assertThat(this.backend.root()).isSameAs(base);
		assertThat(this.backend.revision()).isEqualTo(1);
	}

}

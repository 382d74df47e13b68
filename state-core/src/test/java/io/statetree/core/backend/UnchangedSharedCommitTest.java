package io.statetree.core.backend;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.StatePath;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A commit that changes nothing takes no revision. In front of a shared backend the near cache
 * reports it as revision 0 ({@link CommitResult}), and the controller never takes such a commit
 * for the shared revision moving back (DESIGN §18), whatever number a backend gives it: no resync
 * event, no revision going back. (The near cache over Redis used to report its last
 * revision: the controller delivered a resync, {@code null} at {@code /}, and went one revision back.)
 */
class UnchangedSharedCommitTest {

	private static CommitRequest request(String path, Object value) {
		return new CommitRequest(List.of(new Write(StatePath.of(path), value, null)), List.of(), "here");
	}

	private static CommitRequest delete(String path) {
		return new CommitRequest(List.of(new Write(StatePath.of(path), null, null)), List.of(), "here");
	}

	@Test
	void aNearCacheInFrontOfASharedBackendReportsRevisionZeroForACommitThatChangedNothing() {
		try (CachingBackend cache = new CachingBackend(new ForwardingBackend(true), CachePolicy.defaults())) {
			assertThat(cache.commit(request("/a/x", 1)).revision()).isEqualTo(1);
			CommitResult delete = cache.commit(delete("/a/y"));
			assertThat(delete.revision()).isZero();
			assertThat(StateValues.unchanged(delete.changes())).isTrue();
			assertThat(cache.commit(request("/a/x", 1.0)).revision()).isZero();
			assertThat(cache.commit(request("/a/y", 2)).revision()).isEqualTo(2);
		}
	}

	@Test
	void aNearCacheInFrontOfABackendThatIsNotSharedKeepsReportingItsRevision() {
		try (CachingBackend cache = new CachingBackend(new ForwardingBackend(false), CachePolicy.defaults())) {
			cache.commit(request("/a/x", 1));
			assertThat(cache.commit(delete("/a/y")).revision()).isEqualTo(1);
		}
	}

	@Test
	void theControllerTakesNoUnchangedCommitOfASharedBackendForAMoveBack() {
		// a shared backend that reports its current revision for a commit that changed nothing
		ForwardingBackend shared = new ForwardingBackend(true);
		List<StateEvent> events = new CopyOnWriteArrayList<>();
		try (StateController c = StateController.builder()
			.backend(shared)
			.dispatch(StateController.Dispatch.SYNC)
			.build()) {
			c.subscribe("/**", events::add);
			c.set("/a/x", 1);
			long revision = c.revision();
			assertThat(c.delete("/a/y")).isFalse();
			assertThat(c.set("/a/x", 1.0)).isFalse();
			assertThat(c.revision()).isEqualTo(revision);
			c.set("/z", 1);
			assertThat(events).noneMatch(StateEvent::isResync);
			assertThat(events).extracting((event) -> event.path().toString()).containsExactly("/a/x", "/z");
			assertThat(events).extracting(StateEvent::revision).containsExactly(revision, revision + 1);
		}
	}

}

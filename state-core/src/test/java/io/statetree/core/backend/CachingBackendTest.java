package io.statetree.core.backend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.statetree.core.StatePath;
import io.statetree.core.StateStorageException;
import io.statetree.core.StateWriteException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Caching rules of {@link CachingBackend}: complete subtrees only, misses, policies, flushing and
 * invalidation.
 */
class CachingBackendTest {

	final ForwardingBackend delegate = new ForwardingBackend(false);

	static Object json(String text) {
		return AbstractBackendContractTest.json(text);
	}

	static CommitResult commit(StateBackend backend, String path, @Nullable Object value) {
		return backend.commit(new CommitRequest(List.of(Write.of(StatePath.of(path), value)), List.of(), "t"));
	}

	static @Nullable Object read(StateBackend backend, String path) {
		return backend.read(StatePath.of(path));
	}

	static CachePolicy writeBehind() {
		return CachePolicy.builder().flushOnWrite(false).flushOnDelete(false).build();
	}

	@Test
	void theDefaultsWriteThroughWithoutIntervalOrFlushOnRead() {
		CachePolicy defaults = CachePolicy.defaults();
		assertThat(defaults.flushOnWrite()).isTrue();
		assertThat(defaults.flushOnDelete()).isTrue();
		assertThat(defaults.flushOnRead()).isFalse();
		assertThat(defaults.flushInterval()).isNull();
		assertThat(CachePolicy.builder().build()).isEqualTo(defaults);
		assertThatThrownBy(() -> CachePolicy.builder().flushInterval(Duration.ZERO).build())
			.isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void aReadIsServedFromMemoryAfterTheFirstTime() {
		commit(this.delegate, "/a/b", 1);
		CachingBackend cache = new CachingBackend(this.delegate, CachePolicy.defaults());
		assertThat(read(cache, "/a")).isEqualTo(Map.of("b", 1));
		int reads = this.delegate.reads.get();
		assertThat(read(cache, "/a")).isEqualTo(Map.of("b", 1));
		assertThat(read(cache, "/a/b")).isEqualTo(1);
		assertThat(read(cache, "/a/nothing")).isNull();
		assertThat(this.delegate.reads.get()).isEqualTo(reads);
	}

	@Test
	void aCachedChildNeverAnswersForItsParent() {
		commit(this.delegate, "/a/b", 1);
		commit(this.delegate, "/a/c", 2);
		CachingBackend cache = new CachingBackend(this.delegate, CachePolicy.defaults());
		assertThat(read(cache, "/a/b")).isEqualTo(1);
		commit(cache, "/a/d", 3);
		assertThat(read(cache, "/a")).isEqualTo(Map.of("b", 1, "c", 2, "d", 3));
	}

	@Test
	void aMissIsNeverCachedAsAValue() {
		CachingBackend cache = new CachingBackend(this.delegate, CachePolicy.defaults());
		assertThat(read(cache, "/x")).isNull();
		assertThat(read(cache, "/x")).isNull();
		assertThat(read(cache, "/")).isEqualTo(Map.of());
		commit(this.delegate, "/x", 1);
		cache.invalidate(StatePath.of("/x"));
		assertThat(read(cache, "/x")).isEqualTo(1);
		assertThat(read(cache, "/")).isEqualTo(Map.of("x", 1));
	}

	@Test
	void invalidationRefreshesThePathAndItsAncestors() {
		commit(this.delegate, "/a/b/c", 1);
		CachingBackend cache = new CachingBackend(this.delegate, CachePolicy.defaults());
		assertThat(read(cache, "/")).isEqualTo(json("{'a':{'b':{'c':1}}}"));
		commit(this.delegate, "/a/b/c", 2);
		assertThat(read(cache, "/a/b/c")).isEqualTo(1);
		cache.invalidate(StatePath.of("/a/b/c"));
		assertThat(read(cache, "/a/b/c")).isEqualTo(2);
		assertThat(read(cache, "/")).isEqualTo(json("{'a':{'b':{'c':2}}}"));
		commit(this.delegate, "/z", 1);
		cache.invalidateAll();
		assertThat(read(cache, "/z")).isEqualTo(1);
	}

	@Test
	void writeBehindKeepsCommitsPendingButVisibleUntilFlushed() {
		CachingBackend cache = new CachingBackend(this.delegate, writeBehind());
		commit(cache, "/a", 1);
		commit(cache, "/b/c", 2);
		commit(cache, "/a", null);
		assertThat(this.delegate.commits.get()).isZero();
		assertThat(read(cache, "/")).isEqualTo(Map.of("b", Map.of("c", 2)));
		assertThat(read(this.delegate, "/")).isEqualTo(Map.of());
		cache.flush();
		assertThat(this.delegate.commits.get()).isEqualTo(1);
		assertThat(read(this.delegate, "/")).isEqualTo(Map.of("b", Map.of("c", 2)));
		assertThatThrownBy(() -> commit(cache, "/b/c/d", 1)).isInstanceOf(StateWriteException.class);
	}

	@Test
	void writeBehindRefusesAWriteBelowALeafItHasNotReadYet() {
		commit(this.delegate, "/a", 5);
		CachingBackend cache = new CachingBackend(this.delegate, writeBehind());
		assertThatThrownBy(() -> commit(cache, "/a/b/c", 1)).isInstanceOf(StateWriteException.class);
		cache.close();
		assertThat(read(this.delegate, "/a")).isEqualTo(5);
	}

	@Test
	void closeFlushesPendingCommitsAndClosesTheDelegate() {
		CachingBackend cache = new CachingBackend(this.delegate, writeBehind());
		commit(cache, "/a", 1);
		cache.close();
		assertThat(read(this.delegate, "/a")).isEqualTo(1);
		assertThat(this.delegate.closed).isTrue();
		assertThatThrownBy(() -> read(cache, "/a")).isInstanceOf(IllegalStateException.class);
	}

	@Test
	void aFailedFlushKeepsTheCommitsPendingAndSaysSo() {
		boolean[] failing = { true };
		ForwardingBackend flaky = new ForwardingBackend(false) {
			@Override
			public CommitResult commit(CommitRequest request) {
				if (failing[0]) {
					throw new StateStorageException("disk full");
				}
				return super.commit(request);
			}
		};
		CachingBackend cache = new CachingBackend(flaky, writeBehind());
		commit(cache, "/a", 1);
		assertThatThrownBy(cache::flush).isInstanceOf(StateStorageException.class)
			.hasMessageContaining("stay pending")
			.hasMessageContaining("/a")
			.hasMessageContaining("disk full");
		assertThatThrownBy(cache::close).isInstanceOf(StateStorageException.class);
		assertThat(flaky.closed).isFalse();
		assertThat(read(cache, "/a")).isEqualTo(1);
		failing[0] = false;
		cache.close();
		assertThat(read(flaky, "/a")).isEqualTo(1);
		assertThat(flaky.closed).isTrue();
	}

	@Test
	void flushOnReadAndFlushOnDeleteFollowThePolicy() {
		CachingBackend onRead = new CachingBackend(this.delegate,
				CachePolicy.builder().flushOnWrite(false).flushOnRead(true).build());
		commit(onRead, "/a", 1);
		assertThat(this.delegate.commits.get()).isZero();
		read(onRead, "/zzz");
		assertThat(read(this.delegate, "/a")).isEqualTo(1);
		commit(onRead, "/b", 2);
		commit(onRead, "/a", null);
		assertThat(read(this.delegate, "/")).isEqualTo(Map.of("b", 2));
	}

	@Test
	void theIntervalThreadIsADaemonThatFlushesAndStopsOnClose() throws Exception {
		CachingBackend cache = new CachingBackend(this.delegate,
				CachePolicy.builder().flushOnWrite(false).flushInterval(Duration.ofMillis(20)).build());
		commit(cache, "/a", 1);
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(read(this.delegate, "/a")).isEqualTo(1));
		Thread thread = flushThread();
		assertThat(thread).isNotNull();
		assertThat(thread.isDaemon()).isTrue();
		cache.close();
		thread.join(10_000);
		assertThat(thread.isAlive()).isFalse();
	}

	private static @Nullable Thread flushThread() {
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if (thread.getName().equals("statetree-cache-flush") && thread.isAlive()) {
				return thread;
			}
		}
		return null;
	}

	@Test
	void remoteCommitsInvalidateBeforeTheListenerHearsThem() {
		ForwardingBackend shared = new ForwardingBackend(true);
		commit(shared, "/a", 1);
		CachingBackend cache = new CachingBackend(shared, CachePolicy.defaults());
		assertThat(cache.isShared()).isTrue();
		assertThat(read(cache, "/")).isEqualTo(Map.of("a", 1));
		List<Object> seen = new ArrayList<>();
		cache.setBackendListener(new BackendListener() {
			@Override
			public void onRemoteCommit(RemoteCommit commit) {
				seen.add(read(cache, "/a"));
			}

			@Override
			public void onResync() {
				seen.add(read(cache, "/"));
			}
		});
		commit(shared, "/a", 2);
		shared.listener.onRemoteCommit(new RemoteCommit(2, "other", List.of(new Change(StatePath.of("/a"), 1, 2, null))));
		commit(shared, "/b", 3);
		shared.listener.onResync();
		assertThat(seen).containsExactly(2, Map.of("a", 2, "b", 3));
	}

	@Test
	void writeBehindInFrontOfASharedBackendIsRefused() {
		assertThatThrownBy(() -> new CachingBackend(new ForwardingBackend(true), writeBehind()))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("shared");
	}

	@Test
	void describeShowsThePolicyAndTheDelegate() {
		CachingBackend cache = new CachingBackend(this.delegate, CachePolicy.defaults());
		assertThat(cache.describe()).containsEntry("type", "caching")
			.containsEntry("delegate", Map.of("type", "forwarding"));
	}

	@Test
	void aBatchThatReadAStaleCopyRunsAgainOnTheDelegatesValue() {
		// another writer changes the delegate behind the cache's back (as another instance does
		// before its feed arrives): the batch's check fails there, and the retry must read afresh
		InMemoryBackend delegate = new InMemoryBackend();
		try (io.statetree.core.StateController controller = io.statetree.core.StateController
			.create(new CachingBackend(delegate, CachePolicy.defaults()))) {
			controller.set("/a", Map.of("n", 1));
			assertThat(controller.get("/a/n")).isEqualTo(1);
			delegate.commit(new CommitRequest(List.of(Write.of(StatePath.of("/a/n"), 5)), List.of(), "elsewhere"));
			controller.batch(() -> {
				Integer n = controller.get("/a/n", Integer.class);
				controller.set("/a/n", n + 1);
			});
			assertThat(delegate.read(StatePath.of("/a/n"))).isEqualTo(6);
			assertThat(controller.get("/a/n")).isEqualTo(6);
		}
	}

}

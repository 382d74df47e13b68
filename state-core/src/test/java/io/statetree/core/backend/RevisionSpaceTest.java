package io.statetree.core.backend;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link StateBackend#hasOneRevisionSpace()} for every backend of state-core and every wrapper:
 * the controller takes a local commit's revision at or below one it has seen for a shared backend
 * that moved back only when the answer is {@code true}. Stores answer {@code true}; a hybrid
 * answers {@code false} exactly while one of its backends, root or mounted, is shared (it numbers
 * its own commits apart from theirs); a near cache answers as the backend behind it. A shared
 * backend is stood in for by {@link ForwardingBackend} (Redis answers in state-redis'
 * {@code RedisRevisionSpaceTest}).
 */
class RevisionSpaceTest {

	@TempDir
	Path directory;

	@Test
	void storesHaveOneRevisionSpace() {
		try (InMemoryBackend memory = new InMemoryBackend();
				FileSystemBackend files = FileSystemBackend.builder(this.directory).fsync(false).build()) {
			assertThat(memory.hasOneRevisionSpace()).isTrue();
			assertThat(files.hasOneRevisionSpace()).isTrue();
			assertThat(new ForwardingBackend(true).hasOneRevisionSpace()).as("a shared store").isTrue();
		}
	}

	@Test
	void aHybridWithoutASharedBackendHasOneRevisionSpace() {
		HybridBackend hybrid = new HybridBackend(new InMemoryBackend())
			.mount("/files", FileSystemBackend.builder(this.directory).fsync(false).build())
			.mount("/memory", new InMemoryBackend());
		try (hybrid) {
			assertThat(hybrid.isShared()).isFalse();
			assertThat(hybrid.hasOneRevisionSpace()).isTrue();
			assertThat(new CachingBackend(hybrid, CachePolicy.defaults()).hasOneRevisionSpace()).isTrue();
		}
	}

	@Test
	void aHybridWithASharedMountNumbersItsCommitsApart() {
		try (HybridBackend hybrid = new HybridBackend(new InMemoryBackend())) {
			assertThat(hybrid.hasOneRevisionSpace()).as("before the mount").isTrue();
			hybrid.mount("/shared", new ForwardingBackend(true));
			assertThat(hybrid.isShared()).isTrue();
			assertThat(hybrid.hasOneRevisionSpace()).as("with a shared mount").isFalse();
			assertThat(new CachingBackend(hybrid, CachePolicy.defaults()).hasOneRevisionSpace())
				.as("a near cache in front of it").isFalse();
			hybrid.unmount("/shared");
			assertThat(hybrid.hasOneRevisionSpace()).as("after the unmount").isTrue();
		}
	}

	@Test
	void aHybridWithASharedRootNumbersItsCommitsApart() {
		try (HybridBackend hybrid = new HybridBackend(new ForwardingBackend(true))) {
			assertThat(hybrid.hasOneRevisionSpace()).isFalse();
			hybrid.mount("/memory", new InMemoryBackend());
			assertThat(hybrid.hasOneRevisionSpace()).isFalse();
		}
	}

	@Test
	void aNearCacheAnswersAsTheBackendBehindIt() {
		try (FileSystemBackend files = FileSystemBackend.builder(this.directory).fsync(false).build()) {
			assertThat(new CachingBackend(new InMemoryBackend(), CachePolicy.defaults()).hasOneRevisionSpace()).isTrue();
			assertThat(new CachingBackend(files, CachePolicy.defaults()).hasOneRevisionSpace()).isTrue();
			assertThat(new CachingBackend(new ForwardingBackend(true), CachePolicy.defaults()).hasOneRevisionSpace())
				.isTrue();
			HybridBackend shared = new HybridBackend(new ForwardingBackend(true));
			assertThat(new CachingBackend(new CachingBackend(shared, CachePolicy.defaults()), CachePolicy.defaults())
				.hasOneRevisionSpace()).as("a cache in front of a cache in front of a shared hybrid").isFalse();
		}
	}

}

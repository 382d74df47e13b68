package io.statetree.core;

import java.nio.file.Path;
import java.util.function.LongSupplier;

import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.VirtualTimeBackends;
import org.junit.jupiter.api.Nested;

/**
 * The expiry suite through a {@link HybridBackend}: with every path on its file system root
 * backend (a memory mount elsewhere), and with every path the suite uses below mount points of
 * file system backends (the root a file system backend too, holding none of them).
 */
class HybridExpiryBehaviourTest {

	/** The suite's paths all served by the hybrid's root backend. */
	@Nested
	class OnTheRoot extends AbstractExpiryBehaviourTest {

		@Override
		protected StateBackend newBackend(Path scratch) {
			return new HybridBackend(FileSystemBackend.builder(scratch.resolve("root")).fsync(false).build())
				.mount("/elsewhere", new io.statetree.core.backend.InMemoryBackend());
		}

		@Override
		protected StateBackend newBackend(Path scratch, LongSupplier nanoClock) {
			return new HybridBackend(VirtualTimeBackends.files(scratch.resolve("root"), nanoClock))
				.mount("/elsewhere", VirtualTimeBackends.inMemory(nanoClock));
		}

		@Override
		protected StateBackend afterClose(StateBackend closed, Path scratch) {
			return new HybridBackend(FileSystemBackend.builder(scratch.resolve("root")).fsync(false).build());
		}

	}

	/** Below a mount point: the mounted backend keeps the lifetime, the expiry commit is one commit. */
	@org.junit.jupiter.api.io.TempDir
	Path scratch;

	@org.junit.jupiter.api.Test
	void belowAMountPointATimeToLiveExpiresWithOneExpiryCommitAndAnEphemeralEntryGoesOnClose() {
		FileSystemBackend mounted = FileSystemBackend.builder(this.scratch.resolve("mount")).fsync(false).build();
		HybridBackend hybrid = new HybridBackend(new io.statetree.core.backend.InMemoryBackend()).mount("/m/n", mounted);
		java.util.List<StateEvent> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
		try (StateController c = StateController.builder().backend(hybrid).build()) {
			c.subscribe("/m/**", heard::add);
			c.set("/m/n/k", 1, WriteOptions.ttl(java.time.Duration.ofMillis(300)));
			c.set("/m/n/e", 2, WriteOptions.ephemeral());
			c.set("/m/n/p", 3);
			org.assertj.core.api.Assertions.assertThat(c.timeToLive("/m/n/k")).isNotNull();
			org.assertj.core.api.Assertions.assertThatExceptionOfType(StateWriteException.class)
				.isThrownBy(() -> c.set("/m/n", java.util.Map.of("x", 1), WriteOptions.ttl(java.time.Duration.ofSeconds(1))))
				.withMessageContaining("/m/n");
			org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> c.get("/m/n/k") == null
					&& heard.stream().anyMatch(StateEvent::isExpiry));
			org.assertj.core.api.Assertions.assertThat(c.history(0, 100).stream().filter(Commit::expiry).toList())
				.singleElement()
				.satisfies(commit -> org.assertj.core.api.Assertions.assertThat(commit.changes()).singleElement()
					.satisfies(change -> org.assertj.core.api.Assertions.assertThat(change.path()).hasToString("/m/n/k")));
		}
		try (FileSystemBackend reopened = FileSystemBackend.builder(this.scratch.resolve("mount")).fsync(false).build()) {
			org.assertj.core.api.Assertions.assertThat(reopened.read(StatePath.ROOT)).isEqualTo(java.util.Map.of("p", 3));
			org.assertj.core.api.Assertions.assertThat(reopened.expiringEntries().lifetimes()).isEmpty();
		}
	}

}

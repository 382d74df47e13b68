package io.statetree.core.backend;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.statetree.core.StatePath;
import io.statetree.core.StateWriteException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Lifetimes through a {@link HybridBackend}: kept by the backend serving the path, composed at
 * full paths, refused at or above a mount point and on a backend keeping none, nothing written.
 */
class HybridLifetimesTest {

	@TempDir
	Path temp;

	final AtomicLong nanos = new AtomicLong();

	private FileSystemBackend files(String name) {
		return FileSystemBackend.builder(this.temp.resolve(name)).fsync(false).nanoClock(this.nanos::get).build();
	}

	private static CommitRequest request(String path, @Nullable Object value, @Nullable Lifetime lifetime) {
		return new CommitRequest(List.of(new Write(StatePath.of(path), value, null, lifetime)), List.of(), "me");
	}

	@Test
	void eachBackendKeepsTheLifetimesOfItsPathsAndTheHybridShowsThemAtFullPaths() {
		try (HybridBackend hybrid = new HybridBackend(files("root")).mount("/m/n", files("mount"))) {
			ExpiringEntries lifetimes = hybrid.expiringEntries();
			hybrid.commit(request("/r", 1, Lifetime.ttl(Duration.ofSeconds(5))));
			hybrid.commit(request("/m/n/x", Map.of("y", 1), Lifetime.ttl(Duration.ofSeconds(10))));
			hybrid.commit(request("/m/n/e", 2, Lifetime.ephemeral("i-1")));
			hybrid.commit(request("/m/n/p", 3, null));
			FileSystemBackend mount = (FileSystemBackend) hybrid.mounts().get(StatePath.of("/m/n"));
			assertThat(mount.expiringEntries().lifetimes()).containsOnlyKeys(StatePath.of("/x"), StatePath.of("/e"));
			assertThat(lifetimes.lifetimes()).containsOnlyKeys(StatePath.of("/r"), StatePath.of("/m/n/x"), StatePath.of("/m/n/e"));
			assertThat(lifetimes.timeToLive(StatePath.of("/m/n/x/y"))).isEqualTo(Duration.ofSeconds(10));
			assertThat(lifetimes.timeToLive(StatePath.of("/m"))).isNull();
			assertThat(lifetimes.ephemeral("i-1")).containsExactly(StatePath.of("/m/n/e"));
			assertThat(lifetimes.nanosUntilNextDue()).isEqualTo(Duration.ofSeconds(5).toNanos());
			this.nanos.addAndGet(Duration.ofSeconds(10).toNanos());
			assertThat(lifetimes.due()).containsExactlyInAnyOrder(StatePath.of("/r"), StatePath.of("/m/n/x"));
			assertThat(hybrid.read(StatePath.ROOT)).isEqualTo(Map.of("m", Map.of("n", Map.of("e", 2, "p", 3))));
			Map<String, Object> seen = Map.of("r", 1, "m", Map.of("n", Map.of("x", Map.of("y", 1), "e", 2)));
			assertThat(lifetimes.withoutDue(StatePath.ROOT, seen)).isEqualTo(Map.of("m", Map.of("n", Map.of("e", 2))));
			assertThat(lifetimes.withoutDue(StatePath.of("/m/n/x"), Map.of("y", 1))).isNull();
			CommitResult result = hybrid.commit(new CommitRequest(List.of(Write.of(StatePath.of("/m/n/x"), null)), List.of(),
					"me", null, 0, true));
			assertThat(result.changes()).singleElement().satisfies(c -> assertThat(c.oldValue()).isEqualTo(Map.of("y", 1)));
			assertThat(mount.history().after(0, 100)).last().satisfies(c -> assertThat(c.expiry()).isTrue());
			assertThat(lifetimes.due()).containsExactly(StatePath.of("/r"));
		}
	}

	@Test
	void aLifetimeAtOrAboveAMountPointIsRefusedNamingThePathAndNothingIsWritten() {
		try (HybridBackend hybrid = new HybridBackend(files("root")).mount("/m/n", files("mount"))) {
			for (String path : List.of("/m/n", "/m", "/")) {
				CommitRequest request = request(path, Map.of("n", Map.of("a", 1)), Lifetime.ttl(Duration.ofSeconds(1)));
				assertThatThrownBy(() -> hybrid.commit(request)).isInstanceOf(StateWriteException.class)
					.hasMessageContaining("Cannot write " + path + " with a time to live")
					.hasMessageContaining("/m/n");
				assertThatThrownBy(() -> hybrid.checkCommit(request)).isInstanceOf(StateWriteException.class);
			}
			CommitRequest ephemeral = new CommitRequest(List.of(Write.of(StatePath.of("/q"), 1),
					new Write(StatePath.of("/m/n"), Map.of("a", 1), null, Lifetime.ephemeral("i-1"))), List.of(), "me");
			assertThatThrownBy(() -> hybrid.commit(ephemeral)).isInstanceOf(StateWriteException.class)
				.hasMessageContaining("Cannot write /m/n as ephemeral: it is a mount point");
			assertThat(hybrid.read(StatePath.of("/q"))).isNull();
			assertThat(hybrid.read(StatePath.of("/m"))).isNull();
			assertThat(hybrid.revision()).isZero();
			assertThat(hybrid.expiringEntries().lifetimes()).isEmpty();
		}
	}

	@Test
	void aLifetimeOnABackendKeepingNoneIsRefused() {
		try (HybridBackend hybrid = new HybridBackend(files("root")).mount("/plain", new ForwardingBackend(false))) {
			assertThatThrownBy(() -> hybrid.commit(request("/plain/a", 1, Lifetime.ttl(Duration.ofSeconds(1)))))
				.isInstanceOf(UnsupportedOperationException.class)
				.hasMessageContaining("/plain/a")
				.hasMessageContaining("mounted at /plain (forwarding) keeps no lifetimes");
			assertThat(hybrid.read(StatePath.of("/plain"))).isNull();
			hybrid.commit(request("/plain/a", 1, null));
			assertThat(hybrid.read(StatePath.of("/plain/a"))).isEqualTo(1);
		}
	}

}

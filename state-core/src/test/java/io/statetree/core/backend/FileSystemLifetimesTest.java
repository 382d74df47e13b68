package io.statetree.core.backend;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.statetree.core.Commit;
import io.statetree.core.StatePath;
import io.statetree.core.StateStorageException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The file system backend's lifetimes ({@code .statetree/lifetimes.json}) on virtual clocks: the
 * write rules, reads hiding due values, expiry commits, and what a reopening finds (a time to live
 * going on with the time it had left, one that ran out while closed due at once, every ephemeral
 * entry due at once).
 */
class FileSystemLifetimesTest {

	static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");

	@TempDir
	Path temp;

	/** Monotonic nanoseconds, moved by the test; starts far from 0 to catch sign mistakes. */
	final AtomicLong nanos = new AtomicLong(-5_000_000_000_000L);

	/** The wall clock, moved by the test. */
	final AtomicLong wallMillis = new AtomicLong(T0.toEpochMilli());

	private FileSystemBackend open() {
		return FileSystemBackend.builder(this.temp.resolve("s")).fsync(false).clock(wall()).nanoClock(this.nanos::get).build();
	}

	private Clock wall() {
		return new Clock() {

			@Override
			public ZoneId getZone() {
				return ZoneOffset.UTC;
			}

			@Override
			public Clock withZone(ZoneId zone) {
				return this;
			}

			@Override
			public Instant instant() {
				return Instant.ofEpochMilli(FileSystemLifetimesTest.this.wallMillis.get());
			}

		};
	}

	private void pass(Duration duration) {
		this.nanos.addAndGet(duration.toNanos());
		this.wallMillis.addAndGet(duration.toMillis());
	}

	private static CommitResult write(StateBackend backend, String path, @Nullable Object value, @Nullable Lifetime lifetime) {
		return backend.commit(new CommitRequest(List.of(new Write(StatePath.of(path), value, null, lifetime)), List.of(), "me"));
	}

	private static CommitResult expire(StateBackend backend, StatePath path) {
		return backend.commit(new CommitRequest(List.of(Write.of(path, null)), List.of(), "me", null, 0, true));
	}

	private static Lifetime ttl(long seconds) {
		return Lifetime.ttl(Duration.ofSeconds(seconds));
	}

	@Test
	void aValueReadsAsAbsentOnceDueAndTheExpiryCommitReportsWhatItDeletes() {
		try (FileSystemBackend backend = open()) {
			ExpiringEntries lifetimes = backend.expiringEntries();
			assertThat(lifetimes.nanosUntilNextDue()).isEqualTo(Long.MAX_VALUE);
			write(backend, "/keep", 0, null);
			write(backend, "/s/a", "x", ttl(10));
			write(backend, "/s/b", "y", null);
			assertThat(lifetimes.timeToLive(StatePath.of("/s/a"))).isEqualTo(Duration.ofSeconds(10));
			assertThat(lifetimes.nanosUntilNextDue()).isEqualTo(Duration.ofSeconds(10).toNanos());
			pass(Duration.ofMillis(9_999));
			assertThat(backend.read(StatePath.of("/s/a"))).isEqualTo("x");
			assertThat(lifetimes.due()).isEmpty();
			pass(Duration.ofMillis(1));
			assertThat(lifetimes.nanosUntilNextDue()).isZero();
			assertThat(lifetimes.due()).containsExactly(StatePath.of("/s/a"));
			assertThat(backend.read(StatePath.of("/s/a"))).isNull();
			assertThat(backend.read(StatePath.of("/s"))).isEqualTo(Map.of("b", "y"));
			assertThat(backend.childNames(StatePath.of("/s"))).containsExactly("b");
			assertThat(lifetimes.timeToLive(StatePath.of("/s/a"))).isNull();
			assertThat(lifetimes.withoutDue(StatePath.of("/s"), Map.of("a", "x", "b", "y"))).isEqualTo(Map.of("b", "y"));
			long before = backend.revision();
			CommitResult result = expire(backend, StatePath.of("/s/a"));
			assertThat(result.revision()).isEqualTo(before + 1);
			assertThat(result.changes()).singleElement().satisfies(change -> {
				assertThat(change.oldValue()).isEqualTo("x");
				assertThat(change.newValue()).isNull();
			});
			Commit last = backend.history().after(before, 10).get(0);
			assertThat(last.expiry()).isTrue();
			assertThat(lifetimes.due()).isEmpty();
			assertThat(lifetimes.nanosUntilNextDue()).isEqualTo(Long.MAX_VALUE);
			assertThat(lifetimes.lifetimes()).isEmpty();
			assertThat(Files.exists(this.temp.resolve("s/.statetree/lifetimes.json"))).as("no lifetimes left").isFalse();
		}
	}

	@Test
	void rewritesRestartMakePermanentAndBranchesCoverTheirSubtree() {
		try (FileSystemBackend backend = open()) {
			ExpiringEntries lifetimes = backend.expiringEntries();
			write(backend, "/a", 1, ttl(10));
			pass(Duration.ofSeconds(4));
			write(backend, "/a", 2, ttl(10));
			assertThat(lifetimes.timeToLive(StatePath.of("/a"))).as("the clock restarts").isEqualTo(Duration.ofSeconds(10));
			write(backend, "/a", 3, null);
			assertThat(lifetimes.timeToLive(StatePath.of("/a"))).as("permanent").isNull();
			pass(Duration.ofSeconds(60));
			assertThat(backend.read(StatePath.of("/a"))).isEqualTo(3);

			write(backend, "/b", Map.of("x", 1), ttl(5));
			write(backend, "/b/y", 2, null);
			assertThat(lifetimes.timeToLive(StatePath.of("/b/y"))).as("covered by its branch").isEqualTo(Duration.ofSeconds(5));
			write(backend, "/b/z", 3, ttl(2));
			assertThat(lifetimes.timeToLive(StatePath.of("/b/z"))).as("the earlier of its own and its branch's").isEqualTo(Duration.ofSeconds(2));
			pass(Duration.ofSeconds(2));
			assertThat(lifetimes.due()).containsExactly(StatePath.of("/b/z"));
			expire(backend, StatePath.of("/b/z"));
			pass(Duration.ofSeconds(3));
			assertThat(backend.read(StatePath.of("/b"))).isNull();
			assertThat(backend.read(StatePath.of("/b/y"))).isNull();
			assertThat(backend.childNames(StatePath.of("/b"))).isEmpty();
			assertThat(backend.childNames(StatePath.ROOT)).containsExactly("a");
			assertThat(lifetimes.due()).containsExactly(StatePath.of("/b"));
			expire(backend, StatePath.of("/b"));
			assertThat(lifetimes.lifetimes()).isEmpty();

			write(backend, "/c", Map.of("d", 1), null);
			write(backend, "/c/d", 1, ttl(5));
			write(backend, "/c", Map.of("d", 1), null);
			assertThat(lifetimes.timeToLive(StatePath.of("/c/d"))).as("a write replaces the subtree below it").isNull();
		}
	}

	@Test
	void aValueRewrittenAsItWasTakesItsLifetimeWithoutARevision() {
		try (FileSystemBackend backend = open()) {
			ExpiringEntries lifetimes = backend.expiringEntries();
			write(backend, "/a", 1, null);
			long revision = backend.revision();
			assertThat(write(backend, "/a", 1, ttl(10)).revision()).isEqualTo(revision);
			assertThat(lifetimes.timeToLive(StatePath.of("/a"))).isEqualTo(Duration.ofSeconds(10));
			pass(Duration.ofSeconds(5));
			write(backend, "/a", 1, ttl(10));
			assertThat(lifetimes.timeToLive(StatePath.of("/a"))).isEqualTo(Duration.ofSeconds(10));
			write(backend, "/a", 1, Lifetime.ephemeral("i-1"));
			assertThat(lifetimes.ephemeral("i-1")).containsExactly(StatePath.of("/a"));
			assertThat(lifetimes.timeToLive(StatePath.of("/a"))).isNull();
			write(backend, "/a", 1, null);
			assertThat(lifetimes.lifetimes()).isEmpty();
			assertThat(backend.revision()).isEqualTo(revision);
			assertThat(backend.history().after(0, 100)).hasSize(1);
		}
	}

	@Test
	void keepLeavesTheLifetimeAsItWasAndADeleteClearsIt() {
		try (FileSystemBackend backend = open()) {
			ExpiringEntries lifetimes = backend.expiringEntries();
			write(backend, "/n", 1, ttl(10));
			pass(Duration.ofSeconds(3));
			write(backend, "/n", 2, Lifetime.KEEP);
			assertThat(lifetimes.timeToLive(StatePath.of("/n"))).isEqualTo(Duration.ofSeconds(7));
			write(backend, "/m", 2, Lifetime.KEEP);
			assertThat(lifetimes.timeToLive(StatePath.of("/m"))).isNull();
			write(backend, "/n", null, null);
			write(backend, "/n", 5, Lifetime.KEEP);
			assertThat(lifetimes.timeToLive(StatePath.of("/n"))).isNull();
		}
	}

	@Test
	void aTimeToLiveGoesOnAcrossReopeningAndOneThatRanOutWhileClosedIsDueAtOnce() {
		try (FileSystemBackend backend = open()) {
			write(backend, "/long", "l", ttl(100));
			write(backend, "/short", "s", ttl(10));
			write(backend, "/p", "p", null);
		}
		pass(Duration.ofSeconds(30));
		// a different monotonic origin, as after a restart
		this.nanos.addAndGet(987_654_321_000L);
		try (FileSystemBackend backend = open()) {
			ExpiringEntries lifetimes = backend.expiringEntries();
			assertThat(lifetimes.timeToLive(StatePath.of("/long"))).isEqualTo(Duration.ofSeconds(70));
			assertThat(lifetimes.nanosUntilNextDue()).isZero();
			assertThat(lifetimes.due()).containsExactly(StatePath.of("/short"));
			assertThat(backend.read(StatePath.of("/short"))).isNull();
			assertThat(backend.read(StatePath.ROOT)).isEqualTo(Map.of("long", "l", "p", "p"));
			long before = backend.revision();
			expire(backend, StatePath.of("/short"));
			assertThat(backend.history().after(before, 10)).singleElement().satisfies(commit -> {
				assertThat(commit.expiry()).isTrue();
				assertThat(commit.changes()).singleElement().satisfies(c -> assertThat(c.oldValue()).isEqualTo("s"));
			});
			assertThat(lifetimes.nanosUntilNextDue()).isEqualTo(Duration.ofSeconds(70).toNanos());
		}
	}

	@Test
	void everyEphemeralEntryFoundAtOpenIsDueAtOnce() {
		try (FileSystemBackend backend = open()) {
			write(backend, "/presence/i-1", Map.of("since", 1), Lifetime.ephemeral("i-1"));
			write(backend, "/presence/i-1/x", 2, null);
			write(backend, "/other", 1, Lifetime.ephemeral("i-2"));
			assertThat(backend.expiringEntries().ephemeral("i-1")).containsExactly(StatePath.of("/presence/i-1"));
			assertThat(backend.expiringEntries().due()).isEmpty();
			assertThat(backend.expiringEntries().nanosUntilNextDue()).isEqualTo(Long.MAX_VALUE);
			assertThat(backend.expiringEntries().lifetimes()).containsEntry(StatePath.of("/other"), Lifetime.ephemeral("i-2"));
		}
		try (FileSystemBackend backend = open()) {
			ExpiringEntries lifetimes = backend.expiringEntries();
			assertThat(lifetimes.ephemeral("i-1")).isEmpty();
			assertThat(lifetimes.due()).containsExactlyInAnyOrder(StatePath.of("/presence/i-1"), StatePath.of("/other"));
			assertThat(backend.read(StatePath.of("/presence"))).isEqualTo(Map.of());
			expire(backend, StatePath.of("/presence/i-1"));
			expire(backend, StatePath.of("/other"));
			assertThat(lifetimes.due()).isEmpty();
		}
		try (FileSystemBackend backend = open()) {
			assertThat(backend.expiringEntries().lifetimes()).isEmpty();
		}
	}

	@Test
	void theFileHoldsWallClockDueTimesAndADamagedOneIsNamedWithoutItsContent() throws IOException {
		try (FileSystemBackend backend = open()) {
			write(backend, "/a b", 1, ttl(10));
			write(backend, "/e", 1, Lifetime.ephemeral("i-1"));
		}
		Path file = this.temp.resolve("s/.statetree/lifetimes.json");
		String json = Files.readString(file);
		assertThat(json).contains("\"path\":[\"a b\"],\"due\":" + (T0.toEpochMilli() + 10_000))
			.contains("\"path\":[\"e\"],\"owner\":\"i-1\"");
		Files.writeString(file, "{\"version\":1,\"entries\":[{\"path\":[\"secret-value\"]}]}", StandardCharsets.UTF_8);
		assertThatThrownBy(this::open).isInstanceOf(StateStorageException.class)
			.hasMessageContaining(file.toString())
			.hasMessageContaining("neither a due time nor an owner")
			.hasMessageNotContaining("secret-value");
		Files.writeString(file, "{not json", StandardCharsets.UTF_8);
		assertThatThrownBy(this::open).isInstanceOf(StateStorageException.class).hasMessageContaining("damaged");
		Files.delete(file);
		try (FileSystemBackend backend = open()) {
			assertThat(backend.expiringEntries().lifetimes()).isEmpty();
			assertThat(backend.read(StatePath.of("/a b"))).isEqualTo(1);
		}
	}

	@Test
	void aWriteWithoutLifetimesWritesNoLifetimesFile() {
		try (FileSystemBackend backend = open()) {
			write(backend, "/a", 1, null);
			write(backend, "/b", Map.of("c", 2), null);
			write(backend, "/a", null, null);
		}
		assertThat(Files.exists(this.temp.resolve("s/.statetree/lifetimes.json"))).isFalse();
	}

}

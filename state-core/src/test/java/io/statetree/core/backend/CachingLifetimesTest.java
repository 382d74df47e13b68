package io.statetree.core.backend;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cache in front of a file system backend, on one virtual monotonic clock: writing through and
 * writing behind, reads from the copy hide due values, a time to live counts from the commit and
 * not the flush, expiry commits go through, and the lifetimes are there after reopening.
 */
class CachingLifetimesTest {

	@TempDir
	Path temp;

	final VirtualClock clock = new VirtualClock();

	private FileSystemBackend files() {
		return FileSystemBackend.builder(this.temp.resolve("s")).fsync(false).clock(this.clock)
			.nanoClock(this.clock::nanos).build();
	}

	private CachingBackend cache(CachePolicy policy) {
		return new CachingBackend(files(), policy, this.clock::nanos);
	}

	private static CachePolicy behind() {
		return CachePolicy.builder().flushOnWrite(false).flushOnDelete(false).build();
	}

	private void pass(Duration duration) {
		this.clock.pass(duration);
	}

	private static CommitResult write(StateBackend backend, String path, @Nullable Object value, @Nullable Lifetime lifetime) {
		return backend.commit(new CommitRequest(List.of(new Write(StatePath.of(path), value, null, lifetime)), List.of(), "me"));
	}

	private static CommitResult expire(StateBackend backend, StatePath path) {
		return backend.commit(new CommitRequest(List.of(Write.of(path, null)), List.of(), "me", null, 0, true));
	}

	@Test
	void writingThroughTheCopyHidesDueValuesAndTheDelegateKeepsTheLifetimes() {
		try (CachingBackend cache = cache(CachePolicy.defaults())) {
			ExpiringEntries lifetimes = cache.expiringEntries();
			write(cache, "/s/a", "x", Lifetime.ttl(Duration.ofSeconds(10)));
			write(cache, "/s/b", "y", null);
			assertThat(cache.read(StatePath.of("/s"))).isEqualTo(Map.of("a", "x", "b", "y"));
			assertThat(lifetimes.timeToLive(StatePath.of("/s/a"))).isEqualTo(Duration.ofSeconds(10));
			assertThat(cache.delegate().expiringEntries().timeToLive(StatePath.of("/s/a"))).isEqualTo(Duration.ofSeconds(10));
			pass(Duration.ofSeconds(4));
			long revision = cache.revision();
			write(cache, "/s/a", "x", Lifetime.ttl(Duration.ofSeconds(10)));
			assertThat(cache.revision()).as("an equal rewrite makes no revision").isEqualTo(revision);
			assertThat(lifetimes.timeToLive(StatePath.of("/s/a"))).as("but restarts the clock").isEqualTo(Duration.ofSeconds(10));
			pass(Duration.ofSeconds(10));
			assertThat(cache.read(StatePath.of("/s"))).as("from the copy").isEqualTo(Map.of("b", "y"));
			assertThat(cache.read(StatePath.of("/s/a"))).isNull();
			assertThat(cache.childNames(StatePath.of("/s"))).containsExactly("b");
			assertThat(lifetimes.due()).containsExactly(StatePath.of("/s/a"));
			CommitResult result = expire(cache, StatePath.of("/s/a"));
			assertThat(result.changes()).singleElement().satisfies(c -> assertThat(c.oldValue()).isEqualTo("x"));
			assertThat(cache.history().after(0, 10)).last().satisfies(c -> assertThat(c.expiry()).isTrue());
			assertThat(lifetimes.due()).isEmpty();
			assertThat(cache.delegate().read(StatePath.of("/s"))).isEqualTo(Map.of("b", "y"));
		}
	}

	@Test
	void writingBehindATimeToLiveCountsFromTheCommitNotTheFlush() {
		try (CachingBackend cache = cache(behind())) {
			ExpiringEntries lifetimes = cache.expiringEntries();
			write(cache, "/a", 1, Lifetime.ttl(Duration.ofSeconds(10)));
			write(cache, "/e", 1, Lifetime.ephemeral("i-1"));
			assertThat(cache.delegate().read(StatePath.of("/a"))).as("pending").isNull();
			assertThat(lifetimes.timeToLive(StatePath.of("/a"))).isEqualTo(Duration.ofSeconds(10));
			assertThat(lifetimes.ephemeral("i-1")).containsExactly(StatePath.of("/e"));
			pass(Duration.ofSeconds(4));
			cache.flush();
			assertThat(cache.delegate().expiringEntries().timeToLive(StatePath.of("/a"))).isEqualTo(Duration.ofSeconds(6));
			assertThat(cache.delegate().expiringEntries().ephemeral("i-1")).containsExactly(StatePath.of("/e"));
			assertThat(lifetimes.timeToLive(StatePath.of("/a"))).isEqualTo(Duration.ofSeconds(6));
			pass(Duration.ofSeconds(6));
			assertThat(cache.read(StatePath.of("/a"))).isNull();
			assertThat(lifetimes.nanosUntilNextDue()).isZero();
			assertThat(lifetimes.due()).containsExactly(StatePath.of("/a"));
			long delegateRevision = cache.delegate().revision();
			CommitResult result = expire(cache, StatePath.of("/a"));
			assertThat(result.changes()).singleElement().satisfies(c -> assertThat(c.oldValue()).isEqualTo(1));
			assertThat(cache.delegate().revision()).as("an expiry commit goes through").isEqualTo(delegateRevision + 1);
			assertThat(lifetimes.due()).isEmpty();
			assertThat(cache.delegate().expiringEntries().lifetimes()).containsOnlyKeys(StatePath.of("/e"));
		}
	}

	@Test
	void writingBehindARewriteAsItWasReachesTheDelegateWithItsLifetime() {
		try (CachingBackend cache = cache(behind())) {
			write(cache, "/a", 1, null);
			cache.flush();
			long revision = cache.revision();
			write(cache, "/a", 1, Lifetime.ttl(Duration.ofSeconds(10)));
			assertThat(cache.revision()).isEqualTo(revision);
			assertThat(cache.expiringEntries().timeToLive(StatePath.of("/a"))).isEqualTo(Duration.ofSeconds(10));
			pass(Duration.ofSeconds(1));
			cache.flush();
			assertThat(cache.delegate().expiringEntries().timeToLive(StatePath.of("/a"))).isEqualTo(Duration.ofSeconds(9));
			write(cache, "/a", 1, null);
			cache.flush();
			assertThat(cache.delegate().expiringEntries().lifetimes()).isEmpty();
		}
	}

	@Test
	void afterReopeningOverTheFilesTheLifetimesAreStillThere() {
		try (CachingBackend cache = cache(behind())) {
			write(cache, "/a", 1, Lifetime.ttl(Duration.ofSeconds(10)));
			write(cache, "/b", 2, Lifetime.ttl(Duration.ofSeconds(100)));
		}
		pass(Duration.ofSeconds(20));
		try (CachingBackend cache = cache(behind())) {
			assertThat(cache.expiringEntries().due()).containsExactly(StatePath.of("/a"));
			assertThat(cache.read(StatePath.of("/a"))).isNull();
			assertThat(cache.expiringEntries().timeToLive(StatePath.of("/b"))).isEqualTo(Duration.ofSeconds(80));
		}
		try (CachingBackend cache = cache(CachePolicy.defaults())) {
			assertThat(cache.expiringEntries().due()).containsExactly(StatePath.of("/a"));
			assertThat(cache.expiringEntries().timeToLive(StatePath.of("/b"))).isEqualTo(Duration.ofSeconds(80));
		}
	}

	@Test
	void aDelegateWithoutLifetimesGivesTheCacheNone() {
		try (CachingBackend cache = new CachingBackend(new ForwardingBackend(false), CachePolicy.defaults())) {
			assertThat(cache.expiringEntries()).isNull();
		}
	}

}

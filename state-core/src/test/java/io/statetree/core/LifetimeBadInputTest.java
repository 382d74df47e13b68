package io.statetree.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.CommitResult;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Break issue 14, bad input: a zero, negative, sub-millisecond or over-3,650-day time to live, and
 * a time to live with {@code ephemeral()}, throw {@code IllegalArgumentException} naming the value
 * when the options are made (so no entry point can write anything); the limits themselves work
 * and {@code timeToLive} is never more than given; a lifetime on or above a hybrid's mount point
 * is refused with {@code StateWriteException} naming the path from every entry point (a failed
 * future from {@code async()}, never a throw), nothing written; a backend that keeps no lifetimes
 * refuses with {@code UnsupportedOperationException}, nothing written.
 */
class LifetimeBadInputTest {

	@TempDir
	Path dir;

	@Provide
	Arbitrary<Duration> outOfRange() {
		return Arbitraries.oneOf(Arbitraries.longs().between(Long.MIN_VALUE / 2, 999_999).map(Duration::ofNanos),
				Arbitraries.longs().between(-1_000_000_000L, 0).map(Duration::ofSeconds),
				Arbitraries.longs().between(1, Long.MAX_VALUE / 2).map(n -> Duration.ofDays(3650).plusNanos(n)),
				Arbitraries.of(Duration.ZERO, Duration.ofNanos(-1), Duration.ofNanos(999_999), Duration.ofDays(3651),
						Duration.ofDays(3650).plusNanos(1), Duration.ofSeconds(Long.MAX_VALUE, 999_999_999),
						Duration.ofSeconds(Long.MIN_VALUE)));
	}

	@Property(tries = 300)
	void everyWayToMakeAnOutOfRangeTimeToLiveThrowsNamingIt(@ForAll("outOfRange") Duration ttl) {
		List<Supplier<WriteOptions>> makers = List.of(() -> WriteOptions.ttl(ttl),
				() -> WriteOptions.actor("ada").withTtl(ttl), () -> WriteOptions.payload("p").withTtl(ttl),
				() -> WriteOptions.ttl(Duration.ofSeconds(1)).withTtl(ttl), () -> WriteOptions.ephemeral().withTtl(ttl));
		for (Supplier<WriteOptions> maker : makers) {
			assertThatThrownBy(maker::get).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(ttl.toString());
		}
	}

	@Property(tries = 200)
	void aTimeToLiveWithEphemeralThrowsNamingTheTimeToLive(@ForAll("inRange") Duration ttl) {
		assertThatThrownBy(() -> WriteOptions.ephemeral().withTtl(ttl)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining(ttl.toString());
		assertThatThrownBy(() -> WriteOptions.ttl(ttl).withEphemeral()).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining(ttl.toString());
		assertThatThrownBy(() -> WriteOptions.ttl(ttl).withActor("ada").withEphemeral())
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining(ttl.toString());
	}

	@Provide
	Arbitrary<Duration> inRange() {
		return Arbitraries.longs().between(1_000_000, Duration.ofDays(3650).toNanos()).map(Duration::ofNanos);
	}

	@ParameterizedTest
	@EnumSource(Break14Backends.class)
	void theLimitsWorkAndTimeToLiveIsNeverMoreThanGiven(Break14Backends kind) {
		StateController c = StateController.builder().backend(kind.create(this.dir.resolve("state"))).build();
		try {
			List<Duration> ttls = List.of(Duration.ofDays(3650), Duration.ofDays(3650).minusNanos(1),
					Duration.ofMillis(10_000).plusNanos(999_999), Duration.ofMillis(60_000).plusNanos(1),
					Duration.ofSeconds(30).plusNanos(500_000));
			int n = 0;
			for (Duration ttl : ttls) {
				for (int writer = 0; writer < 2; writer++) {
					String p = kind.prefix(writer) + "/limit" + (n++);
					c.set(p, "v", WriteOptions.ttl(ttl));
					Duration left = c.timeToLive(p);
					assertThat(c.get(p)).isEqualTo("v");
					assertThat(left).as("timeToLive of %s written with %s", p, ttl).isNotNull();
					assertThat(left).as("timeToLive of %s written with %s", p, ttl).isLessThanOrEqualTo(ttl);
					assertThat(left).as("timeToLive of %s written with %s", p, ttl)
						.isGreaterThan(ttl.minusSeconds(5));
					Duration asyncLeft = c.async()
						.set(p + "a", "v", WriteOptions.ttl(ttl))
						.thenApply(changed -> c.timeToLive(p + "a"))
						.join();
					assertThat(asyncLeft).as("timeToLive of %sa written asynchronously with %s", p, ttl)
						.isNotNull()
						.isLessThanOrEqualTo(ttl);
				}
			}
			c.set(kind.prefix(0) + "/one", "v", WriteOptions.ttl(Duration.ofMillis(1)));
			Duration left = c.timeToLive(kind.prefix(0) + "/one");
			if (left != null) {
				assertThat(left).isLessThanOrEqualTo(Duration.ofMillis(1)).isGreaterThanOrEqualTo(Duration.ZERO);
			}
		}
		finally {
			c.close();
		}
	}

	@Test
	void theTenYearLimitSurvivesReopeningFiles() {
		Path d = this.dir.resolve("files");
		StateController c = StateController.builder().backend(FileSystemBackend.builder(d).fsync(false).build()).build();
		c.set("/far", "v", WriteOptions.ttl(Duration.ofDays(3650)));
		c.set("/near", "v", WriteOptions.ttl(Duration.ofMillis(10_000).plusNanos(999_999)));
		c.close();
		StateController again = StateController.builder()
			.backend(FileSystemBackend.builder(d).fsync(false).build())
			.build();
		try {
			assertThat(again.get("/far")).isEqualTo("v");
			assertThat(again.timeToLive("/far")).isLessThanOrEqualTo(Duration.ofDays(3650))
				.isGreaterThan(Duration.ofDays(3650).minusMinutes(1));
			assertThat(again.timeToLive("/near")).isLessThanOrEqualTo(Duration.ofMillis(10_000).plusNanos(999_999));
		}
		finally {
			again.close();
		}
	}

	private StateController hybrid() {
		return StateController.builder()
			.backend(new HybridBackend(new InMemoryBackend()).mount("/m",
					FileSystemBackend.builder(this.dir.resolve("mount")).fsync(false).build()))
			.dispatch(StateController.Dispatch.SYNC)
			.build();
	}

	private static void refusedNamingThePath(@Nullable Throwable thrown, String path) {
		assertThat(thrown).isInstanceOf(StateWriteException.class);
		assertThat(thrown.getMessage()).contains(path).doesNotContain("secret-value");
	}

	@Test
	void aLifetimeOnOrAboveAMountPointIsRefusedFromEveryEntryPointAndNothingIsWritten() {
		StateController c = hybrid();
		try {
			long revision = c.revision();
			Map<String, Object> value = Map.of("x", "secret-value");
			for (WriteOptions options : List.of(WriteOptions.ttl(Duration.ofSeconds(5)), WriteOptions.ephemeral(),
					WriteOptions.actor("ada").withTtl(Duration.ofSeconds(5)))) {
				refusedNamingThePath(catchThrowable(() -> c.set("/m", value, options)), "/m");
				refusedNamingThePath(catchThrowable(() -> c.set("/", Map.of("m", value), options)), "/");
				CompletableFuture<Boolean> future = c.async().set("/m", value, options);
				Throwable failed = catchThrowable(future::join);
				assertThat(failed).isInstanceOf(CompletionException.class);
				refusedNamingThePath(failed.getCause(), "/m");
				refusedNamingThePath(catchThrowable(() -> c.batch(() -> {
					c.set("/a", 1);
					c.set("/m", value, options);
				})), "/m");
			}
			assertThat(c.revision()).isEqualTo(revision);
			assertThat(c.get("/")).isEqualTo(Map.of());
			// inside a batch the call does not throw: the batch's commit does, and writes nothing
			assertThatThrownBy(() -> c.batch(() -> {
				c.set("/a", 1);
				c.set("/m", value, WriteOptions.ttl(Duration.ofSeconds(5)));
				c.set("/b", 2);
			})).isInstanceOf(StateWriteException.class).hasMessageContaining("/m");
			assertThat(c.get("/")).isEqualTo(Map.of());
			// below the mount point it is fine
			c.set("/m/x", "v", WriteOptions.ttl(Duration.ofSeconds(5)));
			assertThat(c.timeToLive("/m/x")).isNotNull();
		}
		finally {
			c.close();
		}
	}

	/** A backend of the user's own that keeps no lifetimes. */
	static final class PlainBackend implements StateBackend {

		private final InMemoryBackend delegate = new InMemoryBackend();

		@Override
		public @Nullable Object read(StatePath path) {
			return this.delegate.read(path);
		}

		@Override
		public CommitResult commit(CommitRequest request) {
			return this.delegate.commit(request);
		}

		@Override
		public long revision() {
			return this.delegate.revision();
		}

	}

	@Test
	void aBackendWithoutLifetimesRefusesThemFromEveryEntryPointAndWritesNothing() {
		StateController c = StateController.builder()
			.backend(new PlainBackend())
			.dispatch(StateController.Dispatch.SYNC)
			.build();
		try {
			for (WriteOptions options : List.of(WriteOptions.ttl(Duration.ofSeconds(5)), WriteOptions.ephemeral())) {
				assertThatThrownBy(() -> c.set("/k", "v", options)).isInstanceOf(UnsupportedOperationException.class);
				Throwable failed = catchThrowable(() -> c.async().set("/k", "v", options).join());
				assertThat(failed).isInstanceOf(CompletionException.class)
					.hasCauseInstanceOf(UnsupportedOperationException.class);
				assertThatThrownBy(() -> c.batch(() -> {
					c.set("/j", 1);
					c.set("/k", "v", options);
				})).isInstanceOf(UnsupportedOperationException.class);
			}
			assertThat(c.get("/")).isEqualTo(Map.of());
			assertThat(c.revision()).isZero();
			assertThat(c.timeToLive("/k")).isNull();
		}
		finally {
			c.close();
		}
	}

}

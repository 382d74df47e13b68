package io.statetree.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

import io.statetree.core.AbstractLifetimeRewriteProperties;
import io.statetree.core.ChangedPath;
import io.statetree.core.Commit;
import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import io.statetree.core.WriteOptions;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The lifetime rewrite rules of DESIGN §12 on Redis (see {@code AbstractLifetimeRewriteProperties}
 * for the local backends, which run them in virtual time): an equal rewrite without a lifetime,
 * through any entry point, makes the value permanent at once (no time to live, no lifetime kept in
 * the namespace, no revision), so nothing here waits for a due time; and an {@code update} or a
 * batch whose value fell due while its function ran (it waits until the server's clock says so)
 * does not replace it: the expiry commit comes first and the function runs again on {@code null}.
 */
class RedisLifetimeRewritePropertiesTest {

	private static final RedisTestFixture REDIS = new RedisTestFixture("rewrite");

	@BeforeContainer
	static void connect() {
		REDIS.connect();
	}

	@AfterContainer
	static void disconnect() {
		REDIS.disconnect();
	}

	private static RedisBackend backend() {
		return REDIS.newBackend();
	}

	private static StateController controller(RedisBackend backend) {
		return StateController.builder().backend(backend).dispatch(StateController.Dispatch.SYNC).build();
	}

	@Provide
	Arbitrary<Object> values() {
		return Arbitraries.oneOf(Arbitraries.integers().between(-3, 3).map((i) -> (Object) i),
				Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(4).map((s) -> (Object) s),
				Arbitraries.integers().between(0, 3).map((i) -> (Object) Map.of("k", i)));
	}

	@Property(tries = 60)
	void anEqualRewriteWithoutALifetimeMakesTheValuePermanent(@ForAll AbstractLifetimeRewriteProperties.Rewrite rewrite,
			@ForAll("values") Object value, @ForAll boolean ephemeral, @ForAll @IntRange(min = 1, max = 120) int minutes) {
		RedisBackend backend = backend();
		StateController c = controller(backend);
		try {
			String path = "/e/v";
			c.set(path, value, ephemeral ? WriteOptions.ephemeral() : WriteOptions.ttl(Duration.ofMinutes(minutes)));
			long revision = c.revision();
			rewrite.apply(c, path, value);
			assertThat(c.get(path)).as("the value after the rewrite").isEqualTo(value);
			assertThat(c.timeToLive(path)).as("the time to live after the rewrite").isNull();
			assertThat(c.revision()).as("an equal write makes no revision").isEqualTo(revision);
			assertThat(c.history(0, 100)).hasSize(1);
			assertThat(backend.expiringEntries().lifetimes().keySet()).as("the lifetimes the namespace keeps")
				.noneMatch((p) -> p.isAncestorOrSelf(StatePath.of(path)) || StatePath.of(path).isAncestorOf(p));
		}
		finally {
			c.close();
		}
	}

	/** The entry points whose function reads the value before they write it. */
	enum ReadingWrite {

		UPDATE, ASYNC_UPDATE, BATCH_UPDATE, BATCH_READ_THEN_SET

	}

	@Property(tries = 8)
	void aValueThatFallsDueWhileTheFunctionRunsIsExpiredFirstAndNotReplaced(@ForAll ReadingWrite write,
			@ForAll @IntRange(min = -5, max = 5) int old) {
		StateController c = controller(backend());
		try {
			String path = "/k";
			c.set(path, old, WriteOptions.ttl(Duration.ofMillis(300)));
			List<@Nullable Object> seen = new CopyOnWriteArrayList<>();
			UnaryOperator<@Nullable Integer> function = (v) -> {
				seen.add(v);
				if (seen.size() == 1) {
					// the value falls due (by the server's clock) while the function runs
					await().atMost(Duration.ofSeconds(10)).until(() -> c.timeToLive(path) == null);
				}
				return (v == null) ? 100 : v + 1;
			};
			switch (write) {
				case UPDATE -> c.update(path, Integer.class, function);
				case ASYNC_UPDATE -> c.async().update(path, Integer.class, function).join();
				case BATCH_UPDATE -> c.batch(() -> c.update(path, Integer.class, function));
				case BATCH_READ_THEN_SET -> c.batch(() -> c.set(path, function.apply(c.get(path, Integer.class))));
			}
			// on a loaded machine the value may have been due before the function first ran
			assertThat(seen).as("what the function saw").endsWith((Object) null);
			assertThat(c.get(path)).isEqualTo(100);
			assertThat(c.timeToLive(path)).isNull();
			await().atMost(Duration.ofSeconds(30)).until(() -> c.history(0, 100).size() == 3);
			List<String> history = new ArrayList<>();
			for (Commit commit : c.history(0, 100)) {
				for (ChangedPath change : commit.changes()) {
					history.add((commit.expiry() ? "expiry " : "") + change.oldValue() + " -> " + change.newValue());
				}
			}
			assertThat(history).containsExactly("null -> " + old, "expiry " + old + " -> null", "null -> 100");
		}
		finally {
			c.close();
		}
	}

}

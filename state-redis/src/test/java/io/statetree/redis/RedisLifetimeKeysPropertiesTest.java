package io.statetree.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.statetree.core.StatePath;
import io.statetree.core.StateWriteException;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.Lifetime;
import io.statetree.core.backend.Write;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.connection.RedisConnection;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lifetime bookkeeping of the commit script (DESIGN §12) against a model of each path's
 * lifetime: random batches of writes and deletes on a few overlapping paths, each permanent,
 * keeping its lifetime, with a time to live (long enough that nothing falls due) or ephemeral for
 * one of two owners. After each batch the backend's {@code lifetimes()} equal the model's (a write
 * clears the lifetimes below it and sets or clears its own, a delete clears them at and below, a
 * refused batch changes nothing), and the keys keep the invariant the script relies on: every path
 * of {@code life} is in exactly one of {@code due} and {@code eph}, nothing else is in those, and
 * {@code ephown} mirrors {@code eph}.
 */
class RedisLifetimeKeysPropertiesTest {

	private static final List<String> PATHS = List.of("/a", "/a/b", "/a/c", "/a-b", "/b", "/b/x");

	/** Far longer than a try runs: nothing falls due. */
	private static final List<Duration> TTLS = List.of(Duration.ofHours(1), Duration.ofHours(2));

	private static final long SLACK_MILLIS = 60_000;

	private static final RedisTestFixture REDIS = new RedisTestFixture("lifekeys");

	/** One write of a batch: {@code value} null deletes; {@code lifetime} null is permanent. */
	record Op(String path, @Nullable Object value, @Nullable Lifetime lifetime) {

		Write write() {
			return new Write(StatePath.of(this.path), this.value, null, this.lifetime);
		}

		@Override
		public String toString() {
			return this.path + "=" + this.value + ((this.lifetime != null) ? " " + this.lifetime : "");
		}

	}

	@BeforeContainer
	static void connect() {
		REDIS.connect();
	}

	@AfterContainer
	static void disconnect() {
		REDIS.disconnect();
	}

	@Provide
	Arbitrary<List<List<Op>>> batches() {
		Arbitrary<String> paths = Arbitraries.of(PATHS);
		Arbitrary<@Nullable Object> values = Arbitraries.oneOf(Arbitraries.just(null), Arbitraries.integers().between(0, 2).map(i -> i),
				Arbitraries.integers().between(0, 1).map(i -> Map.of("v", i)));
		Arbitrary<@Nullable Lifetime> lifetimes = Arbitraries.oneOf(Arbitraries.just(null), Arbitraries.just(Lifetime.KEEP),
				Arbitraries.of(TTLS).map(Lifetime::ttl), Arbitraries.of("o1", "o2").map(Lifetime::ephemeral));
		Arbitrary<Op> ops = Combinators.combine(paths, values, lifetimes).as(Op::new);
		return ops.list().ofMinSize(1).ofMaxSize(3).list().ofMinSize(1).ofMaxSize(12);
	}

	@Property(tries = 60)
	void lifetimesFollowTheModelAndTheKeysStayConsistent(@ForAll("batches") List<List<Op>> batches) {
		String namespace = REDIS.newNamespace();
		Keys keys = Keys.of(namespace);
		try (RedisBackend backend = REDIS.backend(0, namespace)) {
			Map<String, Lifetime> model = new HashMap<>();
			for (List<Op> batch : batches) {
				List<Write> writes = new ArrayList<>();
				for (Op op : batch) {
					writes.add(op.write());
				}
				boolean applied;
				try {
					backend.commit(new CommitRequest(writes, List.of(), "property"));
					applied = true;
				}
				catch (StateWriteException ex) {
					applied = false; // a write below a leaf or a leaf at the root: nothing written
				}
				if (applied) {
					for (Op op : batch) {
						apply(model, op);
					}
				}
				assertMatches(backend.expiringEntries().lifetimes(), model, batch);
				assertKeysConsistent(keys);
			}
		}
	}

	/** What a committed write does to the lifetimes (commit.lua's apply step). */
	private static void apply(Map<String, Lifetime> model, Op op) {
		model.keySet().removeIf(p -> p.startsWith(op.path() + "/"));
		Lifetime lifetime = op.lifetime();
		if (op.value() == null || lifetime == null) {
			model.remove(op.path());
		}
		else if (!lifetime.isKeep()) {
			model.put(op.path(), lifetime);
		}
	}

	private static void assertMatches(Map<StatePath, Lifetime> actual, Map<String, Lifetime> model, List<Op> batch) {
		Map<String, Lifetime> byPath = new HashMap<>();
		actual.forEach((path, lifetime) -> byPath.put(path.toString(), lifetime));
		assertThat(byPath.keySet()).as("paths with a lifetime after %s", batch).isEqualTo(model.keySet());
		model.forEach((path, expected) -> {
			Lifetime found = byPath.get(path);
			if (expected.isEphemeral()) {
				assertThat(found).as("lifetime of %s after %s", path, batch).isEqualTo(expected);
			}
			else {
				assertThat(found.ttl()).as("time to live of %s after %s", path, batch).isNotNull();
				assertThat(found.ttl().toMillis()).as("time to live of %s after %s", path, batch)
					.isBetween(expected.ttl().toMillis() - SLACK_MILLIS, expected.ttl().toMillis());
			}
		});
	}

	private static void assertKeysConsistent(Keys keys) {
		try (RedisConnection connection = REDIS.factory().getConnection()) {
			Set<String> life = strings(connection.zSetCommands().zRange(keys.life(), 0, -1));
			Set<String> due = strings(connection.zSetCommands().zRange(keys.due(), 0, -1));
			Map<byte[], byte[]> ephRaw = connection.hashCommands().hGetAll(keys.eph());
			Map<String, String> eph = new HashMap<>();
			if (ephRaw != null) {
				ephRaw.forEach((k, v) -> eph.put(string(k), string(v)));
			}
			Set<String> ephown = strings(connection.zSetCommands().zRange(keys.ephown(), 0, -1));
			Set<String> dueAndEph = new HashSet<>(due);
			dueAndEph.retainAll(eph.keySet());
			assertThat(dueAndEph).as("paths both in due and in eph").isEmpty();
			Set<String> union = new HashSet<>(due);
			union.addAll(eph.keySet());
			assertThat(life).as("life against due and eph").isEqualTo(union);
			Set<String> mirrored = new HashSet<>();
			eph.forEach((path, owner) -> mirrored.add(owner + "\0" + path));
			assertThat(ephown).as("ephown against eph").isEqualTo(mirrored);
		}
	}

	private static Set<String> strings(@Nullable Set<byte[]> members) {
		Set<String> out = new HashSet<>();
		if (members != null) {
			for (byte[] member : members) {
				out.add(string(member));
			}
		}
		return out;
	}

	private static String string(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}

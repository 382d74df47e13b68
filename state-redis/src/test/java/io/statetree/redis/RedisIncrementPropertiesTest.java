package io.statetree.redis;

import java.math.BigInteger;
import java.util.List;

import io.statetree.core.StatePath;
import io.statetree.core.StateWriteException;
import io.statetree.core.backend.Change;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.CommitResult;
import io.statetree.core.backend.Write;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link RedisBackend#increment} against exact {@link BigInteger} arithmetic: from any start
 * value, every sum inside the {@code long} range is stored exactly (the script adds decimal
 * digits, never Lua doubles), every sum outside it is refused with nothing written.
 */
class RedisIncrementPropertiesTest {

	private static final StatePath COUNTER = StatePath.of("/n");

	private static final BigInteger MIN = BigInteger.valueOf(Long.MIN_VALUE);

	private static final BigInteger MAX = BigInteger.valueOf(Long.MAX_VALUE);

	private static final RedisTestFixture REDIS = new RedisTestFixture("increment");

	@BeforeContainer
	static void connect() {
		REDIS.connect();
	}

	@AfterContainer
	static void disconnect() {
		REDIS.disconnect();
	}

	@Provide
	Arbitrary<Long> values() {
		long twoTo53 = 1L << 53;
		return Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.longs().between(-1_000, 1_000),
				Arbitraries.longs().between(twoTo53 - 3, twoTo53 + 3), Arbitraries.longs().between(-twoTo53 - 3, -twoTo53 + 3),
				Arbitraries.longs().between(Long.MAX_VALUE - 3, Long.MAX_VALUE),
				Arbitraries.longs().between(Long.MIN_VALUE, Long.MIN_VALUE + 3));
	}

	@Provide
	Arbitrary<List<Long>> deltas() {
		return values().list().ofMinSize(1).ofMaxSize(6);
	}

	@Property(tries = 60)
	void sumsMatchExactArithmeticAndOverflowsWriteNothing(@ForAll("values") long start,
			@ForAll("deltas") List<Long> deltas) {
		String namespace = REDIS.newNamespace();
		try (RedisBackend backend = REDIS.backend(0, namespace)) {
			CommitRequest context = new CommitRequest(List.of(), List.of(), "property");
			backend.commit(new CommitRequest(List.of(Write.of(COUNTER, start)), List.of(), "property"));
			BigInteger model = BigInteger.valueOf(start);
			for (long delta : deltas) {
				BigInteger sum = model.add(BigInteger.valueOf(delta));
				long revision = backend.revision();
				if (sum.compareTo(MIN) < 0 || sum.compareTo(MAX) > 0) {
					assertThatThrownBy(() -> backend.increment(COUNTER, delta, context))
						.isInstanceOf(StateWriteException.class)
						.hasMessageContaining("overflow");
					assertThat(backend.revision()).isEqualTo(revision);
				}
				else {
					CommitResult result = backend.increment(COUNTER, delta, context);
					// adding 0 changes nothing: no revision, as on every backend
					assertThat(result.revision()).isEqualTo((delta == 0) ? 0 : revision + 1);
					assertThat(backend.revision()).isEqualTo((delta == 0) ? revision : revision + 1);
					Change change = result.changes().get(0);
					assertThat(((Number) change.oldValue()).longValue()).isEqualTo(model.longValueExact());
					assertThat(((Number) change.newValue()).longValue()).isEqualTo(sum.longValueExact());
					model = sum;
				}
				assertThat(((Number) backend.read(COUNTER)).longValue()).isEqualTo(model.longValueExact());
			}
		}
	}

}

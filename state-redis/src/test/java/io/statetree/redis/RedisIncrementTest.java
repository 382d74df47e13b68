package io.statetree.redis;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.statetree.core.StatePath;
import io.statetree.core.StateWriteException;
import io.statetree.core.backend.Change;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.CommitResult;
import io.statetree.core.backend.StateValues;
import io.statetree.core.backend.Write;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link RedisBackend#increment}: one script call that adds exactly over the whole {@code long}
 * range (Lua numbers are doubles), refuses what is not an integer, an overflow and a path below a
 * leaf with nothing written, and never loses an addition between threads or backends.
 */
@ExtendWith(RedisTestServer.class)
class RedisIncrementTest {

	private static final StatePath COUNTER = StatePath.of("/counters/hits");

	private static final CommitRequest CONTEXT = new CommitRequest(List.of(), List.of(), "test", "ann", 0);

	private LettuceConnectionFactory factory;

	private String namespace;

	private final List<RedisBackend> backends = new ArrayList<>();

	@BeforeEach
	void setUp(RedisTestServer redis) {
		this.factory = redis.newConnectionFactory();
		this.namespace = redis.newNamespace();
	}

	@AfterEach
	void tearDown() {
		this.backends.forEach(RedisBackend::close);
	}

	private RedisBackend backend() {
		RedisBackend backend = RedisBackend.builder(this.factory).namespace(this.namespace).build();
		this.backends.add(backend);
		return backend;
	}

	private static void set(RedisBackend backend, String path, Object value) {
		backend.commit(new CommitRequest(List.of(Write.of(StatePath.of(path), value)), List.of(), "test"));
	}

	private static long number(Object value) {
		return ((Number) value).longValue();
	}

	@Test
	void anAbsentValueCountsAsZeroAndTheBranchesAboveAreCreated() {
		RedisBackend backend = backend();
		CommitResult result = backend.increment(COUNTER, 5, CONTEXT);
		assertThat(result.revision()).isEqualTo(1);
		assertThat(result.changes()).containsExactly(new Change(COUNTER, null, 5, null));
		assertThat(backend.read(COUNTER)).isEqualTo(5);
		assertThat(backend.childNames(StatePath.ROOT)).containsExactly("counters");
		assertThat(backend.revision()).isEqualTo(1);
		CommitResult second = backend.increment(COUNTER, -7, CONTEXT);
		assertThat(second.revision()).isEqualTo(2);
		assertThat(second.changes()).containsExactly(new Change(COUNTER, 5, -2, null));
		assertThat(backend.read(COUNTER)).isEqualTo(-2);
	}

	@Test
	void addsExactlyAroundTwoToTheFiftyThirdAndTheEndsOfTheLongRange() {
		RedisBackend backend = backend();
		long twoTo53 = 1L << 53;
		set(backend, "/counters/hits", twoTo53);
		backend.increment(COUNTER, 1, CONTEXT);
		assertThat(number(backend.read(COUNTER))).isEqualTo(twoTo53 + 1);
		backend.increment(COUNTER, 2, CONTEXT);
		assertThat(number(backend.read(COUNTER))).isEqualTo(twoTo53 + 3);
		set(backend, "/counters/hits", -twoTo53);
		backend.increment(COUNTER, -1, CONTEXT);
		assertThat(number(backend.read(COUNTER))).isEqualTo(-twoTo53 - 1);
		set(backend, "/counters/hits", Long.MAX_VALUE - 2);
		CommitResult result = backend.increment(COUNTER, 2, CONTEXT);
		assertThat(result.changes()).containsExactly(new Change(COUNTER, Long.MAX_VALUE - 2, Long.MAX_VALUE, null));
		assertThat(backend.read(COUNTER)).isEqualTo(Long.MAX_VALUE);
		backend.increment(COUNTER, Long.MIN_VALUE, CONTEXT);
		assertThat(backend.read(COUNTER)).isEqualTo(-1);
		backend.increment(COUNTER, Long.MIN_VALUE + 1, CONTEXT);
		assertThat(backend.read(COUNTER)).isEqualTo(Long.MIN_VALUE);
		backend.increment(COUNTER, Long.MAX_VALUE, CONTEXT);
		assertThat(backend.read(COUNTER)).isEqualTo(-1);
	}

	@Test
	void anOverflowIsRefusedAndNothingIsWritten() {
		RedisBackend backend = backend();
		set(backend, "/counters/hits", Long.MAX_VALUE);
		long revision = backend.revision();
		assertThatThrownBy(() -> backend.increment(COUNTER, 1, CONTEXT)).isInstanceOf(StateWriteException.class)
			.hasMessage("Cannot increment /counters/hits by 1: the sum overflows a long; nothing was written");
		set(backend, "/counters/hits", Long.MIN_VALUE);
		assertThatThrownBy(() -> backend.increment(COUNTER, -1, CONTEXT)).isInstanceOf(StateWriteException.class)
			.hasMessage("Cannot increment /counters/hits by -1: the sum overflows a long; nothing was written");
		assertThatThrownBy(() -> backend.increment(COUNTER, Long.MIN_VALUE, CONTEXT))
			.isInstanceOf(StateWriteException.class);
		assertThat(backend.read(COUNTER)).isEqualTo(Long.MIN_VALUE);
		assertThat(backend.revision()).isEqualTo(revision + 1);
		assertThat(backend.history().after(revision + 1, 10)).isEmpty();
	}

	@Test
	void whatIsNotAnIntegerIsRefusedWithoutQuotingIt() {
		RedisBackend backend = backend();
		set(backend, "/decimal", new BigDecimal("1.0"));
		set(backend, "/double", 2.5);
		set(backend, "/text", "secret-42");
		set(backend, "/digits", "42");
		set(backend, "/flag", true);
		set(backend, "/list", List.of(1, 2));
		set(backend, "/branch", StateValues.branch(Map.of("a", 1)));
		set(backend, "/huge", new BigInteger("9223372036854775808"));
		long revision = backend.revision();
		Map<String, String> kinds = Map.of("/decimal", "a decimal number", "/double", "a decimal number", "/text",
				"a string", "/digits", "a string", "/flag", "a boolean", "/list", "a list");
		kinds.forEach((path, kind) -> assertThatThrownBy(() -> backend.increment(StatePath.of(path), 1, CONTEXT))
			.isInstanceOf(StateWriteException.class)
			.hasMessage("Cannot increment " + path + ": the value there is " + kind
					+ ", not an integer; nothing was written"));
		assertThatThrownBy(() -> backend.increment(StatePath.of("/branch"), 1, CONTEXT))
			.isInstanceOf(StateWriteException.class)
			.hasMessage("Cannot increment /branch: the value there is a branch, not an integer; nothing was written");
		assertThatThrownBy(() -> backend.increment(StatePath.of("/huge"), -1, CONTEXT))
			.isInstanceOf(StateWriteException.class)
			.hasMessage("Cannot increment /huge: the integer there is outside the range of a long; nothing was written");
		assertThatThrownBy(() -> backend.increment(StatePath.ROOT, 1, CONTEXT)).isInstanceOf(StateWriteException.class)
			.hasMessageContaining("root");
		assertThat(backend.revision()).isEqualTo(revision);
		assertThat(backend.read(StatePath.of("/text"))).isEqualTo("secret-42");
		assertThat(backend.read(StatePath.of("/huge"))).isEqualTo(new BigInteger("9223372036854775808"));
	}

	@Test
	void belowALeafIsRefusedAndNothingIsWritten() {
		RedisBackend backend = backend();
		set(backend, "/counters", List.of(1, 2));
		set(backend, "/name", "Ann");
		long revision = backend.revision();
		assertThatThrownBy(() -> backend.increment(StatePath.of("/counters/0"), 1, CONTEXT))
			.isInstanceOf(StateWriteException.class)
			.hasMessage("Cannot increment /counters/0: /counters holds a leaf value, not a branch; nothing was written");
		assertThatThrownBy(() -> backend.increment(StatePath.of("/name/length/x"), 1, CONTEXT))
			.isInstanceOf(StateWriteException.class)
			.hasMessage("Cannot increment /name/length/x: /name holds a leaf value, not a branch; nothing was written");
		assertThat(backend.revision()).isEqualTo(revision);
		assertThat(backend.read(StatePath.of("/counters"))).isEqualTo(List.of(1, 2));
		assertThat(backend.childNames(StatePath.of("/name"))).isEmpty();
	}

	@Test
	void aZeroDeltaOnAnExistingIntegerTakesNoRevision() {
		RedisBackend backend = backend();
		set(backend, "/counters/hits", 3);
		CommitResult result = backend.increment(COUNTER, 0, CONTEXT);
		assertThat(result.revision()).isZero();
		assertThat(backend.revision()).isEqualTo(1);
		assertThat(result.changes()).containsExactly(new Change(COUNTER, 3, 3, null));
		assertThat(backend.history().after(1, 10)).isEmpty();
	}

	@Test
	void fourThreadsOnTwoBackendsLoseNoAddition() throws Exception {
		List<RedisBackend> both = List.of(backend(), backend());
		int threadsPerBackend = 4;
		int increments = 2_500;
		ExecutorService pool = Executors.newFixedThreadPool(2 * threadsPerBackend);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (RedisBackend backend : both) {
				for (int t = 0; t < threadsPerBackend; t++) {
					futures.add(pool.submit(() -> {
						for (int i = 0; i < increments; i++) {
							backend.increment(COUNTER, 1, CONTEXT);
						}
					}));
				}
			}
			for (Future<?> future : futures) {
				future.get();
			}
		}
		finally {
			pool.shutdownNow();
		}
		int total = 2 * threadsPerBackend * increments;
		assertThat(number(both.get(0).read(COUNTER))).isEqualTo(total);
		assertThat(both.get(1).revision()).isEqualTo(total);
	}

}

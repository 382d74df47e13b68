package io.statetree.core.backend;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.statetree.core.StatePath;
import io.statetree.redis.RedisBackend;
import io.statetree.redis.test.RedisTestServer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The backend contract on {@link RedisBackend}'s asynchronous calls: every read of the contract
 * suite goes through {@code readAsync} and every commit through {@code commitAsync}, each
 * failure unwrapped from the future's {@link CompletionException}, so the async calls give the
 * same results and throw the same exceptions as the synchronous ones. (In this package because
 * the contract suite is package-private.)
 */
@ExtendWith(RedisTestServer.class)
class RedisAsyncBackendContractTest extends AbstractBackendContractTest {

	private static LettuceConnectionFactory factory;

	private static int namespaces;

	@BeforeAll
	static void connect() {
		factory = RedisTestServer.createConnectionFactory(RedisTestServer.endpoint());
	}

	@AfterAll
	static void disconnect() {
		factory.destroy();
	}

	@Override
	protected StateBackend newBackend() {
		RedisBackend redis = RedisBackend.builder(factory)
			.namespace("async-contract-" + ProcessHandle.current().pid() + "-" + (++namespaces))
			.build();
		return new ThroughAsync(redis);
	}

	@Test
	void theRedisBackendIsNonBlockingOnASharedLettuceConnection() {
		assertThat(((ThroughAsync) this.backend).redis.isNonBlocking()).isTrue();
	}

	@Test
	void failuresArriveThroughTheFutureNotThrownByTheCall() {
		RedisBackend redis = ((ThroughAsync) this.backend).redis;
		redis.commit(new CommitRequest(List.of(Write.of(StatePath.of("/leaf"), 1)), List.of(), "test"));
		CompletableFuture<CommitResult> below = redis
			.commitAsync(new CommitRequest(List.of(Write.of(StatePath.of("/leaf/x"), 2)), List.of(), "test"));
		assertThatThrownBy(below::join).isInstanceOf(CompletionException.class)
			.hasCauseInstanceOf(io.statetree.core.StateWriteException.class);
		redis.close();
		assertThatThrownBy(() -> redis.commitAsync(new CommitRequest(List.of(), List.of(), "test")).join())
			.isInstanceOf(CompletionException.class)
			.hasCauseInstanceOf(IllegalStateException.class);
		assertThatThrownBy(() -> redis.readAsync(StatePath.ROOT).join()).isInstanceOf(CompletionException.class)
			.hasCauseInstanceOf(IllegalStateException.class);
	}

	/** Routes the contract's reads and commits through the asynchronous calls. */
	private static final class ThroughAsync implements StateBackend {

		private final RedisBackend redis;

		ThroughAsync(RedisBackend redis) {
			this.redis = redis;
		}

		private static <T> T join(CompletableFuture<T> future) {
			try {
				return future.join();
			}
			catch (CompletionException ex) {
				if (ex.getCause() instanceof RuntimeException cause) {
					throw cause;
				}
				throw ex;
			}
		}

		@Override
		public @Nullable Object read(StatePath path) {
			return join(this.redis.readAsync(path));
		}

		@Override
		public CommitResult commit(CommitRequest request) {
			return join(this.redis.commitAsync(request));
		}

		@Override
		public long revision() {
			return this.redis.revision();
		}

		@Override
		public Map<String, Object> describe() {
			return this.redis.describe();
		}

		@Override
		public void close() {
			this.redis.close();
		}

	}

}

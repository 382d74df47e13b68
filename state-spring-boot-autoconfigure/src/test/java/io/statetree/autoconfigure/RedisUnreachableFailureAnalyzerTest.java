package io.statetree.autoconfigure;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

import io.statetree.core.StateStorageException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis unreachable at start-up (issue 17 part 3): the start-up fails with an analysis naming the
 * address (never the password) and the kind of failure, one analysis per kind.
 */
class RedisUnreachableFailureAnalyzerTest {

	private static final String ADDRESS = "redis://cache.example:6380/2";

	@Test
	void aClosedPortFailsStartUpNamingTheAddressAndThatItWasRefused() throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, DataRedisAutoConfiguration.class,
					StateTreeAutoConfiguration.class))
			.withPropertyValues("statetree.backend=redis", "spring.data.redis.host=127.0.0.1",
					"spring.data.redis.port=" + port, "spring.data.redis.password=s3cret-pa55",
					"spring.data.redis.timeout=1s")
			.run((context) -> {
				assertThat(context).hasFailed();
				RedisUnreachableException cause = Failures.find(context.getStartupFailure(),
						RedisUnreachableException.class);
				assertThat(cause.getKind()).isEqualTo(RedisUnreachableException.Kind.CONNECTION_REFUSED);
				FailureAnalysis analysis = new RedisUnreachableFailureAnalyzer()
					.analyze(context.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).contains("'statetree.backend'")
					.contains("redis://127.0.0.1:" + port + "/0")
					.contains("refused")
					.doesNotContain("s3cret-pa55");
				assertThat(analysis.getAction()).contains("spring.data.redis.port").doesNotContain("s3cret-pa55");
			});
	}

	@Test
	void connectionRefused() {
		FailureAnalysis analysis = analyze(new RedisConnectionFailureException("Unable to connect to Redis",
				new ConnectException("Connection refused: cache.example/10.0.0.7:6380")));
		assertThat(analysis.getDescription()).isEqualTo("Property 'statetree.mounts.shared.backend' selects the Redis "
				+ "backend, but Redis at " + ADDRESS + " cannot be reached: the connection was refused.");
		assertThat(analysis.getAction()).contains("Redis is running", "spring.data.redis.host");
	}

	@Test
	void unknownHost() {
		FailureAnalysis analysis = analyze(new RedisConnectionFailureException("Unable to connect to Redis",
				new UnknownHostException("cache.example: Name or service not known")));
		assertThat(analysis.getDescription()).endsWith("cannot be reached: the host name is unknown.");
		assertThat(analysis.getAction()).contains("host name", "spring.data.redis.host");
	}

	@Test
	void authenticationFailure() {
		FailureAnalysis analysis = analyze(new RedisConnectionFailureException("Unable to connect to Redis",
				new IllegalStateException("WRONGPASS invalid username-password pair or user is disabled.")));
		assertThat(analysis.getDescription()).endsWith("cannot be reached: Redis refused the credentials.");
		assertThat(analysis.getAction()).contains("spring.data.redis.password", "spring.data.redis.username");
		FailureAnalysis noAuth = analyze(new IllegalStateException("NOAUTH HELLO must be called with the client already authenticated"));
		assertThat(noAuth.getDescription()).endsWith("Redis refused the credentials.");
	}

	@Test
	void timeout() {
		FailureAnalysis analysis = analyze(new QueryTimeoutException("Redis command timed out",
				new SocketTimeoutException("Read timed out")));
		assertThat(analysis.getDescription()).endsWith("cannot be reached: no answer in time.");
		assertThat(analysis.getAction()).contains("spring.data.redis.connect-timeout", "spring.data.redis.timeout");
		FailureAnalysis connectTimedOut = analyze(new ConnectException("connection timed out: cache.example/10.0.0.7:6380"));
		assertThat(connectTimedOut.getDescription()).endsWith("no answer in time.");
	}

	@Test
	void anythingElse() {
		FailureAnalysis analysis = analyze(new IllegalStateException("something odd"));
		assertThat(analysis.getDescription()).endsWith("cannot be reached: the connection failed.");
		assertThat(analysis.getAction()).contains("spring.data.redis.*");
	}

	private static FailureAnalysis analyze(Throwable redisFailure) {
		StateStorageException storage = new StateStorageException("Cannot reach Redis at " + ADDRESS, redisFailure);
		RedisUnreachableException unreachable = new RedisUnreachableException("statetree.mounts.shared.backend",
				ADDRESS, storage);
		FailureAnalysis analysis = new RedisUnreachableFailureAnalyzer()
			.analyze(new BeanCreationException("stateController", "Failed to instantiate", unreachable));
		assertThat(analysis).isNotNull();
		return analysis;
	}

}

package io.statetree.redis;

import java.time.Duration;

import io.statetree.core.StateController;
import io.statetree.core.WriteOptions;
import io.statetree.redis.test.RedisTestServer;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The child JVM of {@link RedisPresenceCrashTest}: connects to the test Redis, writes
 * {@code /presence/child} as ephemeral with a short lease timeout, prints {@code READY} and waits
 * to be killed. Arguments: host, port, namespace, lease timeout in ms.
 */
public final class PresenceCrashWorker {

	private PresenceCrashWorker() {
	}

	public static void main(String[] args) throws Exception {
		LettuceConnectionFactory factory = RedisTestServer
			.createConnectionFactory(new RedisTestServer.Endpoint(args[0], Integer.parseInt(args[1]), "child"));
		RedisBackend backend = RedisBackend.builder(factory)
			.namespace(args[2])
			.leaseTimeout(Duration.ofMillis(Long.parseLong(args[3])))
			.build();
		StateController controller = StateController.builder().backend(backend).instanceId("child").build();
		controller.set("/presence/child", "online", WriteOptions.ephemeral());
		System.out.println("READY");
		System.out.flush();
		// renews its lease until killed
		Thread.sleep(Long.MAX_VALUE);
	}

}
